"""Read the territorial statistics a PLIE downloads, into one long Polars frame.

Pure Python and Polars (nothing from Django): the caller passes the known
codes (communes, EPCI, départements) and, optionally, the codes to keep (the
territory). Each source has its reader; all of them end in the same long
frame ``code_geo, niveau, indicateur, millesime, source, valeur, secret`` and
the same checks, done on whole columns:

- a secret marker of the published file (``s``, ``secret``, ``nd``, ``n.d.``,
  ``*``) is a secret cell: kept, without a value;
- a non-numeric or negative value, or an unknown geographic code, rejects the
  row (every reason listed); the other rows go on;
- a known code outside the territory is skipped (counted, not stored).

Sources:

``insee``  comparateur de territoires / dossier complet: ``CODGEO`` and
           vintage-prefixed columns (``P21_POP``, ``C19_ACT1564``, ``MED21``):
           indicator ``P_POP``, ``C_ACT1564``, ``MED``; vintage ``2021``.
``dares``  France Travail / DARES job seekers by category and seniority, one
           column per series (``abc``, ``a``, ``abc_1an_plus``…), by commune or EPCI.
``caf``    CAF households receiving the RSA (a column naming « rsa »).
``qpv``    the list of QPV: one row per quartier and commune; gives per commune
           the number of QPV (``QPV_NOMBRE``) and their population when given.
``generic`` long format ``code_geo, indicateur, valeur, millesime, source``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from reperes import reading, safefiles
from reperes.referentiel import fold

SOURCES = ("insee", "dares", "caf", "qpv", "generic")
SOURCE_LABELS = {"insee": "INSEE", "dares": "France Travail / DARES", "caf": "CAF", "qpv": "ANCT (QPV)"}
SECRET_MARKERS = ("s", "secret", "nd", "n.d.", "*")
TABLE = "statistiques"

# Canonical indicators the coverage ratios read.
POPULATION = "P_POP"
DELD = "DEFM_ABC_DELD"  # job seekers, categories A, B, C, registered for a year or more
DEFM_ABC = "DEFM_ABC"
RSA_HOUSEHOLDS = "CAF_FOYERS_RSA"
QPV_COUNT = "QPV_NOMBRE"
QPV_POPULATION = "QPV_POPULATION"

INDICATOR_LABELS = {
    POPULATION: "Population (recensement)",
    "P_POP1564": "Population de 15 à 64 ans",
    "P_ACT1564": "Actifs de 15 à 64 ans",
    "P_CHOM1564": "Chômeurs de 15 à 64 ans (recensement)",
    "MED": "Revenu médian disponible par unité de consommation (€)",
    "P_NSCOL15P_DIPLMIN": "Non-scolarisés de 15 ans ou plus sans diplôme ou au plus le brevet",
    DEFM_ABC: "Demandeurs d'emploi, catégories A, B, C",
    "DEFM_A": "Demandeurs d'emploi, catégorie A",
    DELD: "Demandeurs d'emploi de longue durée (A, B, C, inscrits depuis un an ou plus)",
    RSA_HOUSEHOLDS: "Foyers allocataires percevant le RSA (foyers, pas personnes)",
    QPV_COUNT: "Quartiers prioritaires (nombre)",
    QPV_POPULATION: "Population des quartiers prioritaires",
}

CODE_ALIASES = ("code_geo", "codgeo", "code_commune", "code_insee", "insee_com", "codecommune", "depcom",
                "numcom", "com", "code_epci", "epci", "siren_epci", "siren", "code_zone", "code")
NAME_PREFIXES = ("lib_", "libelle", "nom_", "intitule", "name_")
NAME_SUFFIXES = ("_nom", "_libelle", "_lib", "_name")
NAME_WORDS = ("lib", "nom", "libelle", "intitule", "name", "zone", "territoire", "commune", "epci")
VINTAGE_ALIASES = ("millesime", "annee", "date", "periode", "trimestre", "date_reference", "date_ref", "mois",
                   "year")
INSEE_COLUMN = re.compile(r"^([A-Z]+?)(\d{2})(?:_([A-Z0-9_]+))?$")


class StatsUnusable(ValueError):
    """The file cannot be used at all (French message saying what to fix)."""


@dataclass
class ParsedStats:
    source: str
    cells: pl.DataFrame  # code_geo, niveau, indicateur, millesime, source, valeur, secret
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0
    errors: list[dict] = field(default_factory=list)
    ignored_columns: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Geography:
    communes: frozenset[str]
    epcis: frozenset[str]
    departements: frozenset[str]
    keep: frozenset[str] | None = None  # codes of the territory (communes, its EPCI, its départements)


def norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(str(text)).lower()).strip("_")


# --------------------------------------------------------------------------- reading


def read_grid(path: Path | str, data: bytes | None = None) -> pl.DataFrame:
    """Every cell as text, headers as written. CSV (UTF-8 or Windows-1252, ; , or tab) or XLSX/ODS."""
    path = Path(path)
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise StatsUnusable(f"Impossible de lire le fichier {path.name} : {exc.strerror or exc}.") from exc
    if not data.strip():
        raise StatsUnusable(f"Le fichier {path.name} est vide.")
    if data[:2] == b"PK" or reading.is_workbook(data):
        try:  # bounded: a zip bomb or a giant grid is refused before it is parsed
            rows = reading.workbook_grids(path.name, data, sheets=[0])[0]
        except safefiles.FileRefused as exc:
            raise StatsUnusable(exc.message) from exc
        if not rows:
            raise StatsUnusable(f"La première feuille du classeur {path.name} est vide.")
        headers: list[str] = []
        for i, h in enumerate(rows[0]):
            name = (h or "").strip() or f"colonne_{i + 1}"
            headers.append(name if name not in headers else f"{name}_{i + 1}")
        cells = [row + [None] * (len(headers) - len(row)) for row in rows[1:]]
        return pl.DataFrame([r[:len(headers)] for r in cells], schema=dict.fromkeys(headers, pl.String),
                            orient="row")
    text = reading.decode(data, lenient=True)
    delimiter = reading.guess_delimiter(text, reading.WITH_PIPE)
    first = reading.first_line(text)
    try:
        safefiles.check_width(path.name, first.count(delimiter) + 1)
        return pl.read_csv(io.StringIO(text), separator=delimiter, infer_schema=False, truncate_ragged_lines=True,
                           quote_char='"')
    except safefiles.FileRefused as exc:
        raise StatsUnusable(exc.message) from exc
    except Exception as exc:  # noqa: BLE001
        raise StatsUnusable(safefiles.unreadable(path.name)) from exc


def detect_source(headers: Iterable[str]) -> str | None:
    names = [norm(h) for h in headers]
    if {"code_geo", "indicateur", "valeur"} <= set(names):
        return "generic"
    if any(re.match(r"^(code_)?(qp|qpv|code_qp)(v)?(_|$)", n) for n in names):
        return "qpv"
    if any("rsa" in n for n in names):
        return "caf"
    if any(h.strip().upper() == "CODGEO" for h in headers) and any(INSEE_COLUMN.match(h.strip()) for h in headers):
        return "insee"
    if any(n.startswith("defm") or n in ("abc", "cat_abc", "categorie_abc", "cat_a") or "deld" in n for n in names):
        return "dares"
    return None


def _find(headers: list[str], aliases: Iterable[str]) -> str | None:
    by_norm = {norm(h): h for h in headers}
    for alias in aliases:
        if alias in by_norm:
            return by_norm[alias]
    return None


def _vintage_from_name(name: str) -> str | None:
    found = re.findall(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)", name)
    return found[-1] if found else None


# --------------------------------------------------------------------------- per source → long frame


LINE = "__ligne__"  # line number in the file (header = 1), kept through the early filter


def _lines(grid: pl.DataFrame) -> pl.DataFrame:
    if LINE not in grid.columns:
        grid = grid.with_row_index(LINE, offset=2)
    return grid.rename({LINE: "line"})


def normalise_code(expr: pl.Expr) -> pl.Expr:
    """``54528``, ``4001`` → ``04001`` (a lost leading zero), ``2a004`` → ``2A004``, ``54528.0`` → ``54528``."""
    code = expr.cast(pl.String).str.strip_chars().str.replace(r"\.0$", "")
    return (pl.when(code.str.contains(r"^\d{1,4}$") & (code.str.len_chars() >= 4)).then(code.str.zfill(5))
            .otherwise(code.str.to_uppercase()))


def _early_filter(grid: pl.DataFrame, source: str, geography: Geography) -> tuple[pl.DataFrame, int]:
    """Drop the rows of known places outside the territory before unpivoting (a national file stays light)."""
    if geography.keep is None or source == "qpv":
        return grid, 0
    aliases = ("codgeo", "code_geo", "code") if source == "insee" else CODE_ALIASES
    code_col = _find(grid.columns, aliases)
    if code_col is None:
        return grid, 0
    known = geography.communes | geography.epcis | geography.departements
    outside = pl.col("__code").is_in(list(known - geography.keep))
    grid = grid.with_row_index(LINE, offset=2).with_columns(normalise_code(pl.col(code_col)).alias("__code"))
    skipped = grid.filter(outside).height
    return grid.filter(~outside).drop("__code"), skipped


def _wide_to_long(grid: pl.DataFrame, code_col: str, value_cols: list[str], names: dict[str, str],
                  vintage: pl.Expr, source: str) -> pl.DataFrame:
    frame = _lines(grid).with_columns(pl.col(code_col).alias("__code"), vintage.alias("__vintage"))
    long = frame.unpivot(index=["line", "__code", "__vintage"], on=value_cols, variable_name="column",
                         value_name="raw")
    return long.with_columns(
        pl.col("column").replace_strict(names, return_dtype=pl.String).alias("indicateur"),
        pl.lit(source).alias("source"),
    ).rename({"__code": "code_raw", "__vintage": "millesime"})


def _insee(grid: pl.DataFrame, source_name: str, ignored: list[dict]) -> pl.DataFrame:
    code_col = _find(grid.columns, ("codgeo", "code_geo", "code"))
    if code_col is None:
        raise StatsUnusable("Colonne CODGEO absente : le fichier INSEE (comparateur de territoires, dossier "
                            "complet) doit avoir une colonne CODGEO (code de la commune ou de l'EPCI).")
    names, vintages = {}, {}
    for header in grid.columns:
        if header in (code_col, LINE):
            continue
        match = INSEE_COLUMN.match(header.strip())
        if not match:
            ignored.append({"table": TABLE, "column": header,
                            "reason": "pas une colonne de statistique INSEE (préfixe de millésime attendu, "
                                      "ex. P21_POP, MED21)"})
            continue
        prefix, yy, rest = match.groups()
        names[header] = f"{prefix}_{rest}" if rest else prefix
        vintages[header] = str(2000 + int(yy) if int(yy) < 70 else 1900 + int(yy))
    if not names:
        raise StatsUnusable("Aucune colonne de statistique INSEE (P21_POP, MED21…) n'a été trouvée.")
    long = _wide_to_long(grid, code_col, list(names), names, pl.lit(""), SOURCE_LABELS["insee"])
    long = long.with_columns(pl.col("column").replace_strict(vintages, return_dtype=pl.String).alias("millesime"))
    return long.with_columns(pl.lit(code_col).alias("code_column"))


DARES_NAMES = (
    (re.compile(r"(deld|longue_duree|1_?an|un_an|12_mois|plus_d_un_an)"), DELD),
    (re.compile(r"^(defm_)?(cat_|categorie_|categories_)?abc$"), DEFM_ABC),
    (re.compile(r"^(defm_)?(cat_|categorie_)?a$"), "DEFM_A"),
    (re.compile(r"^(defm_)?(cat_|categorie_)?([bcde])$"), None),
)


def _dares_name(header: str) -> str:
    n = norm(header)
    for pattern, name in DARES_NAMES:
        match = pattern.search(n)
        if match:
            return name or f"DEFM_{match.group(3).upper()}"
    return "DEFM_" + n.upper().removeprefix("DEFM_")


def _caf_name(header: str) -> str:
    n = norm(header)
    return RSA_HOUSEHOLDS if "rsa" in n else "CAF_" + n.upper()


def _wide_source(grid: pl.DataFrame, source: str, source_name: str, ignored: list[dict],
                 millesime: str | None) -> pl.DataFrame:
    code_col = _find(grid.columns, CODE_ALIASES)
    what = {"dares": "demandeurs d'emploi (France Travail / DARES)", "caf": "foyers RSA (CAF)"}[source]
    if code_col is None:
        raise StatsUnusable(f"Colonne du code géographique absente dans le fichier {what} : nommez-la "
                            "« code_geo » (code INSEE de la commune ou SIREN de l'EPCI).")
    vintage_col = _find(grid.columns, VINTAGE_ALIASES)
    value_cols, names = [], {}
    for header in grid.columns:
        n = norm(header)
        if header in (code_col, vintage_col, LINE):
            continue
        if n in NAME_WORDS or n.startswith(NAME_PREFIXES) or n.endswith(NAME_SUFFIXES) or n.startswith("code") or n in (
                "departement", "region", "dep", "reg", "type", "niveau"):
            ignored.append({"table": TABLE, "column": header, "reason": "libellé ou code, pas une statistique"})
            continue
        value_cols.append(header)
        names[header] = _dares_name(header) if source == "dares" else _caf_name(header)
    if not value_cols:
        raise StatsUnusable(f"Aucune colonne de valeurs dans le fichier {what}.")
    if vintage_col is not None:
        vintage = pl.col(vintage_col).str.strip_chars().str.extract(r"((?:19|20)\d{2}(?:[-/ ]?(?:T|M)?\d{1,2})?)")
        vintage = vintage.fill_null(pl.col(vintage_col).str.strip_chars())
    else:
        millesime = millesime or _vintage_from_name(source_name)
        if not millesime:
            raise StatsUnusable(f"Millésime introuvable dans le fichier {what} : ajoutez une colonne « millesime » "
                                "(par exemple 2023) ou mettez l'année dans le nom du fichier.")
        vintage = pl.lit(millesime)
    long = _wide_to_long(grid, code_col, value_cols, names, vintage, SOURCE_LABELS[source])
    return long.with_columns(pl.lit(code_col).alias("code_column"))


def _qpv(grid: pl.DataFrame, source_name: str, ignored: list[dict], millesime: str | None) -> pl.DataFrame:
    headers = grid.columns
    qp_col = next((h for h in headers if re.match(r"^(code_)?(qp|qpv)(_|$)", norm(h))), None)
    commune_col = _find(headers, ("insee_com", "code_commune", "code_insee", "codes_insee", "depcom", "codgeo",
                                  "com", "commune_code", "liste_code_commune", "code_geo"))
    if qp_col is None or commune_col is None:
        raise StatsUnusable("La liste des QPV doit avoir une colonne du code du quartier (code_qp) et une colonne "
                            "du code INSEE de la commune (insee_com ; plusieurs codes séparés par des virgules "
                            "acceptés).")
    pop_col = _find(headers, ("pop", "population", "pop_muni", "population_municipale", "pop_qp", "pop_qpv"))
    vintage_col = _find(headers, VINTAGE_ALIASES)
    for header in headers:
        if header not in (qp_col, commune_col, pop_col, vintage_col, LINE):
            ignored.append({"table": TABLE, "column": header, "reason": "non utilisée (liste des QPV)"})
    frame = _lines(grid)
    if vintage_col is not None:
        vintage = pl.col(vintage_col).str.strip_chars()
    elif millesime:
        vintage = pl.lit(millesime)
    else:  # the codes tell the geography: QN… (2024), QP… (2015)
        vintage = (pl.when(pl.col(qp_col).str.strip_chars().str.to_uppercase().str.starts_with("QN"))
                   .then(pl.lit("2024")).otherwise(pl.lit("2015")))
    frame = frame.with_columns(vintage.alias("millesime"),
                               pl.col(commune_col).str.split(",").alias("__codes"))
    frame = frame.explode("__codes").with_columns(pl.col("__codes").str.strip_chars().alias("code_raw"))
    columns = [pl.lit("1").alias(QPV_COUNT)]
    if pop_col is not None:
        columns.append(pl.col(pop_col).alias(QPV_POPULATION))
    frame = frame.with_columns(columns)
    on = [QPV_COUNT] + ([QPV_POPULATION] if pop_col is not None else [])
    long = frame.unpivot(index=["line", "code_raw", "millesime"], on=on, variable_name="indicateur",
                         value_name="raw")
    column_of = {QPV_COUNT: qp_col, QPV_POPULATION: pop_col or ""}
    return long.with_columns(pl.col("indicateur").replace_strict(column_of, return_dtype=pl.String).alias("column"),
                             pl.lit(SOURCE_LABELS["qpv"]).alias("source"),
                             pl.lit(commune_col).alias("code_column"))


def _generic(grid: pl.DataFrame, ignored: list[dict]) -> pl.DataFrame:
    wanted = ("code_geo", "indicateur", "valeur", "millesime", "source")
    found = {w: _find(grid.columns, (w,)) for w in wanted}
    missing = [w for w, h in found.items() if h is None]
    if missing:
        raise StatsUnusable("Colonne(s) obligatoire(s) absente(s) du format long : " + ", ".join(missing)
                            + ". Attendu : code_geo, indicateur, valeur, millesime, source.")
    for header in grid.columns:
        if header not in found.values() and header != LINE:
            ignored.append({"table": TABLE, "column": header, "reason": "colonne inconnue du format long"})
    frame = _lines(grid)
    return frame.select(
        "line",
        pl.col(found["code_geo"]).alias("code_raw"),
        pl.col(found["indicateur"]).str.strip_chars().alias("indicateur"),
        pl.col(found["millesime"]).str.strip_chars().alias("millesime"),
        pl.col(found["source"]).str.strip_chars().alias("source"),
        pl.col(found["valeur"]).alias("raw"),
        pl.lit(found["valeur"]).alias("column"),
        pl.lit(found["code_geo"]).alias("code_column"),
    )


# --------------------------------------------------------------------------- checks


def parse(path: Path | str, geography: Geography, *, source: str | None = None, data: bytes | None = None,
          millesime: str | None = None) -> ParsedStats:
    """Read and check a statistics file. Raises :class:`StatsUnusable` when nothing can be used."""
    path = Path(path)
    grid = read_grid(path, data)
    grid = grid.rename({c: c.strip() for c in grid.columns if c != c.strip()})
    if grid.height == 0:
        raise StatsUnusable(f"Le fichier {path.name} ne contient aucune ligne de données.")
    source = source or detect_source(grid.columns)
    if source is None:
        raise StatsUnusable("Source du fichier non reconnue : précisez --source insee, dares, caf, qpv ou generic "
                            "(format long : code_geo, indicateur, valeur, millesime, source).")
    if source not in SOURCES:
        raise StatsUnusable(f"Source inconnue « {source} » : insee, dares, caf, qpv ou generic.")
    ignored: list[dict] = []
    read = grid.height
    grid, skipped_early = _early_filter(grid, source, geography)
    if source == "insee":
        long = _insee(grid, path.name, ignored)
    elif source in ("dares", "caf"):
        long = _wide_source(grid, source, path.name, ignored, millesime)
    elif source == "qpv":
        long = _qpv(grid, path.name, ignored, millesime)
    else:
        long = _generic(grid, ignored)
    parsed = check(long, geography, source=source, read=read - skipped_early, ignored=ignored)
    parsed.read += skipped_early
    parsed.skipped += skipped_early
    return parsed


def _level(code: pl.Expr) -> pl.Expr:
    return (pl.when(code.str.len_chars() == 9).then(pl.lit("epci"))
            .when(code.str.len_chars() == 5).then(pl.lit("commune"))
            .otherwise(pl.lit("departement")))


def check(long: pl.DataFrame, geography: Geography, *, source: str, read: int,
          ignored: list[dict]) -> ParsedStats:
    """Vectorised checks of the long frame (line, code_raw, column, raw, indicateur, millesime, source)."""
    code = normalise_code(pl.col("code_raw"))
    raw = pl.col("raw").cast(pl.String).str.strip_chars()
    number = raw.str.replace_all(r"[\s\u00a0\u202f]", "").str.replace(",", ".").cast(pl.Float64, strict=False)
    frame = long.with_columns(code.alias("code_geo"), raw.alias("raw")).with_columns(
        _level(pl.col("code_geo")).alias("niveau"),
        pl.col("raw").str.to_lowercase().is_in(SECRET_MARKERS).fill_null(False).alias("secret"),
        number.alias("valeur"),
    )
    known = (pl.when(pl.col("niveau") == "commune").then(pl.col("code_geo").is_in(list(geography.communes)))
             .when(pl.col("niveau") == "epci").then(pl.col("code_geo").is_in(list(geography.epcis)))
             .otherwise(pl.col("code_geo").is_in(list(geography.departements))))
    frame = frame.with_columns(known.fill_null(False).alias("known"),
                               (pl.col("raw").is_null() | (pl.col("raw") == "")).alias("empty"))
    value_error = (pl.when(pl.col("empty") | pl.col("secret")).then(pl.lit(None, pl.String))
                   .when(pl.col("valeur").is_null())
                   .then(pl.lit("Valeur non numérique : indiquez un nombre (ou « s », « nd », « * » pour une "
                                "donnée secrète)."))
                   .when(pl.col("valeur") < 0).then(pl.lit("Valeur négative : un effectif ou un montant ne peut pas "
                                                           "être négatif."))
                   .otherwise(pl.lit(None, pl.String)))
    frame = frame.with_columns(value_error.alias("message"))
    if "indicateur" in frame.columns:
        frame = frame.with_columns(
            pl.when(pl.col("message").is_null() & ~pl.col("empty")
                    & (pl.col("indicateur").is_null() | (pl.col("indicateur") == "")))
            .then(pl.lit("Indicateur vide : nommez l'indicateur de cette ligne."))
            .when(pl.col("message").is_null() & ~pl.col("empty")
                  & (pl.col("millesime").is_null() | (pl.col("millesime") == "")))
            .then(pl.lit("Millésime vide : indiquez l'année de la donnée (par exemple 2023)."))
            .otherwise(pl.col("message")).alias("message"))
    code_errors = (frame.filter(~pl.col("known")).group_by("line").agg(
        pl.col("code_column").first().alias("column"), pl.col("code_raw").first().cast(pl.String).alias("value"),
        pl.col("niveau").first()).with_columns(
        pl.when(pl.col("value").is_null() | (pl.col("value") == ""))
        .then(pl.lit("Code géographique vide : indiquez le code INSEE de la commune ou le SIREN de l'EPCI."))
        .when(pl.col("niveau") == "epci").then(pl.lit("EPCI inconnu du référentiel : vérifiez le SIREN (9 chiffres)."))
        .when(pl.col("niveau") == "commune")
        .then(pl.lit("Commune inconnue du référentiel : utilisez le code INSEE à 5 caractères (pas le code postal)."))
        .otherwise(pl.lit("Code géographique inconnu : code INSEE de commune (5 caractères), SIREN d'EPCI "
                          "(9 chiffres) ou code de département attendu.")).alias("message"))
        .select("line", "column", "value", "message"))
    value_errors = frame.filter(pl.col("message").is_not_null() & pl.col("known")).select(
        "line", "column", pl.col("raw").alias("value"), "message")
    errors = pl.concat([code_errors, value_errors]).sort("line", "column")
    bad_lines = set(errors.get_column("line").to_list())
    lines = frame.get_column("line").unique()
    kept = frame.filter(~pl.col("line").is_in(list(bad_lines)) & ~pl.col("empty"))
    skipped_lines: set = set()
    if geography.keep is not None:
        outside = kept.filter(~pl.col("code_geo").is_in(list(geography.keep)))
        skipped_lines = set(outside.get_column("line").unique().to_list())
        kept = kept.filter(pl.col("code_geo").is_in(list(geography.keep)))
    kept = kept.with_columns(pl.when(pl.col("secret")).then(None).otherwise(pl.col("valeur")).alias("valeur"))
    if source == "qpv":
        kept = kept.group_by("code_geo", "niveau", "indicateur", "millesime", "source").agg(
            pl.col("valeur").sum(), pl.col("secret").any())
    cells = kept.select("code_geo", "niveau", "indicateur", "millesime", "source", "valeur", "secret").unique(
        subset=["code_geo", "indicateur", "millesime", "source"], keep="last", maintain_order=True)
    rejected = len(bad_lines)
    skipped = len(skipped_lines - bad_lines)
    n_lines = max(read, lines.len())
    return ParsedStats(
        source=source, cells=cells, read=n_lines, rejected=rejected, skipped=skipped,
        accepted=n_lines - rejected - skipped,
        errors=[{"table": TABLE, **row} for row in errors.to_dicts()],
        ignored_columns=ignored)
