"""Coding: the codebook, tagged excerpts, theme suggestions, synthesis per theme, closed questions by audience."""

from __future__ import annotations

import unicodedata
from collections import Counter
from typing import Any

from reperes.analytics.disclosure import protect_counts
from reperes.referentiel.enquetes import (
    AUDIENCES,
    DEFAULT_MIN_PARTNER_GROUP,
    OTHER_PARTNERS_LABEL,
    PARTNER_AUDIENCES,
    THEMES,
)

from .masking import mask_text
from .models import Excerpt, FormVersion, Interview, Response, Theme


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def seed_codebook() -> list[Theme]:
    """The themes of the call (needs, offer, articulations, complementarity, gaps, experiments, exits)."""
    themes = []
    for code, (label, description, keywords) in THEMES.items():
        theme, _ = Theme.objects.get_or_create(code=code, defaults={"label": label, "description": description,
                                                                   "keywords": list(keywords)})
        themes.append(theme)
    return themes


def _nlp():
    from .masking import _nlp as shared

    return shared()


def lemmas(text: str) -> list[str]:
    doc = _nlp()(text[:100_000], disable=["ner"])
    return [_fold(t.lemma_ or t.text) for t in doc if t.is_alpha and not t.is_stop and len(t.text) > 2]


def suggest_themes(text: str, themes=None, limit: int = 3) -> list[dict[str, Any]]:
    """Themes whose (lemmatised) keywords occur in ``text``, best first: [{theme, score, keywords}]."""
    themes = list(themes if themes is not None else Theme.objects.all())
    counts = Counter(lemmas(text))
    out = []
    for theme in themes:
        keywords = {_fold(k) for k in theme.keywords}
        found = {k: counts[k] for k in keywords if counts.get(k)}
        if found:
            out.append({"theme": theme, "score": sum(found.values()), "keywords": sorted(found)})
    out.sort(key=lambda s: (-s["score"], s["theme"].pk))
    return out[:limit]


def tag(theme: Theme, text: str, *, audience: str, interview: Interview | None = None,
        response: Response | None = None, question: str = "") -> Excerpt:
    """Tag an excerpt; its text is masked again (open answers are not masked when they arrive)."""
    return Excerpt.objects.create(theme=theme, text=mask_text(text.strip()), audience=audience,
                                  interview=interview, response=response, question=question)


def synthesis(max_verbatims: int = 3) -> list[dict[str, Any]]:
    """Per theme: number of excerpts and of distinct sources by audience, and representative verbatims.

    Representative = the excerpts that share the most keywords with the other excerpts of the theme
    (ties: the shorter first), at most one per source, the same words (from several people) quoted once.
    """
    out = []
    for theme in Theme.objects.filter(parent__isnull=True).prefetch_related("excerpts"):
        excerpts = list(theme.excerpts.all()) + [e for child in theme.children.all() for e in child.excerpts.all()]
        if not excerpts:
            out.append({"theme": theme, "total": 0, "by_audience": {}, "verbatims": []})
            continue
        by_audience = Counter(e.audience for e in excerpts)
        words = [set(lemmas(e.text)) for e in excerpts]
        frequency = Counter(w for ws in words for w in ws)
        scored = sorted(range(len(excerpts)),
                        key=lambda i: (-sum(frequency[w] - 1 for w in words[i]), len(excerpts[i].text)))
        verbatims, sources, texts = [], set(), set()
        for i in scored:
            source = (excerpts[i].interview_id, excerpts[i].response_id)
            if source in sources and source != (None, None):
                continue
            said = _fold(excerpts[i].text).strip(" .!?…")
            if said in texts:  # the same words from several people: quoted once
                continue
            texts.add(said)
            sources.add(source)
            verbatims.append(excerpts[i])
            if len(verbatims) == max_verbatims:
                break
        out.append({"theme": theme, "total": len(excerpts),
                    "by_audience": {AUDIENCES[a]: n for a, n in by_audience.items() if a in AUDIENCES},
                    "verbatims": verbatims})
    return out


def tabulate_closed(form_version: FormVersion, question_name: str, *, min_group: int = DEFAULT_MIN_PARTNER_GROUP,
                    seuil: int = 11) -> dict[str, Any]:
    """A closed question by audience.

    Partners: an audience with fewer than ``min_group`` respondents is merged into « autres partenaires ».
    Participants: counts through the disclosure control (indicateurs.md): values below ``seuil`` are None.
    Returns {"question", "choices": [(code, label)], "rows": [{"label", "respondents", "counts", "secret"}]}.
    """
    question = next((q for q in form_version.questions() if q.name == question_name), None)
    if question is None or question.type not in ("select_one", "select_multiple"):
        raise ValueError(f"« {question_name} » n'est pas une question à choix de ce questionnaire.")
    responses = Response.objects.filter(form_version__form=form_version.form)
    groups: dict[str, list[dict]] = {}
    for audience, answers in responses.values_list("audience", "answers"):
        groups.setdefault(audience or "", []).append(answers)
    choices = list(question.choices)

    def counts_of(answer_list):
        counter = Counter()
        for answers in answer_list:
            value = answers.get(question.name)
            for v in (value if isinstance(value, list) else [value] if value else []):
                counter[v] += 1
        return {code: counter.get(code, 0) for code, _ in choices}

    rows = []
    merged: list[dict] = []
    for audience in PARTNER_AUDIENCES:
        answer_list = groups.get(audience, [])
        if not answer_list:
            continue
        if len(answer_list) < min_group:
            merged.extend(answer_list)
            continue
        rows.append({"label": AUDIENCES[audience], "respondents": len(answer_list), "counts": counts_of(answer_list),
                     "secret": ()})
    note = ""
    if merged and len(merged) >= min_group:
        rows.append({"label": OTHER_PARTNERS_LABEL, "respondents": len(merged), "counts": counts_of(merged),
                     "secret": ()})
    elif merged:
        note = (f"{len(merged)} réponse(s) de partenaires ne sont pas détaillées : moins de {min_group} "
                f"répondants, même regroupés en « {OTHER_PARTNERS_LABEL} ».")
    participants = groups.get("participant", [])
    if participants:
        counts = counts_of(participants)
        if question.type == "select_one":
            protected = protect_counts(counts, seuil, total=len(participants))
            total = protected.total
        else:
            protected = protect_counts(counts, seuil)
            total = len(participants) if len(participants) >= seuil else None
        rows.append({"label": AUDIENCES["participant"], "respondents": total, "counts": protected.values,
                     "secret": protected.secret})
    return {"question": question, "choices": choices, "rows": rows, "seuil": seuil, "note": note}
