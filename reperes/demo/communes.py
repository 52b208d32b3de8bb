"""The communes a demo population lives in, read from the bundled reference.

Pure Python: reads ``reperes/territory/data/communes-france.csv`` (INSEE COG,
population municipale, EPCI membership) with the standard library.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

import reperes

COMMUNES_CSV = Path(reperes.__file__).parent / "territory" / "data" / "communes-france.csv"

# The four intercommunalités of the Pays Terres de Lorraine (153 communes,
# 97,992 inhabitants): CC Terres Touloises, CC Moselle et Madon, CC du Pays du
# Saintois, CC du Pays de Colombey et du Sud Toulois.
TERRES_DE_LORRAINE_EPCI: tuple[str, ...] = ("200070563", "245400171", "200035772", "245400510")

# EPCI treated as rural as a whole: the Saintois and the Colombey / Sud Toulois
# areas are made of villages and small bourgs (the largest communes,
# Colombey-les-Belles and Vézelise, have about 1,400 inhabitants each), away
# from the Toul and Neuves-Maisons poles.
RURAL_EPCI: frozenset[str] = frozenset({"200035772", "245400510"})

# Below this population, a commune of an EPCI absent from RURAL_EPCI is rural.
RURAL_POPULATION_THRESHOLD = 2_000


@dataclass(frozen=True)
class CommuneInfo:
    code: str  # INSEE COG code, 5 characters
    nom: str
    population: int  # population municipale
    epci_siren: str
    rural: bool


def is_rural(epci_siren: str, population: int) -> bool:
    """Rurality of a commune for the demo's correlations.

    The choice is made by EPCI, because it is how the PLIE reads its
    territory (and how its actions are programmed): every commune of the CC du
    Pays du Saintois and of the CC du Pays de Colombey et du Sud Toulois is
    rural, every commune of the Terres Touloises and of Moselle et Madon is
    not (their villages live in the Toul and Neuves-Maisons employment areas).
    For the EPCI of another territory (passed explicitly to
    ``load_communes``), a commune of fewer than 2,000 inhabitants is rural.
    """
    if epci_siren in RURAL_EPCI:
        return True
    if epci_siren in TERRES_DE_LORRAINE_EPCI:
        return False
    return population < RURAL_POPULATION_THRESHOLD


def load_communes(epci_sirens: tuple[str, ...] | list[str] = TERRES_DE_LORRAINE_EPCI,
                  path: Path = COMMUNES_CSV) -> list[CommuneInfo]:
    """Communes of the given EPCI (SIREN codes), sorted by INSEE code.

    Raises ``ValueError`` when an EPCI has no commune in the reference.
    """
    wanted = frozenset(str(s).strip() for s in epci_sirens)
    found = _read_communes(wanted, path)
    missing = wanted - {c.epci_siren for c in found}
    if missing:
        raise ValueError("EPCI absents du référentiel des communes : " + ", ".join(sorted(missing)))
    return list(found)


@functools.lru_cache(maxsize=8)
def _read_communes(wanted: frozenset[str], path: Path) -> tuple[CommuneInfo, ...]:
    found: list[CommuneInfo] = []
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
        # Only the lines that mention one of the SIREN are parsed (the file has 35,000 communes).
        lines = (line for line in handle if any(siren in line for siren in wanted))
        for values in csv.reader(lines):
            row = dict(zip(header, values, strict=True))
            epci = row["code_epci"]
            if epci not in wanted:
                continue
            population = int(row["population_municipale"] or 0)
            found.append(CommuneInfo(code=row["code_insee"], nom=row["nom"], population=population,
                                     epci_siren=epci, rural=is_rural(epci, population)))
    found.sort(key=lambda c: c.code)
    return tuple(found)
