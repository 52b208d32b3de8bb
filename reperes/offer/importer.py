"""Import the insertion offer as data·inclusion publishes it (schema v1), and spreadsheets in the same columns.

Accepted inputs, as downloaded:
- the open-data files of data·inclusion's publish pipeline (pandas): ``structures-inclusion-AAAA-MM-JJ.csv|json|xlsx``
  and ``services-inclusion-….csv|json|xlsx``: lists written in Python notation (``['a-distance']``) in CSV, dates
  in epoch milliseconds in JSON, an index column in XLSX;
- the API's JSON (a list, or an object with ``items``);
- a folder holding such files (``structures*`` / ``services*``; the latest date, JSON before CSV, is read);
- a spreadsheet (XLSX or ODS) with sheets « structures » and « services » in the same columns: list cells
  separated by commas, codes possibly typed as numbers (59350, not 59350.0; lost leading zeros restored);
- data·inclusion's validator template: its ``__ignore__`` column marks description rows, which are skipped;
  ``source``, absent there, is filled with the file's name.

A column named twice refuses the file (which copy is right cannot be guessed). Each line is validated with the
package's own pydantic models (``data_inclusion.schema.v1.Structure`` / ``Service``); its errors come back per
line, in French. A service links to the structure of the same ``source`` whose ``id`` is its ``structure_id``,
imported now or before; without one it is rejected. Re-importing updates (matched on ``source`` and ``id``), never
duplicates. Exit status 0 / 3 / 2.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pydantic
from data_inclusion.schema import v1 as di
from django.db import transaction

from reperes import reading, safefiles

from . import v0
from .models import Service, Structure

LIST_FIELDS_STRUCTURE = ("reseaux_porteurs",)
LIST_FIELDS_SERVICE = ("thematiques", "publics", "modes_accueil", "zone_eligibilite", "modes_mobilisation",
                       "mobilisable_par")
OURS_SERVICE = ("places", "financement", "actions")  # our columns, outside the schema


class OfferUnusable(ValueError):
    pass


@dataclass
class OfferResult:
    report: dict
    exit_status: int


FIELD_LABELS = {"nom": "nom", "id": "identifiant", "source": "source", "date_maj": "date de mise à jour",
                "structure_id": "structure", "description": "description", "thematiques": "thématiques",
                "publics": "publics", "type": "type", "zone_eligibilite": "zone d'éligibilité",
                "modes_accueil": "modes d'accueil", "reseaux_porteurs": "réseaux porteurs", "siret": "SIRET",
                "code_insee": "code INSEE", "code_postal": "code postal", "courriel": "courriel",
                "site_web": "site web", "frais": "frais"}


CODE_MESSAGES = {
    "siret": "SIRET invalide : 14 chiffres attendus, sans espace.",
    "code_postal": "Code postal invalide : 5 chiffres attendus (par exemple 59000).",
    "code_insee": "Code INSEE invalide : 5 caractères attendus (par exemple 59350 ou 2A004).",
    "zone_eligibilite": "Code de zone non reconnu : code INSEE de commune (5 caractères), SIREN d’EPCI (9 chiffres), "
                        "code de département (2 ou 3 caractères) ou « france » attendu.",
}
CODE_KINDS = ("string_too_short", "string_too_long", "string_pattern_mismatch", "literal_error")


def french_message(error: dict, column: str | None = None) -> str:
    """One pydantic error of the data·inclusion models, in French: the cause, for the column it is about."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if column in CODE_MESSAGES and kind in CODE_KINDS:
        return CODE_MESSAGES[column]
    if kind == "missing":
        return "Champ obligatoire absent."
    if kind == "enum":
        expected = str(ctx.get("expected", ""))
        shown = expected if len(expected) <= 200 else "voir la liste du schéma data·inclusion v1"
        label = FIELD_LABELS.get(column or "", column)
        where = f"{label} : " if label else ""
        return f"Valeur inconnue « {error.get('input')} » du référentiel data·inclusion ({where}{shown})."
    if kind == "string_too_short":
        return f"Texte trop court : au moins {ctx.get('min_length')} caractère(s)."
    if kind == "string_too_long":
        return f"Texte trop long : au plus {ctx.get('max_length')} caractères."
    if kind == "string_pattern_mismatch":
        return "Format incorrect."
    if kind.startswith("date"):
        return "Date invalide : format attendu AAAA-MM-JJ (par exemple 2024-03-01)."
    if kind.startswith("url"):
        return "Adresse web invalide : elle doit commencer par https:// ."
    if kind == "value_error":
        message = str(ctx.get("error") or error.get("msg", ""))
        if "email" in message.lower():
            return "Courriel invalide."
        return message.removeprefix("Value error, ")
    if kind in ("too_short",):
        return "Liste vide : au moins une valeur attendue."
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type", "int_from_float"):
        return "Nombre attendu."
    if kind in ("string_type", "set_type", "list_type"):
        return "Type de valeur inattendu (texte ou liste attendu)."
    return "Valeur invalide."


def _errors(exc: pydantic.ValidationError, table: str, line: int, row: dict) -> list[dict]:
    """One message per bad value: the branches of a union (a zone code tried as commune, EPCI, département…)
    give one message, not one each."""
    out, seen = [], set()
    for e in exc.errors():
        loc = e.get("loc") or ()
        column = str(loc[0]) if loc else None
        index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
        if (column, index) in seen:
            continue
        seen.add((column, index))
        value = e.get("input") if index is not None else (row.get(column) if column else None)
        out.append({"table": table, "line": line, "column": column,
                    "value": None if value in (None, "") else str(value)[:200],
                    "message": french_message(e, column)})
    return out


def typographie(text: str) -> str:
    """French typography for what a user reads: ’, and a no-break space before : ; ? ! and inside « »."""
    text = re.sub(r"(?<=[A-Za-zÀ-ÿ])'(?=[A-Za-zÀ-ÿ])", "’", text)
    text = re.sub(r" ([:;?!»])", "\u00a0\\1", text)
    return text.replace("« ", "«\u00a0")


def _typeset(report: dict) -> dict:
    for e in report["errors"]:
        e["message"] = typographie(e["message"])
    for c in report["ignored_columns"]:
        c["reason"] = typographie(c["reason"])
    report["notes"] = [typographie(n) for n in report["notes"]]
    return report


# --------------------------------------------------------------------------- reading

TABLES = ("structures", "services")
DATE_FIELDS = ("date_maj",)
CODE_WIDTHS = {"siret": 14, "code_postal": 5, "code_insee": 5}  # leading zeros lost by a numeric cell
DECIMAL_FIELDS = ("longitude", "latitude", "volume_horaire_hebdomadaire")
IGNORE_COLUMN = "__ignore__"  # data·inclusion's validator template: a non-empty cell marks a description row
EXTENSIONS = (".json", ".csv", ".xlsx", ".ods")


def _split(value):
    """A list cell: a JSON list, pandas' Python notation (``['a-distance']``) or comma-separated text."""
    if value is None:
        return None
    if isinstance(value, list | tuple | set):
        return [_scalar(v) for v in value if _scalar(v)] or None
    text = _scalar(value)
    if not text:
        return None
    if text[0] in "[{(" and text[-1] in "]})":
        for parse in (json.loads, ast.literal_eval):
            try:
                parsed = parse(text)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                continue
            if isinstance(parsed, list | tuple | set):
                return [_scalar(v) for v in parsed if _scalar(v)] or None
        text = text.strip("[]{}()")
    parts = (v.strip().strip("'\"").strip() for v in text.replace("|", ",").replace(";", ",").split(","))
    return [v for v in parts if v] or None


def _scalar(value) -> str:
    """A cell as text: a number typed in a spreadsheet keeps no « .0 » (59350, not 59350.0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _zone_code(code: str) -> str:
    """A zone typed as a number loses its leading zero: 1 → département 01, 1004 → commune 01004."""
    if code.isdigit() and len(code) in (1, 4):
        return code.zfill(len(code) + 1)
    return code


def _date(value):
    """ISO text, a spreadsheet date, or pandas' ``to_json`` epoch milliseconds."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value):
        seconds = value / 1000 if abs(value) >= 1e10 else value  # 1e10 s is in 2286: above, milliseconds
        try:
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return str(value)
    text = _scalar(value)
    if re.fullmatch(r"-?\d{9,14}(\.0+)?", text):
        return _date(float(text))
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", text)
    if match:
        return match.group(1)
    match = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", text)
    if match:
        return f"{match.group(3)}-{match.group(2)}-{match.group(1)}"
    return text


def _clean(row: dict, list_fields) -> dict:
    out = {}
    for key, value in row.items():
        if key is None:
            continue
        key = str(key).strip()
        numeric = isinstance(value, int | float) and not isinstance(value, bool)  # a number typed in a sheet
        if key in list_fields:
            value = _split(value)
            if value and key == "zone_eligibilite" and numeric:
                value = [_zone_code(v) for v in value]
        elif key in DATE_FIELDS:
            value = _date(value) or None
        elif key in DECIMAL_FIELDS and isinstance(value, int | float) and not isinstance(value, bool):
            value = None if isinstance(value, float) and math.isnan(value) else value
        else:
            value = _scalar(value) or None
            if numeric and value and key in CODE_WIDTHS and value.isdigit() and len(value) < CODE_WIDTHS[key]:
                value = value.zfill(CODE_WIDTHS[key])
        out[key] = value
    return out


def _duplicates(headers: list[str], where: str) -> None:
    seen: dict[str, int] = {}
    for position, header in enumerate(headers):
        if not header:
            continue
        if header in seen:
            raise OfferUnusable(
                f"La colonne « {header} » apparaît deux fois dans {where} (colonnes {_column_letter(seen[header])} "
                f"et {_column_letter(position)}) : gardez-en une seule, rien n’a été importé.")
        seen[header] = position


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _read_rows(path: Path) -> list[dict]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OfferUnusable(f"Impossible de lire {path.name}.") from exc
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            rows = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise OfferUnusable(f"Le fichier {path.name} n’est pas un JSON lisible : vérifiez qu’il s’agit bien "
                                "d’un export data·inclusion (liste d’objets).") from exc
        if isinstance(rows, dict):
            rows = rows.get("items") or rows.get("data") or rows.get("results") or [rows]
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise OfferUnusable(f"Le fichier {path.name} doit contenir une liste d’objets (export data·inclusion).")
        return rows
    if suffix == ".csv":
        if b"\x00" in data[:65536]:
            raise OfferUnusable(f"Le fichier {path.name} n’est pas un fichier texte CSV : enregistrez-le au format "
                                "CSV (UTF-8 ou Windows-1252).")
        text = reading.decode(data, lenient=True)
        delimiter = reading.guess_delimiter(text, reading.SEMICOLON_FIRST)
        if "\n" in text and re.search(r"\r(?!\n)", text) and not _quoted_cr(text):
            # a carriage return alone inside lines that end with a line feed: a cell was cut in two
            raise OfferUnusable(safefiles.unreadable(path.name))
        csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))  # long descriptions in open data
        try:
            reader = csv.reader(io.StringIO(text.replace("\x00", ""), newline=""), delimiter=delimiter)
            headers = [h.strip() for h in next(reader, [])]
            safefiles.check_width(path.name, len(headers))
            _duplicates(headers, f"le fichier {path.name}")
            return [dict(zip(headers, r, strict=False)) for r in reader if any(v.strip() for v in r)]
        except safefiles.FileRefused as exc:
            raise OfferUnusable(exc.message) from exc
        except csv.Error as exc:
            raise OfferUnusable(f"Le fichier {path.name} n’est pas un CSV lisible (ligne {reader.line_num}) : "
                                "vérifiez les guillemets et le séparateur.") from exc
    raise OfferUnusable(f"Format non pris en charge pour {path.name} : JSON, CSV, XLSX ou ODS attendu.")


def _sheet_rows(rows: list[list], where: str) -> list[dict]:
    headers = [_scalar(h) for h in rows[0]]
    _duplicates(headers, where)
    out = []
    for r in rows[1:]:
        record = {h: (None if v == "" else v) for h, v in zip(headers, r, strict=False) if h}
        if _scalar(record.pop(IGNORE_COLUMN, None)):
            continue  # description or example row of data·inclusion's template
        if any(_scalar(v) for v in record.values()):
            out.append(record)
    return out


def _quoted_cr(text: str) -> bool:
    """Whether every lone carriage return of the text sits inside a quoted cell (where it is allowed)."""
    inside = False
    for index, char in enumerate(text):
        if char == '"':
            inside = not inside
        elif char == "\r" and not inside and text[index + 1:index + 2] != "\n":
            return False
    return True


def _read_workbook(path: Path) -> dict[str, list[dict]]:
    try:  # bounded: a zip bomb or a giant grid is refused before it is parsed
        sheets = reading.workbook_grids(path.name, path, as_text=False)  # typed: numbers keep their type
    except safefiles.FileRefused as exc:
        raise OfferUnusable(exc.message) from exc
    tables = {}
    for name, rows in sheets.items():
        key = name.strip().lower()
        if key in TABLES and rows:
            tables[key] = _sheet_rows(rows, f"la feuille « {name} »")
    if not tables:
        filled = [(name, rows) for name, rows in sheets.items() if rows]
        if len(filled) == 1:  # data·inclusion's published XLSX: one sheet, told apart by its name or columns
            name, rows = filled[0]
            found = _sheet_rows(rows, f"la feuille « {name} »")
            tables[_table_of(path, found)] = found
    if not tables:
        raise OfferUnusable(f"Le classeur {path.name} n’a ni feuille « structures » ni feuille « services ».")
    return tables


def _table_of(path: Path, rows: list[dict]) -> str:
    name = path.name.lower()
    for table in TABLES:
        if name.startswith(table):
            return table
    return "services" if rows and "structure_id" in rows[0] else "structures"


def _base(path: Path) -> int:
    """Line number of the first record: 2 under a header row (CSV, sheet), 1 in a JSON list."""
    return 1 if path.suffix.lower() == ".json" else 2


def _candidates(folder: Path, table: str) -> list[Path]:
    """``structures.json``, ``structures-inclusion-2026-11-30.csv``…: the latest date first, JSON before CSV."""
    found = [p for p in folder.iterdir() if p.is_file() and p.name.lower().startswith(table)
             and p.suffix.lower() in EXTENSIONS]
    rank = {ext: i for i, ext in enumerate(EXTENSIONS)}

    def key(p: Path):
        dates = re.findall(r"\d{4}-\d{2}-\d{2}", p.name)
        return (dates[-1] if dates else "", -rank[p.suffix.lower()])

    return sorted(found, key=key, reverse=True)


def read_inputs(path: Path, notes: list[str] | None = None,
                names: dict[str, str] | None = None) -> tuple[dict[str, list[dict]], dict[str, int]]:
    """(rows by table, line number of each table's first record); ``notes`` and ``names`` (file read) filled in."""
    path = Path(path)
    notes = notes if notes is not None else []
    names = names if names is not None else {}
    if path.is_dir():
        tables, bases = {}, {}
        for table in TABLES:
            candidates = _candidates(path, table)
            if not candidates:
                continue
            chosen = candidates[0]
            names[table] = chosen.stem
            if chosen.suffix.lower() in (".xlsx", ".ods"):
                book = _read_workbook(chosen)
                tables[table] = book.get(table) or next(iter(book.values()))
                bases[table] = 2
            else:
                tables[table] = _read_rows(chosen)
                bases[table] = _base(chosen)
            if len(candidates) > 1:
                notes.append(f"{table.capitalize()} : fichier lu « {chosen.name} » (le plus récent) ; "
                             f"non lus : {', '.join(p.name for p in candidates[1:])}.")
        if not tables:
            raise OfferUnusable(f"Le dossier {path} ne contient aucun fichier structures… ni services… "
                                "(JSON, CSV, XLSX ou ODS ; par exemple structures-inclusion-2026-11-30.csv).")
        return tables, bases
    if not path.exists():
        raise OfferUnusable(f"Fichier introuvable : {path}.")
    if path.suffix.lower() in (".xlsx", ".ods"):
        tables = _read_workbook(path)
        names.update(dict.fromkeys(tables, path.stem))
        return tables, dict.fromkeys(tables, 2)
    rows = _read_rows(path)
    if not rows:
        raise OfferUnusable(f"Le fichier {path.name} ne contient aucune ligne.")
    fields = set(di.Structure.model_fields) | set(di.Service.model_fields) | v0.USED["structures"] | v0.USED["services"]
    if not any(str(k).strip() in fields for k in rows[0] if k is not None):
        raise OfferUnusable(f"« {path.name} » : fichier illisible, aucune colonne du schéma data·inclusion (id, "
                            "nom, structure_id…). Envoyez un export data·inclusion (JSON ou CSV) ou le modèle XLSX "
                            "de l’offre.")
    table = _table_of(path, rows)
    names[table] = path.stem
    return {table: rows}, {table: _base(path)}


# --------------------------------------------------------------------------- validation and storage


def _values(items) -> list[str]:
    return sorted(str(getattr(i, "value", i)) for i in (items or []))


def _text(value) -> str:
    return "" if value is None else str(value)


def _fit(model, values: dict) -> dict:
    """Cut a text to its column's length (PostgreSQL refuses longer); free texts are unlimited columns."""
    out = {}
    for name, value in values.items():
        limit = getattr(model._meta.get_field(name), "max_length", None)
        out[name] = value[:limit] if limit and isinstance(value, str) else value
    return out


def structure_fields(item: di.Structure) -> dict:
    """Every field of a v1 structure, as stored (lists sorted, absent texts empty)."""
    return _fit(Structure, {
        "source": item.source, "nom": item.nom, "description": _text(item.description),
        "lien_source": _text(item.lien_source), "siret": _text(item.siret), "commune": _text(item.commune),
        "code_postal": _text(item.code_postal), "code_insee": _text(item.code_insee), "adresse": _text(item.adresse),
        "complement_adresse": _text(item.complement_adresse), "longitude": item.longitude, "latitude": item.latitude,
        "telephone": _text(item.telephone), "courriel": _text(item.courriel), "site_web": _text(item.site_web),
        "horaires_accueil": _text(item.horaires_accueil), "accessibilite_lieu": _text(item.accessibilite_lieu),
        "reseaux_porteurs": _values(item.reseaux_porteurs), "date_maj": item.date_maj})


def service_fields(item: di.Service) -> dict:
    """Every field of a v1 service but its structure, as stored."""
    return _fit(Service, {
        "source": item.source, "nom": item.nom, "description": _text(item.description),
        "lien_source": _text(item.lien_source), "date_maj": item.date_maj,
        "type": item.type.value if item.type else "", "thematiques": _values(item.thematiques),
        "frais": item.frais.value if item.frais else "", "frais_precisions": _text(item.frais_precisions),
        "publics": _values(item.publics), "publics_precisions": _text(item.publics_precisions),
        "conditions_acces": _text(item.conditions_acces), "commune": _text(item.commune),
        "code_postal": _text(item.code_postal), "code_insee": _text(item.code_insee), "adresse": _text(item.adresse),
        "complement_adresse": _text(item.complement_adresse), "longitude": item.longitude, "latitude": item.latitude,
        "telephone": _text(item.telephone), "courriel": _text(item.courriel),
        "modes_accueil": _values(item.modes_accueil),
        "zone_eligibilite": [str(z) for z in (item.zone_eligibilite or [])],
        "contact_nom_prenom": _text(item.contact_nom_prenom), "lien_mobilisation": _text(item.lien_mobilisation),
        "modes_mobilisation": _values(item.modes_mobilisation), "mobilisable_par": _values(item.mobilisable_par),
        "mobilisation_precisions": _text(item.mobilisation_precisions),
        "volume_horaire_hebdomadaire": item.volume_horaire_hebdomadaire, "nombre_semaines": item.nombre_semaines,
        "horaires_accueil": _text(item.horaires_accueil)})


def run_offer_import(path, *, user=None, request=None) -> OfferResult:
    from reperes.audit.models import Action as AuditAction
    from reperes.audit.trail import record
    from reperes.collection.models import Action

    path = Path(path)
    notes: list[str] = []
    names: dict[str, str] = {}
    known_fields = {"structures": set(di.Structure.model_fields), "services": set(di.Service.model_fields)}
    try:
        tables, bases = read_inputs(path, notes, names)
        columns = {str(c).strip() for rows in tables.values() for r in rows for c in r if c is not None}
        if not columns & (known_fields["structures"] | known_fields["services"]):
            raise OfferUnusable(f"{path.name} ne ressemble pas à un export data·inclusion : aucune colonne reconnue "
                                "(id, nom, source, date_maj…). Vérifiez le fichier choisi.")
    except OfferUnusable as exc:
        report = {"status": "refused", "stored": False, "tables": {},
                  "errors": [{"table": None, "line": None, "column": None, "value": None, "message": str(exc)}],
                  "ignored_columns": [], "notes": []}
        record(AuditAction.IMPORT, request=request, user=user, target=f"offre : {path.name}"[:300], statut="refused")
        return OfferResult(_typeset(report), 2)
    errors: list[dict] = []
    counts = {}
    structures: list[tuple[dict, dict]] = []
    services: list[tuple[dict, dict]] = []
    ignored = []
    for table, list_fields, model, sink in (("structures", LIST_FIELDS_STRUCTURE, di.Structure, structures),
                                            ("services", LIST_FIELDS_SERVICE, di.Service, services)):
        rows = tables.get(table, [])
        counts[table] = {"read": len(rows), "accepted": 0, "rejected": 0, "skipped": 0}
        seen_cols = set().union(*(r.keys() for r in rows)) if rows else set()
        extra = sorted(str(c) for c in seen_cols - known_fields[table] - set(OURS_SERVICE) - {IGNORE_COLUMN} if c)
        old_schema = v0.is_v0(table, seen_cols)
        dropped: Counter = Counter()
        if old_schema:
            list_fields = tuple(set(list_fields) | set(v0.LIST_FIELDS[table]))
            ignored += [{"table": table, "column": c, "reason": f"{v0.LABEL} : pas d’équivalent en v1"}
                        for c in v0.ignored_columns(table, extra, known_fields[table])]
            extra = [c for c in extra if c not in v0.ONLY_V0[table]]
        ignored += [{"table": table, "column": c, "reason": "champ hors du schéma data·inclusion v1"} for c in extra]
        filled = 0
        for i, raw in enumerate(rows):
            line = i + bases.get(table, 2)
            row = _clean(raw, list_fields)
            if old_schema:
                row = v0.convert(table, row, dropped)
            if not row.get("source"):  # data·inclusion's validator template has no « source » column
                row["source"] = names.get(table) or path.stem
                filled += 1
            payload = {k: v for k, v in row.items() if k in known_fields[table]}
            try:
                item = model.model_validate(payload)
            except pydantic.ValidationError as exc:
                errors += _errors(exc, table, line, row)
                counts[table]["rejected"] += 1
                continue
            sink.append((item, row, line))
        if old_schema:
            notes += v0.notes(table, dropped)
        if filled:
            notes.append(f"{table.capitalize()} : « source » absente sur {filled} ligne(s), remplie avec le nom du "
                         f"fichier « {names.get(table) or path.stem} ».")
    # A service's structure: same source and same id, in this import or stored by an earlier one.
    wanted = {item.structure_id for item, _, _ in services}
    existing = set(Structure.objects.filter(di_id__in=wanted).values_list("source", "di_id"))
    new_keys = {(item.source, item.id) for item, _, _ in structures}
    kept_services = []
    for item, row, line in services:
        if (item.source, item.structure_id) not in existing | new_keys:
            errors.append({"table": "services", "line": line, "column": "structure_id", "value": item.structure_id,
                           "message": f"Structure inconnue pour la source « {item.source} » : importez d'abord la "
                                      "structure de ce service (fichier structures… ou feuille « structures »), "
                                      "avec la même source."})
            counts["services"]["rejected"] += 1
            continue
        places = row.get("places")
        if places not in (None, ""):
            try:
                places = int(float(str(places).replace(",", ".")))
                if places < 0:
                    raise ValueError
            except ValueError:
                errors.append({"table": "services", "line": line, "column": "places", "value": str(row["places"]),
                               "message": "Nombre de places invalide : un entier positif attendu."})
                counts["services"]["rejected"] += 1
                continue
        else:
            places = None
        kept_services.append((item, row, places))
    with transaction.atomic():
        by_key = {}
        for item, _row, _line in structures:
            obj, _ = Structure.objects.update_or_create(source=item.source, di_id=item.id,
                                                        defaults=structure_fields(item))
            by_key[(item.source, item.id)] = obj
            counts["structures"]["accepted"] += 1
        missing = {(item.source, item.structure_id) for item, _, _ in kept_services} - set(by_key)
        for obj in Structure.objects.filter(di_id__in={i for _, i in missing}):
            by_key.setdefault((obj.source, obj.di_id), obj)
        for item, row, places in kept_services:
            obj, _ = Service.objects.update_or_create(source=item.source, di_id=item.id, defaults={
                **service_fields(item), "structure": by_key[(item.source, item.structure_id)], "places": places,
                "financement": str(row.get("financement") or "")[:300]})
            if row.get("actions"):
                ids = _split(row["actions"]) or []
                obj.actions.set(Action.objects.filter(id_action__in=ids))
            counts["services"]["accepted"] += 1
    rejected = sum(c["rejected"] for c in counts.values())
    status = "partial" if rejected else "ok"
    report = {"status": status, "stored": True, "tables": counts, "errors": errors, "ignored_columns": ignored,
              "notes": notes}
    record(AuditAction.IMPORT, request=request, user=user, target=f"offre : {path.name}"[:300], statut=status,
           acceptees=sum(c["accepted"] for c in counts.values()), rejetees=rejected)
    return OfferResult(_typeset(report), 3 if rejected else 0)
