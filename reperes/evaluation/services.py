"""What the evaluation pages show: seeded questions, evidence retained vs now, baselines, traceability, register.

Views stay thin; every figure comes through :class:`reperes.evaluation.evidence.Resolver`
(partners: the ``--diffusion`` version, the disclosure rules of docs/indicateurs.md).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from reperes import formats
from reperes.referentiel import evaluation as voc

from . import models as m
from .evidence import Resolver, changed, format_value, indicator_label
from .exchange import preuve_item


def seed_questions() -> int:
    """The questions of the call, on an instance that has none yet."""
    if m.Question.objects.exists():
        return 0
    m.Question.objects.bulk_create(m.Question(code=code, critere=critere, texte=texte, position=i)
                                   for i, (code, critere, texte) in enumerate(voc.QUESTIONS_APPEL))
    return len(voc.QUESTIONS_APPEL)


def next_code(model, prefix: str) -> str:
    """``C1``, ``C2``…: one more than the highest number used with this prefix."""
    numbers = [int(match.group(1)) for code in model.objects.values_list("code", flat=True)
               if (match := re.fullmatch(rf"{prefix}(\d+)", code))]
    return f"{prefix}{max(numbers, default=0) + 1}"


def next_numero() -> int:
    return (m.Preconisation.objects.order_by("-numero").values_list("numero", flat=True).first() or 0) + 1


def questions_by_criterion() -> list[tuple[str, str, str, list]]:
    """(code, label, help, questions with their findings) for the six criteria, in order."""
    questions = list(m.Question.objects.prefetch_related("constats"))
    return [(code, label, voc.CRITERES_AIDE[code], [q for q in questions if q.critere == code])
            for code, label in voc.CRITERES.items()]


# ------------------------------------------------------------------------------------ evidence shown


@dataclass
class ShownEvidence:
    preuve: Any
    kind: str
    label: str
    detail: str = ""
    retained: str = ""
    now: str = ""
    a_revoir: bool = False
    secret: bool = False
    error: str = ""
    resolved: dict = field(default_factory=dict)


def describe_period(debut: dt.date | None, fin: dt.date | None) -> str:
    if not debut or not fin:
        return ""
    if debut.month == 1 and debut.day == 1 and fin.month == 12 and fin.day == 31 and debut.year == fin.year:
        return f"année {debut.year}"
    return f"du {formats.date(debut)} au {formats.date(fin)}"


def describe_filters(filtres: dict) -> str:
    parts = []
    if filtres.get("epci"):
        parts.append(f"EPCI {filtres['epci']}")
    if filtres.get("profil"):
        key, _, group = filtres["profil"].partition(":")
        parts.append(f"{key.replace('_', ' ')} : {group}")
    return " ; ".join(parts)


def show(preuve, resolver: Resolver) -> ShownEvidence:
    item = resolver.resolve(preuve_item(preuve))
    suppressed = formats.suppressed(resolver.seuil)
    kind = preuve.type
    out = ShownEvidence(preuve, kind, voc.PREUVE_TYPES[kind], resolved=item, error=item.get("erreur", ""),
                        secret=bool(item.get("secret")))
    if kind == "indicateur":
        out.label = indicator_label(preuve.indicateur)
        out.detail = ", ".join(x for x in (describe_period(preuve.debut, preuve.fin),
                                           describe_filters(preuve.filtres)) if x)
        out.now = suppressed if out.secret else format_value(preuve.indicateur, item.get("valeur"))
        out.retained = ("" if out.secret or "valeur_initiale" not in item
                        else format_value(preuve.indicateur, item.get("valeur_initiale")))
        out.a_revoir = bool(item.get("a_revoir"))
    elif kind == "matrice":
        from reperes import referentiel as ref

        out.label = f"Matrice besoins × offre : {ref.FREINS.label(preuve.besoin)}"
        out.detail = f"EPCI {preuve.epci}"
        # the file's `valeur` is null when the need is suppressed; the page shows the partner cell (« s »)
        shown = resolver.matrix_cell(preuve.besoin, preuve.epci, preuve.debut, preuve.fin)[0] if out.secret \
            else item.get("valeur")
        out.now = cell_text(shown, suppressed)
        initial = preuve.valeur_initiale
        if isinstance(initial, dict) and not out.secret and item.get("valeur") is not None and \
                (not resolver.diffusion or not changed(initial, item["valeur"])):
            out.retained = cell_text(initial, suppressed)
            out.a_revoir = changed(initial, item["valeur"])
    elif kind == "verbatim":
        out.label = f"Verbatim (thème « {preuve.theme} »)"
        out.now = f"« {preuve.texte} »"
    elif kind == "benchmark":
        # a fiche PLIE indicator (docs/fiche-plie.md), shown as the « Comparer » page shows it
        from reperes.benchmark.indicators import BY_ID
        from reperes.benchmark.sheets import display_value

        entry = BY_ID.get(preuve.indicateur)
        out.label = f"Comparaison : {entry.label if entry else preuve.indicateur}"
        out.detail = f"{preuve.plie}, {preuve.annee}"
        value = item.get("valeur")
        if out.secret:
            out.now = suppressed
        elif entry is None or value is None:
            out.now = "–"
        elif isinstance(value, list):  # pratique_remarquable: one row per practice
            out.now = " ; ".join(str(v) for v in value)
        else:
            out.now = display_value(preuve.indicateur, value)
    elif kind == "document":
        out.label = preuve.titre
        out.detail = preuve.source
    return out


def cell_text(value: dict | None, suppressed: str) -> str:
    """A cell of the needs × offer matrix in French: status, demand, services."""
    if not value:
        return ""
    from reperes.offer import matrix as mx

    demande = suppressed if value.get("demande") is None else formats.number(value["demande"])
    code = value.get("statut_detail") or value.get("statut")  # a value retained before the detail: the status
    statut = mx.STATUT_LABELS.get(code, code)
    return f"{statut} : demande {demande}, {formats.number(value.get('services') or 0)} service(s)"


def evidence_of(constat, resolver: Resolver) -> list[ShownEvidence]:
    return [show(p, resolver) for p in constat.preuves.all()]


# ------------------------------------------------------------------------------------ baselines


def base_year(resolver: Resolver) -> int | None:
    """The base year of the resolver's data (:func:`reperes.analytics.periods.base_year`, the one rule)."""
    from reperes.analytics.periods import base_year as rule

    return rule(resolver._data())


def baseline(reco, resolver: Resolver) -> tuple[int | None, Any, bool]:
    """(base year, value of the target's indicator that year, secret)."""
    if not reco.has_cible:
        return None, None, False
    year = base_year(resolver)
    if year is None:
        return None, None, False
    value, secret = resolver.indicator(reco.cible_indicateur, dt.date(year, 1, 1), dt.date(year, 12, 31))
    return year, value, secret


def cible_text(reco, resolver: Resolver) -> str:
    if not reco.has_cible:
        return ""
    text = f"{indicator_label(reco.cible_indicateur)} : {format_value(reco.cible_indicateur, reco.cible_valeur)}"
    if reco.cible_echeance:
        text += f" au {formats.date(reco.cible_echeance)}"
    year, value, secret = baseline(reco, resolver)
    if year is not None:
        shown = formats.suppressed(resolver.seuil) if secret else format_value(reco.cible_indicateur, value)
        text += f" (base {year} : {shown})"
    return text


# ------------------------------------------------------------------------------------ register


REGISTER_HEADERS = ["N°", "Titre", "Préconisation", "Constats", "Priorité", "Horizon", "Pilote", "Article",
                    "Cible", "Décision"]


def register_rows(resolver: Resolver) -> list[list[Any]]:
    from .standing import standings

    recos = list(m.Preconisation.objects.prefetch_related("constats"))
    standing = standings(recos)
    rows = []
    for r in recos:
        s = standing[r.pk]
        rows.append([r.numero, r.titre, s.texte, ", ".join(k.code for k in r.constats.all()),
                     voc.PRIORITES[r.priorite], r.horizon, r.pilote, voc.ARTICLES[r.article],
                     cible_text(r, resolver), s.label])
    return rows


def register_document(resolver: Resolver, plie_name: str):
    from reperes.documents import model as doc

    rows = register_rows(resolver)
    columns = [doc.Column(h) for h in REGISTER_HEADERS]
    recos = list(m.Preconisation.objects.prefetch_related("constats"))
    sections = [doc.Section("Registre des préconisations", blocks=[
        doc.Table("Préconisations", columns, [[str(c) for c in row] for row in rows], source="Repères")])]
    for r, row in zip(recos, rows, strict=True):
        blocks = [doc.Paragraph(row[2]),
                  doc.BulletList([f"Priorité : {row[4]}", f"Horizon : {row[5]}", f"Pilote : {row[6]}",
                                  f"Article du protocole : {row[7]}", f"Décision : {row[9]}"]
                                 + ([f"Cible : {row[8]}"] if row[8] else []))]
        for k in r.constats.all():
            blocks.append(doc.Callout("finding", f"Constat {k.code}", k.texte))
        sections.append(doc.Section(f"{r.numero}. {r.titre}", blocks=blocks))
    disclosure = doc.DisclosureNote(resolver.seuil) if resolver.diffusion else None
    return doc.Document("Registre des préconisations", sections, subtitle="Évaluation du PLIE",
                        date=resolver.today, organisation=plie_name, disclosure=disclosure)


# ------------------------------------------------------------------------------------ traceability


def figure_key(preuve) -> str:
    """What identifies a figure across findings (the same indicator on the same period is the same figure)."""
    if preuve.type == "indicateur":
        return f"indicateur:{preuve.indicateur}:{preuve.debut}:{preuve.fin}:{describe_filters(preuve.filtres)}"
    if preuve.type == "matrice":
        return f"matrice:{preuve.besoin}:{preuve.epci}"
    if preuve.type == "benchmark":
        return f"benchmark:{preuve.indicateur}:{preuve.plie}:{preuve.annee}"
    return f"{preuve.type}:{preuve.pk}"


def traceability(resolver: Resolver) -> dict:
    """Both directions: question → findings → evidence → recommendations, and figure → findings → recommendations."""
    constats = list(m.Constat.objects.prefetch_related("questions", "preuves", "preconisations"))
    shown = {k.pk: evidence_of(k, resolver) for k in constats}
    by_question = []
    for _code, label, _, questions in questions_by_criterion():
        for q in questions:
            items = [(k, shown[k.pk], list(k.preconisations.all())) for k in constats
                     if q in k.questions.all()]
            by_question.append({"critere": label, "question": q, "constats": items})
    figures: dict[str, dict] = {}
    for k in constats:
        for ev in shown[k.pk]:
            entry = figures.setdefault(figure_key(ev.preuve), {"evidence": ev, "constats": [], "preconisations": []})
            entry["constats"].append(k)
            for r in k.preconisations.all():
                if r not in entry["preconisations"]:
                    entry["preconisations"].append(r)
    return {"by_question": by_question, "by_figure": list(figures.values())}


# ------------------------------------------------------------------------------------ retaining evidence


def indicator_choices(bloc: str = "") -> list[tuple[str, str]]:
    """The figures a block of the analyses pages shows (every scalar indicator and exit breakdown otherwise)."""
    from reperes import referentiel as ref
    from reperes.analytics.indicators import CORE_INDICATORS, REPARTITION

    scalars = [(i.id, i.label) for i in CORE_INDICATORS if i.unit != REPARTITION and not i.id.endswith("_par_epci")]
    categories = [(f"sorties_par_categorie.{c}", indicator_label(f"sorties_par_categorie.{c}"))
                  for c in ref.CATEGORIE_SORTIE.codes()]
    motifs = [(f"sorties_par_motif.{c}", indicator_label(f"sorties_par_motif.{c}")) for c in ref.MOTIF_SORTIE.codes()]
    if bloc == "indicateurs":
        return scalars
    if bloc == "categories":
        return categories
    if "motif" in bloc:
        return motifs
    return scalars + categories + motifs


def barrier_of_category(thematique: str) -> str:
    """The first barrier code of the référentiel answered by a data·inclusion category ("" when none)."""
    from reperes import referentiel as ref

    return next((c for c in ref.FREINS.codes() if ref.datainclusion_category_of(c) == thematique), "")


def matrix_label(besoin: str, epci: str) -> str:
    from reperes import referentiel as ref

    label = ref.FREINS.label(besoin) if besoin in ref.FREINS else besoin
    return f"matrice besoins × offre : {label}, EPCI {epci}"


def excerpt(pk) -> tuple[str, str]:
    """(theme code, masked text) of a coded excerpt of the surveys, ("", "") when there is none."""
    from django.apps import apps

    if not pk or not str(pk).isdigit() or not apps.is_installed("reperes.surveys"):
        return "", ""
    from reperes.surveys.models import Excerpt

    found = Excerpt.objects.select_related("theme").filter(pk=int(pk)).first()
    return (found.theme.code, found.text) if found else ("", "")


def retain(constat, kind: str, data: dict, *, user) -> Any:
    """Attach evidence to a finding; a figure keeps the value it has now (« valeur retenue »)."""
    from django.utils import timezone

    fields: dict[str, Any] = {"type": kind, "origine": (data.get("origine") or "")[:300]}
    if kind == "indicateur":
        filtres = {k: data[k] for k in ("epci", "profil") if data.get(k)}
        fields.update(indicateur=data["indicateur"], debut=data["debut"], fin=data["fin"], filtres=filtres,
                      valeur_initiale=Resolver().raw_indicator(data["indicateur"], data["debut"], data["fin"],
                                                               filtres))
    elif kind == "matrice":
        cell, _, _ = Resolver().matrix_cell(data["besoin"], data["cellule_epci"], data["debut"], data["fin"])
        fields.update(besoin=data["besoin"], epci=data["cellule_epci"], debut=data["debut"], fin=data["fin"],
                      valeur_initiale=cell)
    elif kind == "benchmark":  # the row as it reads today (this PLIE's own value: protected, as partners see it)
        fields.update(indicateur=data["indicateur"], plie=data["plie"], annee=data["annee"],
                      valeur_initiale=data["ligne"]["valeur"])
    else:
        fields.update(theme=data["theme"], texte=data["citation"].strip())
    return m.Preuve.objects.create(constat=constat, position=constat.preuves.count(), retenue_le=timezone.now(),
                                   retenue_par=user, **fields)
