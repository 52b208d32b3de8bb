"""The period and its three populations, defined once (``docs/indicateurs.md``, « Period » and « Populations »).

- :class:`Period` — ``[debut, fin]``, both dates included; the one period type
  of Repères (the indicators' payload, the documents' provenance lines). A
  period whose end precedes its start is refused with :data:`PERIOD_ERROR`.
- the populations of a period, as Polars expressions (:func:`accompagne`,
  :func:`entre`, :func:`sorti`) and as filters of the participants' frame
  (:func:`accompagnes`, :func:`entrees`, :func:`sorties`): the indicators,
  the analyses' pages and the reports all count through them, so a page and
  a report cannot disagree on who is « accompagné ».

Pure (Polars); nothing here imports Django.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import polars as pl

PERIOD_ERROR = "La fin de la période doit suivre son début."


def check_period(debut: dt.date, fin: dt.date) -> None:
    """``ValueError`` (:data:`PERIOD_ERROR`) when ``fin`` precedes ``debut``."""
    if fin < debut:
        raise ValueError(PERIOD_ERROR)


@dataclass(frozen=True)
class Period:
    """The period a figure covers, both dates included (see indicateurs.md, « Period »).

    ``label`` overrides the default wording of the documents (« année 2019 », « du … au … »).
    """

    debut: dt.date
    fin: dt.date
    label: str | None = None

    node_type: ClassVar[str] = "period"  # a node of the documents' model (reperes.documents)

    def __post_init__(self) -> None:
        check_period(self.debut, self.fin)

    def as_dict(self) -> dict[str, str]:
        return {"debut": self.debut.isoformat(), "fin": self.fin.isoformat()}


# ------------------------------------------------------------------------------------ populations


def accompagne(debut: dt.date, fin: dt.date) -> pl.Expr:
    """Accompagné in the period: entered by ``fin`` and not left before ``debut`` (bounds included)."""
    return (pl.col("date_entree") <= fin) & (pl.col("date_sortie").is_null() | (pl.col("date_sortie") >= debut))


def entre(debut: dt.date, fin: dt.date) -> pl.Expr:
    """Entered in the period: ``date_entree`` in ``[debut, fin]``."""
    return pl.col("date_entree").is_between(debut, fin, closed="both")


def sorti(debut: dt.date, fin: dt.date) -> pl.Expr:
    """Left in the period: ``date_sortie`` in ``[debut, fin]``."""
    return pl.col("date_sortie").is_between(debut, fin, closed="both")


def accompagnes(participants: pl.DataFrame, debut: dt.date, fin: dt.date) -> pl.DataFrame:
    """The parcours accompagnés in ``[debut, fin]``."""
    return participants.filter(accompagne(debut, fin))


def entrees(participants: pl.DataFrame, debut: dt.date, fin: dt.date) -> pl.DataFrame:
    """The parcours entered in ``[debut, fin]``."""
    return participants.filter(entre(debut, fin))


def sorties(participants: pl.DataFrame, debut: dt.date, fin: dt.date) -> pl.DataFrame:
    """The parcours that left in ``[debut, fin]``."""
    return participants.filter(sorti(debut, fin))
