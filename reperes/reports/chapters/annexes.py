"""Annexes: the register of decisions, committee attendance, the data snapshot and reproducibility record."""

from __future__ import annotations

from reperes.documents import Column, Paragraph, Section, Table

from .context import ChapterContext
from .recommendations import attendance, register_of_decisions


def snapshot(cx: ChapterContext, parameters: dict) -> Section:
    rows = [[key, str(value)] for key, value in parameters.items()]
    return Section("Instantané des données et reproductibilité", slug="reproductibilite", blocks=[
        Paragraph("Les mêmes données (même empreinte), les mêmes décisions et les mêmes paramètres redonnent le même "
                  "document, octet pour octet : chaque chiffre peut être recalculé."),
        Table("Instantané et paramètres du document", [Column("Élément"), Column("Valeur")], rows,
              source="Repères", key="instantane")])


def chapter(cx: ChapterContext, parameters: dict) -> Section:
    return Section("Annexes", slug="annexes", subsections=[register_of_decisions(), attendance(),
                                                            snapshot(cx, parameters)])
