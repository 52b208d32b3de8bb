"""Check the tables of one run, column by column, with Polars expressions.

Every rule of format-echange.md is an expression over whole columns; Python
only sees the *distinct* values of a column (dates, codes, numbers, communes)
and the identifiers to hash. Each rule yields a frame of errors (line, column,
value, message); a row with at least one error is rejected, the others are
accepted and handed to ``store`` in a frame whose columns are model fields.

Tables are checked in the order of ``TABLES`` (participants, actions, then the
tables that reference them), so that an étape can point to a participant of
the same run, and a row whose participant was rejected is rejected with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import polars as pl

from reperes.analytics import ages
from reperes.referentiel import TABLES, Column, Table
from reperes.referentiel import tables as T

from . import parsers
from .pseudonyms import ETAPE_DERIVED_PREFIX, ETAPE_ID_PREFIX, hash_series, make_hasher
from .readers import LINE, RawTable, UnusableInput

COLUMN = "column"
VALUE = "value"
MESSAGE = "message"
ERROR_SCHEMA = {LINE: pl.Int64, COLUMN: pl.String, VALUE: pl.String, MESSAGE: pl.String}
RAW = "__raw_"  # prefix of the raw text kept beside each parsed column

# Identifiers replaced by a keyed hash: their value is never shown, never stored.
PSEUDONYMISED = frozenset({"id_participant", "id_personne", "id_etape"})

# How long before the participant's entry an étape may start (format-echange.md, table etapes).
ETAPE_MARGIN_DAYS = 31

REQUIRED_MESSAGE = "Valeur obligatoire manquante : renseignez {column}."


def _models():
    from reperes.collection import models

    return {"participants": models.Participant, "actions": models.Action, "etapes": models.Etape,
            "suivi_freins": models.SuiviFrein, "acquis": models.Acquis}


@dataclass
class Checked:
    """One table after validation."""

    table: Table
    read: int
    skipped: int
    rows: pl.DataFrame  # accepted rows, ready for ``store`` (columns named after model fields)
    errors: pl.DataFrame  # ERROR_SCHEMA, unmasked (``report`` masks)
    rejected: int = 0

    @property
    def accepted(self) -> int:
        return self.read - self.skipped - self.rejected


@dataclass
class Context:
    """What the tables of one run share: the key, the references, the rows already checked."""

    key: bytes
    replace: bool = False
    today: dt.date = field(default_factory=dt.date.today)
    # Participants of this run: accepted (hash, date_entree) and rejected (hash, first line).
    run_participants: pl.DataFrame | None = None
    rejected_participants: pl.DataFrame | None = None
    run_actions: pl.DataFrame | None = None  # id_action
    rejected_actions: pl.DataFrame | None = None  # id_action, line
    # What the database already holds, looked up as needed: hash → (pk, date_entree); id_action → pk.
    db_participants: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(
        schema={"hash": pl.String, "pk": pl.Int64, "date_entree": pl.Date}))
    db_actions: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(
        schema={"id_action": pl.String, "pk": pl.Int64}))
    _communes: dict[str, str] | None = None
    _epcis: set[str] | None = None
    _queried_participants: set[str] = field(default_factory=set)
    _queried_actions: set[str] = field(default_factory=set)

    def __post_init__(self):
        self.hasher = make_hasher(self.key)
        # Raw id_participant → its hash, for the participants of this run (hashed once, reused by the
        # tables that reference them).
        self.known_hashes = pl.DataFrame(schema={"k": pl.String, "h": pl.String})

    def participant_hashes(self, values: pl.Series) -> pl.Series:
        """The keyed hash of each id_participant: looked up among this run's participants, else computed."""
        if not self.known_hashes.height:
            return hash_series(values, self.hasher)
        joined = values.rename("k").to_frame().join(self.known_hashes, on="k", how="left", maintain_order="left")
        missing = joined.select(pl.when(pl.col("h").is_null()).then(pl.col("k"))).to_series()
        return joined["h"].fill_null(hash_series(missing, self.hasher)).rename(values.name)

    # -- references in the database -------------------------------------------------

    @property
    def communes(self) -> dict[str, str]:
        """Every commune code of the bundled reference → its EPCI SIREN."""
        if self._communes is None:
            from reperes.territory.models import Commune

            self._communes = dict(Commune.objects.values_list("code", "epci_siren"))
            self._epcis = {e for e in self._communes.values() if e}
        return self._communes

    @property
    def epcis(self) -> set[str]:
        _ = self.communes
        return self._epcis or set()

    def communes_of_postal_code(self, postal: str) -> list[str]:
        from reperes.territory.models import Commune

        found = Commune.objects.filter(codes_postaux__contains=postal).values_list("nom", "code", "codes_postaux")
        return [f"{nom} : {code}" for nom, code, codes in found[:50] if postal in codes.split()][:5]

    def lookup_participants(self, hashes: pl.Series) -> pl.DataFrame:
        """Participants of the database among ``hashes`` (none with --replace: the run replaces them)."""
        if not self.replace:
            from reperes.collection.models import Participant

            wanted = [h for h in hashes.drop_nulls().unique().to_list() if h not in self._queried_participants]
            found = []
            for chunk in _chunks(wanted):
                found.extend(Participant.objects.filter(id_hash__in=chunk).values_list("id_hash", "pk",
                                                                                       "date_entree"))
            self._queried_participants.update(wanted)
            if found:
                self.db_participants = pl.concat([self.db_participants, pl.DataFrame(
                    found, schema=self.db_participants.schema, orient="row")])
        return self.db_participants

    def lookup_actions(self, ids: pl.Series) -> pl.DataFrame:
        if not self.replace:
            from reperes.collection.models import Action

            wanted = [i for i in ids.drop_nulls().unique().to_list() if i not in self._queried_actions]
            found = []
            for chunk in _chunks(wanted):
                found.extend(Action.objects.filter(id_action__in=chunk).values_list("id_action", "pk"))
            self._queried_actions.update(wanted)
            if found:
                self.db_actions = pl.concat([self.db_actions, pl.DataFrame(
                    found, schema=self.db_actions.schema, orient="row")])
        return self.db_actions


def _chunks(values: list, size: int | None = None):
    if size is None:
        from django.db import connection

        size = min(connection.features.max_query_params or 999, 10000) - 10
    for start in range(0, len(values), size):
        yield values[start:start + size]


# --------------------------------------------------------------------------- entry point


def missing_columns(raw: RawTable) -> list[str]:
    """Mandatory columns absent from a table (``date_naissance ou annee_naissance`` for a group)."""
    return missing_of(raw.name, raw.frame.columns)


def missing_of(table_name: str, present: Iterable[str]) -> list[str]:
    """Mandatory columns of ``table_name`` absent from the columns ``present``, as the référentiel defines
    them: each required column, and each group of which one is enough (« date_naissance ou annee_naissance »)."""
    table = TABLES[table_name]
    present = set(present)
    missing = [c.name for c in table.columns if c.required and c.name not in present]
    groups: dict[str, list[str]] = {}
    for c in table.columns:
        if c.one_of:
            groups.setdefault(c.one_of, []).append(c.name)
    for names in groups.values():
        if not present.intersection(names):
            missing.append(" ou ".join(names))
    return missing


def check_required_columns(tables: dict[str, RawTable]) -> None:
    """Refuse the whole input when a table lacks a mandatory column (exit status 2)."""
    errors = []
    for raw in tables.values():
        for name in missing_columns(raw):
            errors.append({"table": raw.name, "line": 1, "column": name, "value": None,
                           "message": f"Colonne obligatoire « {name} » absente de {raw.source} : ajoutez-la à "
                                      "la ligne d'en-têtes (voir le modèle de recueil)."})
    if errors:
        raise UnusableInput(errors[0]["message"], errors=errors)


CHECKERS: dict[str, Callable[[RawTable, Context], Checked]] = {}


def check_table(raw: RawTable, ctx: Context) -> Checked:
    return CHECKERS[raw.name](raw, ctx)


def _checker(name: str):
    def register(func):
        CHECKERS[name] = func
        return func

    return register


# --------------------------------------------------------------------------- helpers


def per_unique(values: pl.Series, parse: Callable[[str], parsers.Parsed], dtype: pl.DataType
               ) -> tuple[pl.Series, pl.Series]:
    """Parse each distinct value once, then spread (value, message) back over the column."""
    uniques = values.drop_nulls().unique()
    results = [parse(v) for v in uniques.to_list()]
    mapping = pl.DataFrame({
        "k": uniques,
        "v": pl.Series([r[0] for r in results], dtype=dtype),
        "m": pl.Series([r[1] for r in results], dtype=pl.String),
    })
    joined = values.rename("k").to_frame().join(mapping, on="k", how="left", maintain_order="left")
    return joined["v"].rename(values.name), joined["m"].rename(values.name)


def _model_field(table: Table, column: Column):
    """The model field of the same name, if any (its limits bound what the database accepts)."""
    from django.core.exceptions import FieldDoesNotExist

    try:
        return _models()[table.name]._meta.get_field(column.name)
    except FieldDoesNotExist:
        return None


def _max_length(table: Table, column: Column) -> int | None:
    if column.max_length:
        return column.max_length
    field_ = _model_field(table, column)
    return getattr(field_, "max_length", None)


def _maximum(table: Table, column: Column, ctx: Context) -> float | None:
    if column.maximum is not None:
        return column.maximum
    if column.name == "annee_naissance":
        return ctx.today.year  # « integer 1900–current year »
    field_ = _model_field(table, column)
    if field_ is None:
        return None
    if getattr(field_, "max_digits", None):
        return 10 ** (field_.max_digits - field_.decimal_places) - 10 ** -field_.decimal_places
    if field_.get_internal_type() == "PositiveSmallIntegerField":
        return 32767
    if field_.get_internal_type() in ("PositiveIntegerField", "IntegerField"):
        return 2147483647
    return None


def parse_column(raw: RawTable, table: Table, column: Column, ctx: Context) -> tuple[pl.Series, pl.Series]:
    """(values, messages) of one column; messages are null where the cell is fine."""
    s = raw.frame[column.name]
    name = column.name
    if column.kind in (T.ID, T.TEXT):
        if column.kind == T.ID:
            s = s.str.replace(r"^(-?\d+)\.0+$", "${1}")  # 1234.0 from a spreadsheet is 1234
        checks = [pl.lit(None, dtype=pl.String)]
        if column.kind == T.TEXT:
            checks.insert(0, pl.when(pl.col(name).str.contains(parsers.NIR_REGEX)).then(pl.lit(
                "Cette cellule semble contenir un numéro de sécurité sociale (NIR) : retirez-le. Aucune donnée "
                "directement identifiante ne doit être importée.")))
        limit = _max_length(table, column)
        if limit:
            checks.insert(-1, pl.when(pl.col(name).str.len_chars() > limit).then(pl.format(
                f"Texte trop long ({{}} caractères) : {name} en accepte {limit} au plus. Raccourcissez-le.",
                pl.col(name).str.len_chars())))
        return s, s.to_frame(name).select(pl.coalesce(checks).alias(name)).to_series()
    if column.kind == T.DATE:
        return per_unique(s, lambda t: parsers.parse_date(t, workbook=raw.workbook), pl.Date)
    if column.kind in (T.INTEGER, T.DECIMAL):
        integer = column.kind == T.INTEGER
        parse = parsers.number_parser(name, integer=integer, minimum=column.minimum,
                                    maximum=_maximum(table, column, ctx))
        return per_unique(s, parse, pl.Int64 if integer else pl.Float64)
    if column.kind == T.BOOLEAN:
        return per_unique(s, parsers.parse_boolean, pl.Boolean)
    if column.kind == T.CODE and column.multi:
        return per_unique(s, parsers.multi_code_parser(name, column.codes, raw.delimiter), pl.List(pl.String))
    if column.kind == T.CODE:
        return per_unique(s, parsers.code_parser(name, column.codes), pl.String)
    if column.kind == T.COMMUNE:
        return per_unique(s, parsers.commune_parser(name, ctx.communes, ctx.communes_of_postal_code), pl.String)
    if column.kind == T.TERRITORY:
        return per_unique(s, parsers.territory_parser(name, ctx.communes, ctx.epcis, raw.delimiter),
                          pl.List(pl.String))
    raise ValueError(f"unknown column kind {column.kind!r}")  # a référentiel change the importer must follow


class Errors:
    """The errors of one table, gathered as frames and concatenated once."""

    def __init__(self):
        self.frames: list[pl.DataFrame] = []

    def add(self, frame: pl.DataFrame) -> None:
        if frame.height:
            self.frames.append(frame.select(list(ERROR_SCHEMA)).cast(ERROR_SCHEMA))

    def where(self, t: pl.DataFrame, condition: pl.Expr, column: str, message: pl.Expr | str) -> None:
        """An error on ``column`` (showing its raw value) for every row of ``t`` where ``condition`` holds."""
        if isinstance(message, str):
            message = pl.lit(message)
        value = pl.col(RAW + column) if RAW + column in t.columns else pl.lit(None, dtype=pl.String)
        self.add(t.filter(condition.fill_null(False)).select(
            pl.col(LINE), pl.lit(column).alias(COLUMN), value.cast(pl.String).alias(VALUE),
            message.alias(MESSAGE)))

    def lines(self) -> pl.Series:
        if not self.frames:
            return pl.Series(LINE, [], dtype=pl.Int64)
        return pl.concat([f[LINE] for f in self.frames]).unique()

    def frame(self) -> pl.DataFrame:
        if not self.frames:
            return pl.DataFrame(schema=ERROR_SCHEMA)
        # One message per cell: the first found (a formula problem before « missing value »).
        return pl.concat(self.frames).unique(subset=[LINE, COLUMN], keep="first", maintain_order=True)


def parse_cells(raw: RawTable, ctx: Context) -> tuple[pl.DataFrame, Errors]:
    """Every present column parsed (``name``) beside its raw text (``__raw_name``), and the cell errors."""
    table = TABLES[raw.name]
    errors = Errors()
    if raw.cell_errors:
        cell_frame = pl.DataFrame(raw.cell_errors, schema={LINE: pl.Int64, COLUMN: pl.String, MESSAGE: pl.String},
                                  orient="row")
        errors.add(cell_frame.join(_long_raw(raw, cell_frame[COLUMN].unique().to_list()), on=[LINE, COLUMN],
                                   how="left"))
    parsed = {LINE: raw.frame[LINE]}
    for column in table.columns:
        if column.name not in raw.frame.columns:
            continue
        values, messages = parse_column(raw, table, column, ctx)
        if column.required:
            messages = pl.DataFrame({"r": raw.frame[column.name], "m": messages}).select(
                pl.when(pl.col("r").is_null()).then(pl.lit(REQUIRED_MESSAGE.format(column=column.name)))
                .otherwise(pl.col("m"))).to_series()
        parsed[column.name] = values
        parsed[RAW + column.name] = raw.frame[column.name]
        errors.add(pl.DataFrame({LINE: raw.frame[LINE], COLUMN: column.name, VALUE: raw.frame[column.name],
                                 MESSAGE: messages}).filter(pl.col(MESSAGE).is_not_null()))
    return pl.DataFrame(parsed), errors


def _long_raw(raw: RawTable, columns: list[str]) -> pl.DataFrame:
    present = [c for c in columns if c in raw.frame.columns]
    if not present:
        return pl.DataFrame(schema={LINE: pl.Int64, COLUMN: pl.String, VALUE: pl.String})
    return raw.frame.select(LINE, *present).unpivot(index=LINE, variable_name=COLUMN, value_name=VALUE)


def _finish(raw: RawTable, errors: Errors, rows: pl.DataFrame) -> Checked:
    frame = errors.frame()
    return Checked(TABLES[raw.name], raw.read, raw.skipped, rows, frame, rejected=frame[LINE].n_unique())


def _col(t: pl.DataFrame, name: str, dtype: pl.DataType = pl.String) -> pl.Expr:
    """A parsed column, or a null literal when the file does not have it."""
    return pl.col(name) if name in t.columns else pl.lit(None, dtype=dtype)


def _raw(t: pl.DataFrame, name: str) -> pl.Expr:
    return pl.col(RAW + name) if RAW + name in t.columns else pl.lit(None, dtype=pl.String)


def _fr(expr: pl.Expr) -> pl.Expr:
    return expr.dt.strftime("%d/%m/%Y")


def _first_line_of_duplicates(t: pl.DataFrame, key: str | list[str]) -> pl.Expr:
    """For rows repeating an earlier row's ``key``: that earlier row's line (else null).

    A window expression: evaluate it on the whole table (``with_columns``), never after a filter.
    """
    keys = [key] if isinstance(key, str) else key
    valid = pl.all_horizontal([pl.col(k).is_not_null() for k in keys])
    first = pl.col(LINE).min().over(keys)
    return pl.when(valid & ~pl.struct(keys).is_first_distinct()).then(first)


def _participant_references(t: pl.DataFrame, ctx: Context, errors: Errors) -> pl.DataFrame:
    """Resolve ``__p`` (participant hash): run or database; errors for unknown and rejected participants.

    Adds ``__entree`` (the participant's date_entree) and ``__ppk`` (its pk when in the database).
    """
    run = ctx.run_participants if ctx.run_participants is not None else pl.DataFrame(
        schema={"hash": pl.String, "date_entree": pl.Date})
    rejected = ctx.rejected_participants if ctx.rejected_participants is not None else pl.DataFrame(
        schema={"hash": pl.String, "line": pl.Int64})
    t = (t.join(run.rename({"hash": "__p", "date_entree": "__entree_run"}), on="__p", how="left",
                maintain_order="left")
         .join(rejected.rename({"hash": "__p", "line": "__rejected_line"}), on="__p", how="left",
               maintain_order="left"))
    unresolved = t.filter(pl.col("__entree_run").is_null() & pl.col("__rejected_line").is_null())["__p"]
    db = ctx.lookup_participants(unresolved)
    t = t.join(db.rename({"hash": "__p", "pk": "__ppk", "date_entree": "__entree_db"}), on="__p", how="left",
               maintain_order="left")
    t = t.with_columns(pl.coalesce("__entree_run", "__entree_db").alias("__entree"))
    dragged = pl.col("__rejected_line").is_not_null() & pl.col("__entree_run").is_null()
    errors.where(t, dragged, "id_participant", pl.format(
        "Ligne écartée : le participant de la ligne {} a été rejeté (table participants). Corrigez ce "
        "participant, puis importez à nouveau.", pl.col("__rejected_line")))
    errors.where(t, pl.col("__p").is_not_null() & ~dragged & pl.col("__entree").is_null(), "id_participant",
                 "Participant inconnu : aucun participant avec cet identifiant dans ce fichier ni dans la base. "
                 "Importez d'abord ce participant (table participants), ou corrigez l'identifiant.")
    return t


# --------------------------------------------------------------------------- participants


@_checker("participants")
def check_participants(raw: RawTable, ctx: Context) -> Checked:
    t, errors = parse_cells(raw, ctx)
    t = t.with_columns(hash_series(t["id_participant"], ctx.hasher).alias("id_hash"))
    ctx.known_hashes = t.select(pl.col("id_participant").alias("k"), pl.col("id_hash").alias("h")).unique("k")
    if "id_personne" in t.columns:
        t = t.with_columns(hash_series(t["id_personne"], ctx.hasher).alias("personne_hash"))

    born = _col(t, "date_naissance", pl.Date)
    year_given = _col(t, "annee_naissance", pl.Int64)
    entree = pl.col("date_entree")
    birth_column = "date_naissance" if "date_naissance" in t.columns else "annee_naissance"
    errors.where(t, _raw(t, "date_naissance").is_null() & _raw(t, "annee_naissance").is_null(), birth_column,
                 "Naissance manquante : renseignez la date de naissance (date_naissance) ou, à défaut, l'année "
                 "(annee_naissance).")
    errors.where(t, born.is_not_null() & year_given.is_not_null() & (born.dt.year() != year_given),
                 "annee_naissance", pl.format(
                     "L'année de naissance ({}) ne correspond pas à la date de naissance ({}) : corrigez l'une "
                     "des deux.", year_given, _fr(born)))
    t = t.with_columns(
        pl.coalesce(born.dt.year().cast(pl.Int64), year_given).alias("annee_naissance_calc"),
        ages.age_at(born, year_given, entree).cast(pl.Int64).alias("age_entree"),
    )
    errors.where(t, pl.col("age_entree") < 0, birth_column, pl.format(
        "La naissance est postérieure à la date d'entrée ({}) : vérifiez les deux dates.", _fr(entree)))

    sortie = _col(t, "date_sortie", pl.Date)
    errors.where(t, sortie < entree, "date_sortie", pl.format(
        "La date de sortie ({}) est antérieure à la date d'entrée ({}) : corrigez l'une des deux.",
        _fr(sortie), _fr(entree)))
    motif_raw = _raw(t, "motif_sortie")
    sortie_raw = _raw(t, "date_sortie")
    errors.where(t, motif_raw.is_not_null() & sortie_raw.is_null(), "motif_sortie",
                 "Motif de sortie sans date de sortie : indiquez la date de sortie, ou videz le motif si la "
                 "personne est toujours accompagnée par le PLIE.")
    errors.where(t, sortie_raw.is_not_null() & motif_raw.is_null(), "motif_sortie",
                 "Date de sortie sans motif : indiquez le motif de sortie (liste motif_sortie).")
    six = _col(t, "date_situation_6_mois", pl.Date)
    errors.where(t, six < sortie, "date_situation_6_mois", pl.format(
        "La situation à 6 mois est observée ({}) avant la sortie ({}) : vérifiez les dates.", _fr(six),
        _fr(sortie)))
    t = t.with_columns(_first_line_of_duplicates(t, "id_hash").alias("__duplicate_of"))
    errors.where(t, pl.col("__duplicate_of").is_not_null(), "id_participant", pl.format(
        "Identifiant déjà utilisé à la ligne {} : chaque parcours doit avoir son propre identifiant "
        "(la seconde ligne est rejetée).", pl.col("__duplicate_of")))

    rejected_lines = errors.lines()
    is_rejected = pl.col(LINE).is_in(rejected_lines.implode())
    accepted = t.filter(~is_rejected)
    ctx.run_participants = accepted.select(pl.col("id_hash").alias("hash"), "date_entree")
    ctx.rejected_participants = (t.filter(is_rejected & pl.col("id_hash").is_not_null()
                                          & ~pl.col("id_hash").is_in(ctx.run_participants["hash"].implode()))
                                 .group_by("id_hash").agg(pl.col(LINE).min().alias("line"))
                                 .rename({"id_hash": "hash"}))

    commune = accepted["commune_residence"]
    epci = commune.replace_strict(ctx.communes, default="", return_dtype=pl.String)
    fields = {"id_hash": pl.col("id_hash")}
    if "id_personne" in t.columns:
        fields["personne_hash"] = pl.col("personne_hash").fill_null("")
    fields.update({"annee_naissance": pl.col("annee_naissance_calc"), "age_entree": pl.col("age_entree"),
                   "commune_residence": pl.col("commune_residence"), "epci_siren": epci})
    for column in TABLES["participants"].columns:
        name = column.name
        if name in fields or name not in t.columns or name in ("id_participant", "id_personne",
                                                                 "date_naissance", "annee_naissance"):
            continue
        fields[name] = _model_value(column, name)
    rows = accepted.select([expr.alias(name) for name, expr in fields.items()])
    return _finish(raw, errors, rows)


def _model_value(column: Column, name: str) -> pl.Expr:
    """Django stores an absent text as "" and an absent list as []."""
    expr = pl.col(name)
    if column.multi:
        return expr.fill_null(pl.lit([], dtype=pl.List(pl.String)))
    if column.kind in (T.CODE, T.TEXT, T.ID):
        return expr.fill_null("")
    return expr


# --------------------------------------------------------------------------- actions


@_checker("actions")
def check_actions(raw: RawTable, ctx: Context) -> Checked:
    t, errors = parse_cells(raw, ctx)
    start, end = _col(t, "date_debut", pl.Date), _col(t, "date_fin", pl.Date)
    errors.where(t, end < start, "date_fin", pl.format(
        "La date de fin ({}) est antérieure à la date de début ({}) : corrigez l'une des deux.", _fr(end),
        _fr(start)))
    t = t.with_columns(_first_line_of_duplicates(t, "id_action").alias("__duplicate_of"))
    duplicate = pl.col("__duplicate_of")
    errors.where(t, duplicate.is_not_null(), "id_action", pl.format(
        "Identifiant d'action déjà utilisé à la ligne {} : chaque action doit avoir son propre identifiant.",
        duplicate))
    is_rejected = pl.col(LINE).is_in(errors.lines().implode())
    accepted = t.filter(~is_rejected)
    ctx.run_actions = accepted.select("id_action")
    ctx.rejected_actions = (t.filter(is_rejected & pl.col("id_action").is_not_null()
                                     & ~pl.col("id_action").is_in(accepted["id_action"].implode()))
                            .group_by("id_action").agg(pl.col(LINE).min().alias("line")))
    rows = accepted.select([_model_value(c, c.name).alias(c.name) for c in TABLES["actions"].columns
                            if c.name in t.columns])
    return _finish(raw, errors, rows)


# --------------------------------------------------------------------------- étapes


@_checker("etapes")
def check_etapes(raw: RawTable, ctx: Context) -> Checked:
    t, errors = parse_cells(raw, ctx)
    t = t.with_columns(ctx.participant_hashes(t["id_participant"]).alias("__p"))
    t = _participant_references(t, ctx, errors)

    start, end = pl.col("date_debut"), _col(t, "date_fin", pl.Date)
    earliest = pl.col("__entree") - pl.duration(days=ETAPE_MARGIN_DAYS)
    errors.where(t, start < earliest, "date_debut", pl.format(
        "L'étape commence le {}, plus de 31 jours avant l'entrée du participant dans le PLIE ({}) : vérifiez "
        "la date de début (ou la date d'entrée du participant).", _fr(start), _fr(pl.col("__entree"))))
    errors.where(t, end < start, "date_fin", pl.format(
        "La date de fin ({}) est antérieure à la date de début ({}) : corrigez l'une des deux.", _fr(end),
        _fr(start)))

    if "id_action" in t.columns:
        t = _action_references(t, ctx, errors)
    else:
        t = t.with_columns(pl.lit(None, dtype=pl.String).alias("id_action"))

    derived = pl.concat_str([pl.col("__p"), pl.col("type_etape"), start.dt.strftime("%Y-%m-%d"),
                             pl.col("id_action").fill_null("")], separator="\x1f")
    id_etape = _col(t, "id_etape")
    t = t.with_columns(id_etape.alias("__id_etape"), derived.alias("__derived"))
    t = t.with_columns(pl.coalesce(
        hash_series(t["__id_etape"], ctx.hasher, ETAPE_ID_PREFIX),
        # The derived identity is hashed only where id_etape is absent.
        hash_series(t.select(pl.when(pl.col("__id_etape").is_null()).then(pl.col("__derived")))
                    .to_series().rename("__derived"), ctx.hasher, ETAPE_DERIVED_PREFIX)).alias("etape_key"))
    t = t.with_columns(_first_line_of_duplicates(t, "etape_key").alias("__duplicate_of"))
    duplicate = pl.col("__duplicate_of")
    errors.where(t, duplicate.is_not_null() & pl.col("__id_etape").is_not_null(), "id_etape", pl.format(
        "Identifiant d'étape déjà utilisé à la ligne {} : chaque étape doit avoir son propre identifiant.",
        duplicate))
    errors.where(t, duplicate.is_not_null() & pl.col("__id_etape").is_null(), "type_etape", pl.format(
        "Étape en double : même participant, même type, même date de début et même action qu'à la ligne {}. "
        "S'il s'agit de deux étapes distinctes, donnez à chacune un id_etape.", duplicate))

    accepted = t.filter(~pl.col(LINE).is_in(errors.lines().implode()))
    fields = {"etape_key": pl.col("etape_key"), "participant_hash": pl.col("__p"),
              "participant_pk": pl.col("__ppk"), "id_action": pl.col("id_action")}
    for column in TABLES["etapes"].columns:
        if column.name in t.columns and column.name not in ("id_etape", "id_participant", "id_action"):
            fields[column.name] = _model_value(column, column.name)
    rows = accepted.select([expr.alias(name) for name, expr in fields.items()])
    return _finish(raw, errors, rows)


def _action_references(t: pl.DataFrame, ctx: Context, errors: Errors) -> pl.DataFrame:
    run = ctx.run_actions if ctx.run_actions is not None else pl.DataFrame(schema={"id_action": pl.String})
    rejected = ctx.rejected_actions if ctx.rejected_actions is not None else pl.DataFrame(
        schema={"id_action": pl.String, "line": pl.Int64})
    in_run = pl.col("id_action").is_in(run["id_action"].implode())
    t = t.join(rejected.rename({"line": "__action_rejected_line"}), on="id_action", how="left",
               maintain_order="left")
    db = ctx.lookup_actions(t.filter(~in_run & pl.col("__action_rejected_line").is_null())["id_action"])
    in_db = pl.col("id_action").is_in(db["id_action"].implode())
    given = pl.col("id_action").is_not_null()
    dragged = given & ~in_run & pl.col("__action_rejected_line").is_not_null()
    errors.where(t, dragged, "id_action", pl.format(
        "L'action de la ligne {} (table actions) a été rejetée : corrigez cette action, puis importez à "
        "nouveau.", pl.col("__action_rejected_line")))
    errors.where(t, given & ~in_run & ~dragged & ~in_db, "id_action", pl.format(
        "Action inconnue « {} » : déclarez-la dans la table actions, ou videz id_action.", pl.col("id_action")))
    return t


# --------------------------------------------------------------------------- suivi_freins, acquis


def _check_follow_up(raw: RawTable, ctx: Context, identity: list[str], compared: str, conflict: str,
                     fields: list[str]) -> Checked:
    """Tables identified by (participant, code, date): a second row of the run with the same identity
    and another ``compared`` value is rejected; an identical one is accepted and stored once."""
    t, errors = parse_cells(raw, ctx)
    t = t.with_columns(ctx.participant_hashes(t["id_participant"]).alias("__p"))
    t = _participant_references(t, ctx, errors)
    keys = ["__p", *identity]
    compared_expr = _col(t, compared).cast(pl.String)
    t = t.with_columns(compared_expr.alias("__compared"))
    candidates = t.filter(~pl.col(LINE).is_in(errors.lines().implode()))
    first = candidates.group_by(keys, maintain_order=True).agg(
        pl.col(LINE).first().alias("__first_line"), pl.col("__compared").first().alias("__first_value"))
    candidates = candidates.join(first, on=keys, how="left", maintain_order="left")
    clash = (pl.col(LINE) != pl.col("__first_line")) & pl.col("__compared").ne_missing(pl.col("__first_value"))
    errors.where(candidates, clash, compared, pl.format(conflict, pl.col("__first_line"),
                                                       pl.col("__first_value").fill_null("vide")))
    accepted = candidates.filter(~pl.col(LINE).is_in(errors.lines().implode()))
    # Identical repeats are accepted; the database receives each identity once.
    stored = accepted.filter(pl.col(LINE) == pl.col("__first_line"))
    columns = {"participant_hash": pl.col("__p"), "participant_pk": pl.col("__ppk")}
    table = TABLES[raw.name]
    for name in fields:
        if name in t.columns:
            columns[name] = _model_value(table.column(name), name)
    rows = stored.select([expr.alias(name) for name, expr in columns.items()])
    return _finish(raw, errors, rows)


@_checker("suivi_freins")
def check_suivi_freins(raw: RawTable, ctx: Context) -> Checked:
    checked = _check_follow_up(
        raw, ctx, ["frein", "date"], "niveau",
        "Ce frein a déjà été évalué à la même date pour ce participant à la ligne {} avec un autre niveau ({}) : "
        "gardez une seule évaluation.", ["frein", "date", "niveau"])
    checked.rows = checked.rows.with_columns(pl.col("niveau").cast(pl.Int64))
    return checked


@_checker("acquis")
def check_acquis(raw: RawTable, ctx: Context) -> Checked:
    return _check_follow_up(
        raw, ctx, ["type_acquis", "date"], "commentaire",
        "Cet acquis est déjà déclaré à la même date pour ce participant à la ligne {} avec un autre commentaire "
        "(« {} ») : gardez une seule ligne.", ["type_acquis", "date", "commentaire"])
