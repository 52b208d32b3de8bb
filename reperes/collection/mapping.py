"""Mapping profiles: read another software's export as the exchange format.

A profile has a column map (source header → exchange column) and value maps
(exchange column → {source value → code}). ``propose_mapping`` suggests the
column map from the headers and a few sample values (fuzzy matching with
rapidfuzz on folded text); ``suggest_values`` suggests codes for values that
the référentiel does not recognise (« Bac » → ``NIV_4``). The user confirms
both in the application, saves them as a named profile (``MappingProfile``),
exports it as JSON, and the command line takes either
(``reperes import FICHIER --mapping NOM|profil.json``).

Pure Python and Polars: nothing here imports Django at module level (only
``load_profile`` reads a saved profile from the database), so the functions are
tested on plain values and frames.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl
from rapidfuzz import fuzz

from reperes.referentiel import IDENTIFYING_COLUMNS, TABLES, Column, fold
from reperes.referentiel import tables as kinds

FORMAT_VERSION = 1
MIN_COLUMN_SCORE = 60.0
MIN_VALUE_SCORE = 60.0
MAX_PROFILE_BYTES = 1_000_000


class MappingError(ValueError):
    """A profile that cannot be used: the message says, in French, what to fix."""


@dataclass
class Profile:
    """A mapping profile, as plain data (the model ``MappingProfile`` stores the same two dicts)."""

    name: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    # Version 2 (docs/profils-de-correspondance.md): what the profile says of itself, and per table how to
    # fill, filter, group and split rows (``reperes.collection.reshape``).
    description: str = ""
    source: str = ""
    tables: dict[str, dict] = field(default_factory=dict)

    def to_json(self) -> dict:
        data = {"format": "reperes-correspondance", "version": FORMAT_VERSION, "nom": self.name,
                "colonnes": dict(self.columns), "valeurs": {k: dict(v) for k, v in self.values.items()}}
        if self.description or self.source or self.tables:
            data["version"] = 2
            data.update({"description": self.description, "source": self.source, "tables": self.tables})
        return data

    @property
    def is_empty(self) -> bool:
        return not self.columns and not any(self.values.values()) and not self.tables

    @property
    def notes(self) -> list[str]:
        """What the report repeats from the profile: the approximations it makes, column by column."""
        return [f"{table}.{column} : {text}" for table, spec in self.tables.items()
                for column, text in spec.get("notes", {}).items()]


_STOP_WORDS = frozenset({"a", "au", "d", "de", "des", "du", "l", "la", "le", "les", "en", "et", "ou", "un", "une",
                         "par", "pour", "sur", "dans"})


def _header_key(text: str) -> str:
    """Folded words of a header, small words dropped: « Date d'entrée » → ``date entree``."""
    return " ".join(w for w in re.split(r"[^0-9a-z]+", fold(text)) if w and w not in _STOP_WORDS)


def is_identifying(header: str) -> bool:
    """A header naming a direct identifier (nom, prénom, NIR, adresse, téléphone, courriel…): never mapped."""
    words = set(_header_key(header).split())
    return bool(words & ({fold(c) for c in IDENTIFYING_COLUMNS} | {"prenom", "mail", "tel", "portable", "mobile"})
                ) or "securite sociale" in _header_key(header)


ALL_COLUMNS = {c.name for t in TABLES.values() for c in t.columns}


def profile_from_dict(data: object, *, name: str = "") -> Profile:
    """Check a profile given as a dict (an exported JSON file or a model's fields)."""
    if not isinstance(data, dict):
        raise MappingError("Le profil de correspondance doit être un objet JSON avec « colonnes » et « valeurs ».")
    columns = data.get("colonnes", data.get("columns", {}))
    values = data.get("valeurs", data.get("values", {}))
    if not isinstance(columns, dict) or not isinstance(values, dict):
        raise MappingError("Profil de correspondance mal formé : « colonnes » et « valeurs » doivent être des "
                           "objets JSON (en-tête source → colonne du format).")
    clean_columns: dict[str, str] = {}
    for source, target in columns.items():
        if not isinstance(source, str) or not isinstance(target, str):
            raise MappingError("Profil de correspondance mal formé : chaque colonne source doit correspondre au "
                               "nom d'une colonne du format d'échange (texte).")
        if target and target not in ALL_COLUMNS:
            raise MappingError(f"Profil de correspondance : « {target} » (pour la colonne source « {source} ») "
                               "n'est pas une colonne du format d'échange.")
        if target:
            clean_columns[source] = target
    clean_values: dict[str, dict[str, str]] = {}
    for target, table in values.items():
        if target not in ALL_COLUMNS or not isinstance(table, dict):
            raise MappingError(f"Profil de correspondance : les valeurs de « {target} » doivent être un objet JSON "
                               "(valeur source → code), pour une colonne du format d'échange.")
        codes = _column_codes(target)
        entries: dict[str, str] = {}
        for source, code in table.items():
            if not isinstance(source, str) or not isinstance(code, str):
                raise MappingError(f"Profil de correspondance : valeurs de « {target} » mal formées.")
            if codes is not None and code and codes.resolve(code) is None:
                raise MappingError(f"Profil de correspondance : « {code} » n'est pas un code de la liste "
                                   f"{codes.name} (colonne {target}).")
            # An empty code empties the cell (« non » → nothing, when another column says it).
            entries[source] = (codes.resolve(code) if codes is not None else code) if code else ""
        if entries:
            clean_values[target] = entries
    profile_name = data.get("nom", data.get("name", name)) or name
    tables = clean_tables(data.get("tables", {}))
    description, source = data.get("description", ""), data.get("source", "")
    if not isinstance(description, str) or not isinstance(source, str):
        raise MappingError("Profil de correspondance : « description » et « source » sont des textes.")
    return Profile(str(profile_name)[:100], clean_columns, clean_values, description, source, tables)


_TABLE_KEYS = {"feuilles", "filtre", "colonnes", "formats_date", "defauts", "constantes", "cle_personne",
               "communes", "regrouper", "notes"}


def _texts(value, what: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise MappingError(f"Profil de correspondance : {what} doit être un texte ou une liste de textes.")
    return list(value)


def _column_of(table: str, name: object, what: str) -> str:
    if not isinstance(name, str) or name not in TABLES[table].column_names:
        raise MappingError(f"Profil de correspondance : « {name} » ({what}) n'est pas une colonne de la table "
                           f"{table} du format d'échange.")
    return name


def _code_value(table: str, column: str, value: object) -> str:
    if not isinstance(value, str):
        raise MappingError(f"Profil de correspondance : la valeur de {column} doit être un texte.")
    codes = TABLES[table].column(column).codes
    if codes is not None:
        code = codes.resolve(value)
        if code is None:
            raise MappingError(f"Profil de correspondance : « {value} » n'est pas un code de la liste {codes.name} "
                               f"(colonne {column}).")
        return code
    return value


def clean_tables(tables: object) -> dict[str, dict]:
    """Check the ``tables`` section of a version 2 profile; the message says in French what is wrong."""
    if not isinstance(tables, dict):
        raise MappingError("Profil de correspondance : « tables » doit être un objet JSON (table → règles).")
    out: dict[str, dict] = {}
    for table, spec in tables.items():
        if table not in TABLES:
            raise MappingError(f"Profil de correspondance : « {table} » n'est pas une table du format d'échange "
                               f"({', '.join(TABLES)}).")
        if not isinstance(spec, dict):
            raise MappingError(f"Profil de correspondance : les règles de la table {table} doivent être un objet.")
        unknown = set(spec) - _TABLE_KEYS
        if unknown:
            raise MappingError(f"Profil de correspondance, table {table} : règle inconnue « {sorted(unknown)[0]} » "
                               f"(règles possibles : {', '.join(sorted(_TABLE_KEYS))}).")
        clean: dict = {}
        if "feuilles" in spec:
            clean["feuilles"] = _texts(spec["feuilles"], f"« feuilles » ({table})")
        if "filtre" in spec:
            rules = spec["filtre"] if isinstance(spec["filtre"], list) else [spec["filtre"]]
            clean["filtre"] = []
            for rule in rules:
                if not isinstance(rule, dict) or not isinstance(rule.get("colonne"), str):
                    raise MappingError(f"Profil de correspondance, table {table} : un filtre s'écrit "
                                       '{"colonne": "en-tête", "valeurs": ["valeur", …]}.')
                clean["filtre"].append({"colonne": rule["colonne"],
                                        "valeurs": _texts(rule.get("valeurs"), f"les valeurs du filtre ({table})"),
                                        "exclure": bool(rule.get("exclure", False))})
        if "colonnes" in spec:
            if not isinstance(spec["colonnes"], dict):
                raise MappingError(f"Profil de correspondance, table {table} : « colonnes » doit être un objet.")
            clean["colonnes"] = {}
            for source, targets in spec["colonnes"].items():
                targets = [_column_of(table, t, f"colonne source « {source} »")
                           for t in _texts(targets, f"la cible de « {source} »")]
                clean["colonnes"][source] = targets[0] if len(targets) == 1 else targets
        if "formats_date" in spec:
            from .reshape import strptime_format

            if not isinstance(spec["formats_date"], dict):
                raise MappingError(f"Profil de correspondance, table {table} : « formats_date » doit être un objet.")
            for source, stated in spec["formats_date"].items():
                try:
                    strptime_format(stated if isinstance(stated, str) else "")
                except ValueError:
                    raise MappingError(f"Profil de correspondance : format de date « {stated} » (colonne "
                                       f"« {source} ») non reconnu ; écrivez-le avec JJ, MM et AAAA (ou AA), par "
                                       "exemple JJ/MM/AAAA.") from None
            clean["formats_date"] = dict(spec["formats_date"])
        for key in ("defauts", "constantes"):
            if key in spec:
                if not isinstance(spec[key], dict):
                    raise MappingError(f"Profil de correspondance, table {table} : « {key} » doit être un objet.")
                clean[key] = {_column_of(table, c, key): _code_value(table, c, v) for c, v in spec[key].items()}
        if "cle_personne" in spec:
            rule = spec["cle_personne"]
            if not isinstance(rule, dict):
                raise MappingError(f"Profil de correspondance, table {table} : « cle_personne » doit être un objet.")
            clean["cle_personne"] = {"colonnes": _texts(rule.get("colonnes"), "les colonnes de la clé"),
                                     "vers": _column_of(table, rule.get("vers", "id_participant"), "cle_personne")}
        if "communes" in spec:
            rule = spec["communes"]
            if not isinstance(rule, dict) or not isinstance(rule.get("nom"), str):
                raise MappingError(f"Profil de correspondance, table {table} : « communes » s'écrit "
                                   '{"nom": "en-tête", "code_postal": "en-tête", "vers": "colonne"}.')
            clean["communes"] = {"nom": rule["nom"], "code_postal": str(rule.get("code_postal", "")),
                                 "vers": _column_of(table, rule.get("vers", "commune_residence"), "communes")}
        if "regrouper" in spec:
            rule = spec["regrouper"]
            if not isinstance(rule, dict):
                raise MappingError(f"Profil de correspondance, table {table} : « regrouper » doit être un objet.")
            clean["regrouper"] = {"par": _column_of(table, rule.get("par"), "regrouper"),
                                  "plus_ancienne": [_column_of(table, c, "plus_ancienne")
                                                    for c in rule.get("plus_ancienne", [])],
                                  "plus_recente": [_column_of(table, c, "plus_recente")
                                                   for c in rule.get("plus_recente", [])]}
        if "notes" in spec:
            if not isinstance(spec["notes"], dict) or not all(isinstance(v, str) for v in spec["notes"].values()):
                raise MappingError(f"Profil de correspondance, table {table} : « notes » : colonne → texte.")
            clean["notes"] = dict(spec["notes"])
        out[table] = clean
    return out


def profile_from_json(text: str | bytes, *, name: str = "") -> Profile:
    if len(text) > MAX_PROFILE_BYTES:
        raise MappingError("Fichier de profil trop volumineux (1 Mo au plus).")
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MappingError("Le fichier de profil n'est pas un JSON valide : exportez-le à nouveau depuis "
                           "l'application (page Imports, profils de correspondance).") from exc
    return profile_from_dict(data, name=name)


def as_profile(mapping) -> Profile | None:
    """A ``Profile`` from a profile, a dict, or a model instance with ``columns``/``values`` (None stays None)."""
    if mapping is None:
        return None
    if isinstance(mapping, Profile):
        return mapping
    if isinstance(mapping, dict):
        return profile_from_dict(mapping)
    if hasattr(mapping, "columns") and hasattr(mapping, "values"):
        return profile_from_dict({"colonnes": mapping.columns, "valeurs": mapping.values,
                                  "tables": getattr(mapping, "rules", None) or {}},
                                 name=getattr(mapping, "name", ""))
    raise MappingError("Profil de correspondance non reconnu.")


def _column_codes(name: str):
    for table in TABLES.values():
        for col in table.columns:
            if col.name == name and col.codes is not None:
                return col.codes
    return None


# --------------------------------------------------------------------------- proposals


@dataclass(frozen=True)
class Proposal:
    source: str  # header as written in the source file
    target: str | None  # exchange column, None = ignore
    score: float  # 0–100
    samples: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        return self.target is not None and self.score >= 100


def _candidates(table: str) -> list[tuple[Column, list[str]]]:
    out = []
    for col in TABLES[table].columns:
        names = [_header_key(col.name), _header_key(col.description)]
        out.append((col, [n for n in names if n]))
    return out


def _sample_bonus(col: Column, samples: Sequence[str]) -> float:
    """How well the sample values fit the column: codes that resolve, dates for dates."""
    values = [s for s in samples if s not in (None, "")][:20]
    if not values:
        return 0.0
    if col.codes is not None:
        hits = sum(1 for v in values if all(col.codes.resolve(p) for p in re.split(r"[|;,]", str(v)) if p.strip()))
        return 100.0 * hits / len(values)
    if col.kind == kinds.DATE:
        hits = sum(1 for v in values if re.fullmatch(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}.*", str(v).strip()))
        return 100.0 * hits / len(values)
    return 0.0


_ID_WORDS = frozenset({"dossier", "numero", "num", "no", "n", "id", "identifiant", "matricule", "code", "ref"})


def _looks_like_identifier(key: str, samples: Sequence[str]) -> bool:
    """A header like « N° dossier » whose sample values are all present and distinct."""
    values = [str(v) for v in samples if v not in (None, "")]
    return bool(set(key.split()) & _ID_WORDS) and len(values) >= 2 and len(set(values)) == len(values)


def propose_mapping(headers: Sequence[str], samples: Mapping[str, Sequence[str]] | None = None, *,
                    table: str = "participants") -> list[Proposal]:
    """For each source header, the exchange column it most likely holds, with a score (0–100).

    Headers are compared after folding (case, accents, punctuation) to the
    column's code and to its French description; sample values that resolve
    to a column's code list (or look like dates) raise that column's score. Each
    exchange column is proposed once, to the best-scoring header; a header
    scoring under 60 is proposed as ignored.
    """
    samples = samples or {}
    scored: list[tuple[float, int, str]] = []
    candidates = _candidates(table)
    for index, header in enumerate(headers):
        key = _header_key(header)
        if is_identifying(header):
            continue  # never stored: proposed as ignored
        for col, names in candidates:
            if not key:
                continue
            if key in names[:1] or key.replace(" ", "_") == col.name:
                score = 100.0
            else:
                score = max(fuzz.token_sort_ratio(key, names[0]),
                            *(0.9 * fuzz.token_set_ratio(key, n) for n in names))
                score = min(99.0, score)
                bonus = _sample_bonus(col, samples.get(header, ()))
                if bonus >= 80 and col.codes is not None:
                    # Values that are codes or labels of this column's list say more than a vague header.
                    score = min(99.0, max(score + 15, 75.0))
                elif bonus >= 80:
                    score = min(99.0, score + 15)
                elif col.kind == kinds.ID and col.required and _looks_like_identifier(key, samples.get(header, ())):
                    score = max(score, 70.0)
            scored.append((score, index, col.name))
    scored.sort(key=lambda s: (-s[0], s[1]))
    chosen: dict[int, tuple[str, float]] = {}
    used: set[str] = set()
    for score, index, target in scored:
        if index in chosen or target in used or score < MIN_COLUMN_SCORE:
            continue
        chosen[index] = (target, score)
        used.add(target)
    proposals = []
    for index, header in enumerate(headers):
        target, score = chosen.get(index, (None, 0.0))
        proposals.append(Proposal(header, target, round(score, 1),
                                  tuple(str(v) for v in samples.get(header, ())[:5])))
    return proposals


_QUALIFIER = re.compile(r"\+\s*\d")


def suggest_values(column: str, values: Sequence[str]) -> dict[str, tuple[str | None, float]]:
    """For each value the code list of ``column`` does not recognise, a suggested code and its score.

    Values the référentiel already reads (a code, a label, an alias) are left
    out. A label with a qualifier the value lacks (« bac + 2 » for « Bac ») is
    ranked below the plain one.
    """
    codes = _column_codes(column)
    if codes is None:
        return {}
    out: dict[str, tuple[str | None, float]] = {}
    targets = [(fold(c.label), c.code) for c in codes] + [(fold(c.code), c.code) for c in codes]
    for value in values:
        if value in (None, "") or value in out or codes.resolve(value) is not None:
            continue
        query = fold(value)
        best: tuple[float, str | None] = (0.0, None)
        for text, code in targets:
            score = float(fuzz.WRatio(query, text))
            if _QUALIFIER.search(text) and not _QUALIFIER.search(query):
                score -= 10
            if score > best[0]:
                best = (score, code)
        out[value] = (best[1], round(best[0], 1)) if best[0] >= MIN_VALUE_SCORE else (None, round(best[0], 1))
    return out


def _squash(text: str) -> str:
    """Folded text without spaces or punctuation: « Niv-4 », « NIV 4 » and « niv_4 » are one value."""
    return re.sub(r"[^0-9a-z]", "", fold(text))


def exact_code(column: str, value: str) -> str | None:
    """The code ``value`` is, once case, accents, spaces and punctuation are set aside; else None.

    Only such a value is pre-selected in a correction or mapping form: a fuzzy
    suggestion (« VOYAGE » looks like no step type, yet scores near « GEIQ ») is
    shown as a suggestion, never chosen for the user.
    """
    codes = _column_codes(column)
    if codes is None or value in (None, ""):
        return None
    found = codes.resolve(value)
    if found is not None:
        return found
    key = _squash(value)
    if not key:
        return None
    matches = {code for text, code in codes.lookup_table().items() if _squash(text) == key}
    return matches.pop() if len(matches) == 1 else None


@dataclass(frozen=True)
class Correction:
    """One value of a coded column that no code list reads, as the validation report found it."""

    table: str
    column: str
    value: str
    lines: int  # rejected lines (among the reported errors) holding it
    suggestion: str | None  # a code that looks close (shown, not chosen)
    exact: str | None  # the code it is after normalisation (pre-selected)


def corrections_of(report: Mapping) -> list[Correction]:
    """The unknown values of coded columns in a validation report, each once, with a suggested code.

    Read from the report's errors (the cell as read; a multi-valued cell is
    split on ``|`` and only its unknown parts are kept), so that the report page
    can offer one correction per value instead of one per line.
    """
    found: dict[tuple[str, str, str], int] = {}
    for error in report.get("errors", []) or []:
        table, column, value = error.get("table"), error.get("column"), error.get("value")
        if table not in TABLES or not value or column not in TABLES[table].column_names:
            continue
        col = TABLES[table].column(column)
        if col.codes is None or col.kind != kinds.CODE:
            continue
        parts = [p.strip() for p in str(value).split("|")] if col.multi else [str(value).strip()]
        for part in parts:
            if part and col.codes.resolve(part) is None:
                key = (table, column, part)
                found[key] = found.get(key, 0) + 1
    out = []
    for (table, column, value), lines in found.items():
        suggestion = suggest_values(column, [value]).get(value, (None, 0.0))[0]
        out.append(Correction(table, column, value, lines, suggestion, exact_code(column, value)))
    return out


# --------------------------------------------------------------------------- applying a profile


def header_renamer(profile: Profile | None):
    """``(table, header) → header``: the exchange column a source header maps to in that table, if any."""
    if profile is None or not profile.columns:
        return None
    by_key = {_header_key(source): target for source, target in profile.columns.items()}

    def rename(table: str, header: str) -> str:
        if is_identifying(header):
            return header  # a direct identifier is never read, whatever a profile says
        target = profile.columns.get(header) or by_key.get(_header_key(header))
        if target and target in TABLES[table].column_names:
            return target
        return header

    def requested(table: str, header: str) -> str | None:
        """The column the profile maps a header to, even one the import never reads (to say so)."""
        return profile.columns.get(header) or by_key.get(_header_key(header))

    rename.requested = requested
    return rename


def _value_lookup(mapping: Mapping[str, str]) -> dict[str, str]:
    return {fold(source): code for source, code in mapping.items()}


def replace_values(frame: pl.DataFrame, profile: Profile | None, *, table: str | None = None) -> pl.DataFrame:
    """Replace source values by codes in the frame's exchange columns (multi-valued cells part by part).

    Works on the distinct values of each column (a handful), then one
    vectorised ``replace``: no loop over rows.
    """
    if profile is None or not profile.values:
        return frame
    multi = {c.name for t in TABLES.values() for c in t.columns if c.multi}
    if table is not None:
        multi = {c.name for c in TABLES[table].columns if c.multi}
    out = frame
    for column, mapping in profile.values.items():
        if column not in frame.columns or frame.schema[column] != pl.String or not mapping:
            continue
        lookup = _value_lookup(mapping)
        distinct = [v for v in frame.get_column(column).unique().to_list() if v is not None]
        replacements: dict[str, str] = {}
        for value in distinct:
            if column in multi:
                parts = [p.strip() for p in re.split(r"[|]", value)]
                mapped = [lookup.get(fold(p), p) for p in parts]
                if mapped != parts:
                    replacements[value] = "|".join(m for m in mapped if m) or None
            elif fold(value) in lookup:
                replacements[value] = lookup[fold(value)] or None
        if replacements:
            out = out.with_columns(pl.col(column).replace(replacements).cast(pl.String))
    return out


def apply_mapping(frames: Mapping[str, pl.DataFrame], mapping) -> dict[str, pl.DataFrame]:
    """Rename the source columns of each table's frame and replace its values (before validation)."""
    profile = as_profile(mapping)
    rename = header_renamer(profile)
    out: dict[str, pl.DataFrame] = {}
    for table, frame in frames.items():
        if rename is not None:
            names = {c: rename(table, c) for c in frame.columns}
            taken: set[str] = set()
            final = {}
            for source, target in names.items():
                # Never two columns with one name: a later duplicate keeps its source header.
                final[source] = target if target not in taken else source
                taken.add(final[source])
            frame = frame.rename(final)
        out[table] = replace_values(frame, profile, table=table)
    return out


BUILTIN_DIR = __import__("pathlib").Path(__file__).resolve().parent / "builtin_profiles"


def builtin_profiles() -> dict[str, Profile]:
    """The profiles shipped with Repères for exports PLIE staff receive (``builtin_profiles/*.json``)."""
    out = {}
    for path in sorted(BUILTIN_DIR.glob("*.json")):
        profile = profile_from_json(path.read_bytes(), name=path.stem)
        out[profile.name] = profile
    return out


def load_profile(name_or_path: str) -> Profile:
    """A saved profile's name, or the path of a JSON profile file (the command line's ``--mapping``).

    Uses the database (a saved profile): call it with Django set up.
    """
    from pathlib import Path

    path = Path(name_or_path)
    if path.suffix.lower() == ".json" or path.is_file():
        if not path.is_file():
            raise MappingError(f"Fichier de profil introuvable : « {name_or_path} ».")
        try:
            text = path.read_bytes()
        except OSError as exc:
            raise MappingError(f"Impossible de lire le fichier de profil « {name_or_path} ».") from exc
        return profile_from_json(text, name=path.stem)
    builtin = builtin_profiles()
    if name_or_path in builtin:
        return builtin[name_or_path]
    from reperes.collection.models import MappingProfile

    found = MappingProfile.objects.filter(name=name_or_path).first()
    if found is None:
        names = list(MappingProfile.objects.values_list("name", flat=True)[:20])
        known = (f" Profils fournis avec Repères : {', '.join(builtin)}."
                 + (f" Profils enregistrés : {', '.join(names)}." if names else ""))
        raise MappingError(f"Profil de correspondance inconnu : « {name_or_path} ».{known} Donnez le nom d'un "
                           "profil enregistré dans l'application ou le chemin d'un fichier .json exporté.")
    return as_profile(found)
