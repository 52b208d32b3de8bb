"""Read a folder of CSV files written by the demo generator straight into a :class:`Dataset`.

For benchmarks and pure tests only: it reads the generator's canonical
output (``;``-separated UTF-8, codes not labels, ``JJ/MM/AAAA`` dates) with
Polars' CSV reader, without the importer's validation, pseudonymisation or
database. Real data always goes through ``reperes import``.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from . import ages
from .frames import Dataset

DATE_FORMAT = "%d/%m/%Y"


def _date(column: str) -> pl.Expr:
    return pl.col(column).str.to_date(DATE_FORMAT, strict=False)


def _multi(column: str) -> pl.Expr:
    return (pl.when(pl.col(column).is_null() | (pl.col(column) == "")).then(pl.lit([], dtype=pl.List(pl.String)))
            .otherwise(pl.col(column).str.split("|")))


def _bool(column: str) -> pl.Expr:
    value = pl.col(column).str.to_lowercase()
    return pl.when(value.is_in(["oui", "o", "1", "vrai", "true", "x"])).then(True).when(
        value.is_in(["non", "n", "0", "faux", "false"])).then(False).otherwise(None)


def _read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, separator=";", infer_schema=False)


def communes_frame(communes) -> pl.DataFrame:
    """The communes frame from :class:`reperes.demo.communes.CommuneInfo` objects."""
    communes = list(communes)
    return pl.DataFrame({
        "commune": [c.code for c in communes], "nom": [c.nom for c in communes],
        "epci": [c.epci_siren for c in communes], "epci_nom": [None] * len(communes),
        "population": [c.population for c in communes],
    })


def read_folder(folder: Path | str, communes: pl.DataFrame | None = None) -> Dataset:
    """A :class:`Dataset` from the generator's CSV files; ``participant`` is the raw ``id_participant``."""
    folder = Path(folder)
    communes = communes if communes is not None else pl.DataFrame()
    p = _read(folder / "participants.csv")
    birth = _date("date_naissance")
    entry = _date("date_entree")
    participants = p.select(
        pl.col("id_participant").alias("participant"),
        pl.col("id_personne").alias("personne"),
        pl.col("sexe"),
        pl.coalesce(birth.dt.year(), pl.col("annee_naissance").cast(pl.Int32, strict=False)).alias("annee_naissance"),
        ages.age_at(birth, pl.col("annee_naissance").cast(pl.Int32, strict=False), entry).alias("age_entree"),
        pl.col("commune_residence").alias("commune"),
        _bool("qpv").alias("qpv"),
        pl.col("niveau_formation"), pl.col("situation_entree"),
        pl.col("anciennete_chomage_mois").cast(pl.Int32, strict=False),
        _multi("criteres").alias("criteres"), _multi("freins_entree").alias("freins_entree"),
        pl.col("prescripteur"), pl.col("referent"),
        entry.alias("date_entree"), _date("date_sortie").alias("date_sortie"),
        pl.col("motif_sortie"),
        pl.col("duree_emploi_mois").str.replace(",", ".").cast(pl.Float64, strict=False),
        pl.col("situation_6_mois"), _date("date_situation_6_mois").alias("date_situation_6_mois"),
    )
    if communes.height:
        participants = participants.join(communes.select("commune", "epci"), on="commune", how="left")
    etapes = _read(folder / "etapes.csv").select(
        pl.col("id_participant").alias("participant"), "type_etape", _date("date_debut").alias("date_debut"),
        _date("date_fin").alias("date_fin"), "id_action", "operateur", "resultat")
    suivi = _read(folder / "suivi_freins.csv").select(
        pl.col("id_participant").alias("participant"), _date("date").alias("date"), "frein",
        pl.col("niveau").cast(pl.Int32))
    acquis = _read(folder / "acquis.csv").select(
        pl.col("id_participant").alias("participant"), _date("date").alias("date"), "type_acquis")
    actions = _read(folder / "actions.csv")
    actions = actions.select(
        "id_action", "intitule", "axe", "famille", "operateur", _multi("territoire").alias("territoire"),
        _date("date_debut").alias("date_debut"), _date("date_fin").alias("date_fin"),
        *[pl.col(c).str.replace(",", ".").cast(pl.Float64, strict=False)
          for c in ("budget_total", "financement_fse", "autres_financements")],
        pl.col("places_prevues").cast(pl.Int32, strict=False), _bool("experimentale").alias("experimentale"),
        "theme_experimentation")
    return Dataset(participants=participants, etapes=etapes, actions=actions, suivi_freins=suivi, acquis=acquis,
                   **({"communes": communes} if communes.height else {}))
