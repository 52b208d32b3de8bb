"""What an indicator is: id, French label and definition, unit (shared by the core and the ESF+ modules)."""

from __future__ import annotations

from dataclasses import dataclass

# Units
NOMBRE = "nombre"
TAUX = "taux"  # fraction in [0, 1], shown as a French percentage
MOIS = "mois"
RATIO = "ratio"  # a mean number per person
REPARTITION = "répartition"  # an object key → count
POUR_1000 = "pour 1 000 habitants"


@dataclass(frozen=True)
class Indicator:
    """One indicator of the contract (or an ESF+ one): what it is, in French, where it is shown."""

    id: str
    label: str
    definition: str
    unit: str
    section: str = "coeur"  # "coeur" (indicateurs.md core) or "fse" (ESF+)
    denominator: str | None = None  # French name of the denominator, shown next to a rate
    approximation: str | None = None  # ESF+: how the exchange format approximates the annex's definition
    by_sex: bool = False  # value is {"F": …, "M": …, "total": …}
    staff_only: bool = False

    @property
    def is_rate(self) -> bool:
        return self.unit == TAUX
