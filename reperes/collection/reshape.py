"""Profiles that reshape an export: fill, filter, group and split rows (docs/profils-de-correspondance.md).

A profile with a ``tables`` section reads the input as it is written (every
sheet and CSV file, ``readers.read_grids``) and builds each table of the
exchange format from the grids its ``feuilles`` names (sheet or file name), in
this order:

1. ``filtre``: keep the rows whose source column holds one of the values (or,
   with ``exclure``, none of them);
2. ``cle_personne``: a pseudonymous person key (HMAC of the folded source
   columns, dates read as dates) written in an exchange column, usually
   ``id_participant``; the source columns, names and birth dates included, are
   read for this and nothing else;
3. ``formats_date``: text cells read with a stated format (``JJ/MM/AAAA``…);
4. ``communes``: a commune name (and a postal code to tell homonyms apart)
   turned into its INSEE code through the bundled commune reference;
5. ``colonnes``: each source column to one or several exchange columns;
6. ``regrouper``: one record per value of an exchange column (the first
   filled value of each column in file order; the oldest or latest date for
   the columns named so);
7. ``constantes`` and ``defauts``: a value everywhere, or where the cell is empty
   (reported as « rempli par défaut », counted in records).

Columns that name a person (``readers.is_identifying``) never reach a table,
whatever the profile maps; the report says so, with the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from reperes.referentiel import TABLES, fold

from .importer import parsers
from .importer.pseudonyms import make_hasher
from .importer.readers import (
    IGNORED_IDENTIFYING,
    IGNORED_UNKNOWN,
    LINE,
    MAPPED_BUT_IDENTIFYING,
    Grid,
    RawTable,
    Source,
    UnusableInput,
    is_identifying,
    normalise_header,
    read_grids,
)

PERSON_KEY_PREFIX = "personne\x1f"
KEY_USE = ("identifiant direct : lu seulement pour calculer la clé pseudonyme de la personne ({target}), "
           "puis écarté, jamais enregistré")

_DATE_TOKENS = (("AAAA", "%Y"), ("JJ", "%d"), ("MM", "%m"), ("AA", "%y"))


def strptime_format(text: str) -> str:
    """``JJ/MM/AAAA`` → ``%d/%m/%Y`` (the profile states formats the French way)."""
    out = text
    for token, directive in _DATE_TOKENS:
        out = out.replace(token, directive)
    if "%d" not in out or "%m" not in out or ("%Y" not in out and "%y" not in out):
        raise ValueError(text)
    return out


@dataclass
class Built:
    """What reshaping adds to a report: values filled by default, notes of the profile."""

    filled: list[dict] = field(default_factory=list)


def _key_of(header: str) -> str:
    return normalise_header(header)


def _find(frame: pl.DataFrame, header: str) -> str | None:
    """The grid column a profile's header designates (as written, else case/accents/punctuation folded)."""
    if header in frame.columns:
        return header
    wanted = _key_of(header)
    return next((c for c in frame.columns if c != LINE and _key_of(c) == wanted), None)


def _folded_key_part(value: str | None, workbook: bool) -> str:
    if value is None:
        return ""
    date, _ = parsers.parse_date(value, workbook=workbook)
    if date is not None:
        return date.isoformat()
    return re.sub(r"[^0-9a-z]+", " ", fold(value)).strip()


def _commune_index() -> dict[str, list[tuple[str, str, str]]]:
    from reperes.territory.models import Commune

    index: dict[str, list[tuple[str, str, str]]] = {}
    for code, nom, postaux, dep in Commune.objects.values_list("code", "nom", "codes_postaux", "departement"):
        index.setdefault(_commune_key(nom), []).append((code, postaux or "", dep or ""))
    return index


def _commune_key(name: str) -> str:
    text = re.sub(r"[^0-9a-z]+", " ", fold(name)).strip()
    return re.sub(r"\bst\b", "saint", re.sub(r"\bste\b", "sainte", text))


def resolve_commune(name: str | None, postal: str | None, index) -> str | None:
    """The INSEE code of a commune named ``name`` (accents, case, hyphens ignored), the postal code (or
    département) telling homonyms apart; None when no single commune fits."""
    if not name:
        return None
    found = index.get(_commune_key(name), [])
    if len(found) > 1 and postal:
        digits = re.sub(r"\D", "", str(postal))
        if len(digits) == 5:
            found = [f for f in found if digits in f[1].split()] or [f for f in found if f[2] == digits[:2]]
        elif digits:
            found = [f for f in found if f[2] == digits.zfill(2)]
    return found[0][0] if len(found) == 1 else None


def build_source(paths: list[Path], profile, *, key: bytes, progress: Callable[[str], None] = lambda m: None,
                 max_bytes: int | None = None) -> tuple[Source, Built]:
    """Read ``paths`` and build the exchange tables the profile describes (see the module docstring)."""
    grids, sha256, ignored_files = read_grids(paths, progress, max_bytes)
    if not grids:
        raise UnusableInput("Aucune ligne de données à importer : le fichier ne contient aucune feuille remplie.")
    specs = dict(profile.tables)
    by_name = {t: [g for g in grids if normalise_header(t) in g.names] for t in TABLES}
    for table, found in by_name.items():
        if found and table not in specs:
            specs[table] = {}  # a sheet named after a table the profile does not describe: read as it is
    hasher = make_hasher(key)
    communes = None
    built = Built()
    tables: dict[str, RawTable] = {}
    used: set[int] = set()
    for table in TABLES:
        if table not in specs:
            continue
        spec = specs[table]
        names = {normalise_header(n) for n in spec.get("feuilles", [])} or {normalise_header(table)}
        chosen = [g for g in grids if g.names & names]
        if not chosen and len(grids) == 1:
            chosen = grids
        if not chosen:
            continue
        if len(chosen) > 1:
            raise UnusableInput(f"Plusieurs feuilles ou fichiers peuvent fournir la table {table} ("
                                + ", ".join(g.source for g in chosen) + ") : ne gardez qu'une des deux.",
                                table=table)
        grid = chosen[0]
        used.add(id(grid))
        if spec.get("communes") and communes is None:
            communes = _commune_index()
        tables[table] = _build(table, grid, spec, profile, hasher, communes, built)
        progress(f"{table} : {parsers.fmt_count(tables[table].frame.height)} ligne(s) construite(s) à partir de "
                 f"{grid.source}.")
    ignored_sheets = [{"sheet": g.sheet, "reason": "feuille qui ne correspond à aucune table du profil"}
                      for g in grids if id(g) not in used and g.sheet is not None]
    ignored_files += [{"file": g.file, "reason": "fichier qui ne correspond à aucune table du profil"}
                      for g in grids if id(g) not in used and g.sheet is None]
    if not tables:
        raise UnusableInput("Aucune table du format d'échange ne peut être construite avec ce profil : les "
                            "feuilles (ou les fichiers) doivent porter les noms que le profil indique ("
                            + ", ".join(sorted({n for s in profile.tables.values() for n in s.get("feuilles", [])}))
                            + ").")
    if all(raw.frame.height == 0 for raw in tables.values()):
        raise UnusableInput("Aucune ligne de données à importer une fois le profil appliqué (filtres compris).")
    return Source(tables, sha256, ignored_sheets, ignored_files), built


def _build(table: str, grid: Grid, spec: dict, profile, hasher, communes, built: Built) -> RawTable:
    frame = grid.frame
    columns = TABLES[table].column_names
    index = {normalise_header(c): c for c in columns}
    ignored: list[dict] = []
    headers: dict[str, str] = {}
    read_by_profile: set[str] = set()
    out: dict[str, pl.Expr] = {}

    # 1. Filters.
    for rule in spec.get("filtre", []):
        col = _find(frame, rule["colonne"])
        if col is None:
            raise UnusableInput(f"Le profil filtre les lignes sur la colonne « {rule['colonne']} », absente de "
                                f"{grid.source} : vérifiez le fichier (ou le profil).", table=table)
        read_by_profile.add(col)
        wanted = [fold(v) for v in rule["valeurs"]]
        match = pl.col(col).map_elements(fold, return_dtype=pl.String).is_in(wanted).fill_null(False)
        frame = frame.filter(~match if rule.get("exclure") else match)

    # 2. Person key.
    person = spec.get("cle_personne")
    if person:
        parts = []
        for header in person["colonnes"]:
            col = _find(frame, header)
            if col is None:
                raise UnusableInput(f"Le profil calcule la clé de la personne avec la colonne « {header} », "
                                    f"absente de {grid.source}.", table=table)
            read_by_profile.add(col)
            parts.append(col)
            if is_identifying(col):
                ignored.append({"table": table, "column": col,
                                "reason": KEY_USE.format(target=person["vers"])})
        values = []
        for row in frame.select(parts).iter_rows():
            folded = [_folded_key_part(v, grid.workbook) for v in row]
            values.append(None if not any(folded) else hasher(PERSON_KEY_PREFIX + "\x1f".join(folded))[:32])
        frame = frame.with_columns(pl.Series("__person", values, dtype=pl.String))
        out[person["vers"]] = pl.col("__person")
        headers[person["vers"]] = " + ".join(person["colonnes"])

    # 3. Stated date formats (text cells only; typed date cells are already read).
    for header, stated in spec.get("formats_date", {}).items():
        col = _find(frame, header)
        if col is None:
            continue
        directive = strptime_format(stated)

        def convert(text, directive=directive):
            try:
                return dt.datetime.strptime(text, directive).date().isoformat()
            except ValueError:
                return text

        frame = frame.with_columns(pl.col(col).map_elements(convert, return_dtype=pl.String))

    # 4. Communes from a name (and a postal code).
    commune = spec.get("communes")
    if commune:
        name_col, postal_col = _find(frame, commune["nom"]), _find(frame, commune.get("code_postal", ""))
        if name_col is not None:
            read_by_profile.update(c for c in (name_col, postal_col) if c)
            pairs = frame.select(pl.col(name_col), pl.col(postal_col) if postal_col else pl.lit(None))
            codes = [resolve_commune(n, p, communes) or n for n, p in pairs.iter_rows()]
            frame = frame.with_columns(pl.Series("__commune", codes, dtype=pl.String))
            out[commune["vers"]] = pl.col("__commune")
            headers[commune["vers"]] = name_col

    # 5. Columns (the table's own map, then the profile's general one, then the header itself).
    mapping = {**profile.columns, **spec.get("colonnes", {})}
    by_key = {_key_of(k): v for k, v in mapping.items()}
    for col in frame.columns:
        if col in (LINE, "__person", "__commune"):
            continue
        targets = mapping.get(col, by_key.get(_key_of(col)))
        if isinstance(targets, str):
            targets = [targets]
        targets = [t for t in (targets or []) if t in columns]
        if is_identifying(col):
            if col in read_by_profile:
                continue
            reason = (MAPPED_BUT_IDENTIFYING.format(target=", ".join(targets)) if targets else IGNORED_IDENTIFYING)
            ignored.append({"table": table, "column": col, "reason": reason})
            continue
        if not targets and _key_of(col) in index and col not in read_by_profile:
            targets = [index[_key_of(col)]]
        for target in targets:
            if target in out:
                ignored.append({"table": table, "column": col, "reason": "colonne en double"})
                continue
            out[target] = pl.col(col)
            headers[target] = col
        if not targets and col not in read_by_profile:
            ignored.append({"table": table, "column": col, "reason": IGNORED_UNKNOWN})

    shaped = frame.select(*(expr.alias(name) for name, expr in out.items()), pl.col(LINE))

    # 6. Grouping (before defaults: a default is counted once per record).
    group = spec.get("regrouper")
    if group and group["par"] in shaped.columns:
        by = group["par"]
        oldest = set(group.get("plus_ancienne", []))
        latest = set(group.get("plus_recente", []))
        aggs = [pl.col(LINE).min()]
        for name in shaped.columns:
            if name in (by, LINE):
                continue
            if name in oldest or name in latest:
                parsed = pl.col(name).map_elements(
                    lambda t: (parsers.parse_date(t, workbook=grid.workbook)[0] or None), return_dtype=pl.Date)
                pick = parsed.min() if name in oldest else parsed.max()
                # Keep the text of the chosen date (an unreadable date stays, for the report).
                aggs.append(pl.coalesce(pick.dt.strftime("%Y-%m-%d"), pl.col(name).drop_nulls().first())
                            .alias(name))
            else:
                aggs.append(pl.col(name).drop_nulls().first().alias(name))
        keyed = shaped.filter(pl.col(by).is_not_null())
        shaped = pl.concat([keyed.group_by(by, maintain_order=True).agg(aggs).select(shaped.columns),
                            shaped.filter(pl.col(by).is_null())]).sort(LINE)

    # 7. Constants and defaults.
    for name, value in spec.get("constantes", {}).items():
        shaped = shaped.with_columns(pl.lit(value, dtype=pl.String).alias(name))
        headers[name] = "valeur constante du profil"
    for name, value in spec.get("defauts", {}).items():
        if name in shaped.columns:
            empty = int(shaped[name].is_null().sum())
            shaped = shaped.with_columns(pl.col(name).fill_null(pl.lit(value, dtype=pl.String)))
        else:
            empty = shaped.height
            shaped = shaped.with_columns(pl.lit(value, dtype=pl.String).alias(name))
            headers[name] = "valeur par défaut du profil"
        if empty:
            built.filled.append({"table": table, "column": name, "value": value, "rows": empty})

    shaped = shaped.select([c for c in columns if c in shaped.columns] + [LINE])
    shaped = shaped.with_columns(pl.exclude(LINE).cast(pl.String))
    return RawTable(table, grid.source, shaped, workbook=grid.workbook, delimiter=grid.delimiter,
                    skipped=grid.skipped, ignored_columns=ignored, headers=headers)
