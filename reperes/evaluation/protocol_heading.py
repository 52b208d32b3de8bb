"""The protocol's heading (title, years, signatories) as stored in the evaluation register, else the draft's own.

Read by the evaluation file's ``protocole`` section (:mod:`reperes.evaluation.exchange`) and by the draft protocol
(:mod:`reperes.reports.protocol`): one rule for both, in the domain layer.
"""

from __future__ import annotations

from typing import Any


def _resolver():
    from reperes.evaluation.evidence import Resolver

    return Resolver(diffusion=True)


def stored_protocole():
    from reperes.evaluation.models import Protocole

    return Protocole.objects.filter(pk=1).first()


def protocol_years(stored) -> tuple[int, int]:
    if stored is not None and stored.debut and stored.fin:
        return stored.debut, stored.fin
    return 2021, 2025


def territory_rows(resolver) -> tuple[list[list[Any]], int]:
    """[[EPCI name, SIREN, communes, population]] of the territory, and the total population."""
    import polars as pl

    data = resolver._data()
    communes = data.communes
    if communes.height == 0:
        return [], 0
    frame = (communes.group_by("epci", "epci_nom").agg(pl.len().alias("n"), pl.col("population").sum().alias("pop"))
             .sort("epci_nom", "epci"))
    rows = [[r["epci_nom"] or r["epci"], r["epci"], r["n"], int(r["pop"] or 0)] for r in frame.iter_rows(named=True)]
    return rows, sum(r[3] for r in rows)


def heading(resolver=None) -> dict:
    """``titre``, ``debut``, ``fin`` and ``signataires`` of the protocol: the stored ones, else the draft's own
    (the PLIE's name and 2021-2025; the State and the territory's EPCI)."""
    from reperes.configuration.models import Installation

    stored = stored_protocole()
    debut, fin = protocol_years(stored)
    titre = (stored.titre if stored is not None and stored.titre else
             f"Protocole d'accord du {Installation.get().plie_name} {debut}-{fin}")
    if stored is not None and stored.signataires:
        signataires = list(stored.signataires)
    else:
        signataires = ["État"] + [name for name, *_ in territory_rows(resolver or _resolver())[0]]
    return {"titre": titre, "debut": debut, "fin": fin, "signataires": signataires}
