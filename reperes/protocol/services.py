"""Editing the draft protocol: save an article (each version kept), go back to the generated text, compare two
versions (a readable word diff, :mod:`difflib`), render the draft or one version."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass

from django.db import transaction

from reperes.referentiel import evaluation as voc

FORMATS = ("docx", "pdf", "html")


class ProtocolError(ValueError):
    """A problem the user can fix (French message)."""


def parse_formats(text: str | None) -> list[str]:
    if not text:
        return list(FORMATS)
    wanted = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [part for part in wanted if part not in FORMATS]
    if unknown:
        raise ProtocolError(f"Format inconnu : {', '.join(unknown)}. Formats possibles : {', '.join(FORMATS)}.")
    return list(dict.fromkeys(wanted))


def generated_body(cle: str) -> str:
    from reperes.configuration.models import Installation
    from reperes.reports.protocol import _resolver, generated_bodies

    return generated_bodies(_resolver(), Installation.get().plie_name)[cle]


def save_article(cle: str, texte: str, *, user) -> bool:
    """Save an edited body; the generated text is kept as the first version. False when nothing changed."""
    from reperes.evaluation.models import Article, ArticleVersion

    if cle not in voc.ARTICLES:
        raise ProtocolError("Article inconnu.")
    texte = texte.replace("\r\n", "\n").strip()
    if not texte:
        raise ProtocolError("Le texte de l’article est vide : écrivez-le, ou revenez au texte généré.")
    with transaction.atomic():
        article, _ = Article.objects.select_for_update().get_or_create(cle=cle)
        current = article.texte or generated_body(cle)
        if texte == current.strip():
            return False
        if not article.versions.exists():
            ArticleVersion.objects.create(article=article, texte=current, auteur=None)
        article.texte, article.updated_by = texte, user
        article.save()
        ArticleVersion.objects.create(article=article, texte=texte, auteur=user)
    return True


def reset_article(cle: str, *, user) -> None:
    """Back to the generated text (the versions stay)."""
    from reperes.evaluation.models import Article

    Article.objects.filter(cle=cle).update(texte="", updated_by=user)


def versions(cle: str) -> list:
    """The article's versions, oldest first, numbered from 1."""
    from reperes.evaluation.models import ArticleVersion

    items = list(ArticleVersion.objects.filter(article__cle=cle).select_related("auteur").order_by("created_at", "pk"))
    for number, item in enumerate(items, start=1):
        item.number = number
    return items


@dataclass
class Piece:
    op: str  # equal, insert, delete
    text: str


TOKEN = re.compile(r"\s+|[^\s]+")


def diff(old: str, new: str) -> list[Piece]:
    """Word by word: what stayed, what was removed, what was added (in reading order)."""
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(Piece("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(Piece("insert", "".join(b[j1:j2])))
    return pieces


def diff_text(old: str, new: str, old_name: str, new_name: str) -> str:
    return "\n".join(difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name, lineterm=""))


def adopted() -> bool:
    from .models import Adoption

    return Adoption.current() is not None


def render(formats: list[str], *, date: dt.date, body_overrides: dict[str, str] | None = None):
    """The draft's document and each format's bytes (the renderers of the reports)."""
    from reperes.reports import services
    from reperes.reports.protocol import draft_document

    document = draft_document(date=date, adopted=adopted(), body_overrides=body_overrides)
    template, logo = services.customisation()
    return document, services.render_formats(document, formats, template=template, logo=logo)


def file_stem(date: dt.date) -> str:
    return f"projet-protocole-{date.isoformat()}" if not adopted() else f"protocole-{date.isoformat()}"
