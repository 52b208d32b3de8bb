"""Read an XLSForm questionnaire (ODK, KoboToolbox) with pyxform, check it, describe it in French.

:func:`read_xlsform` returns a :class:`ParsedForm`: the form's identifier (the
``form_id`` of the ``settings`` sheet, else the file name), its version and
title, and the flat list of its questions with French labels, choices and the
parsed ``relevant`` / ``constraint`` expressions. Any problem raises
:class:`XLSFormError` whose ``messages`` are French, each with its row.

pyxform's own messages are translated (:func:`translate_pyxform`); the
expressions are checked by :mod:`reperes.surveys.expressions` (no Java
validator, nothing downloaded).
"""

from __future__ import annotations

import functools
import io
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reperes import safefiles

from . import expressions

# type as written in the sheet → our type
SUPPORTED_TYPES = {
    "select_one": "select_one", "select one": "select_one", "select_multiple": "select_multiple",
    "select all that apply": "select_multiple", "integer": "integer", "int": "integer", "decimal": "decimal",
    "text": "text", "string": "text", "date": "date", "note": "note", "calculate": "calculate", "rank": "rank",
    "select_one_from_file": "select_one", "select_multiple_from_file": "select_multiple",
    "phone number": "text", "q string": "text", "q int": "integer", "q decimal": "decimal", "q date": "date",
}
GROUP_TYPES = {"begin_group", "begin group", "end_group", "end group", "begin_repeat", "begin repeat",
               "end_repeat", "end repeat"}
# collected by the device, not asked: accepted and ignored
META_TYPES = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username",
              "email", "audit", "start-geopoint", "background-audio", "imei", "uri:deviceid", "geopoint",
              "geotrace", "geoshape", "image", "audio", "video", "file", "barcode", "time", "datetime",
              "acknowledge", "range", "hidden", "xml-external", "csv-external", "trigger", "background-geopoint"}
ASKED_TYPES = ("select_one", "select_multiple", "integer", "decimal", "text", "date", "rank")
TYPE_LABELS = {"select_one": "choix unique", "select_multiple": "choix multiple", "integer": "nombre entier",
               "decimal": "nombre décimal", "text": "texte", "date": "date", "note": "note",
               "calculate": "calcul", "rank": "classement"}

_FRENCH_LANG = re.compile(r"(fran[cç]ais|french|\(fr\)|^fr$)", re.IGNORECASE)


class XLSFormError(ValueError):
    """The questionnaire cannot be imported; ``messages`` say what to fix, in French, with the row."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass
class Question:
    name: str
    type: str
    label: str
    hint: str = ""
    required: bool = False
    relevant: str = ""
    constraint: str = ""
    constraint_message: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    group: str = ""  # path of enclosing groups, "a/b"
    group_label: str = ""
    row: int = 0

    @property
    def asked(self) -> bool:
        return self.type in ASKED_TYPES

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "label": self.label, "hint": self.hint,
                "required": self.required, "relevant": self.relevant, "constraint": self.constraint,
                "constraint_message": self.constraint_message, "choices": [list(c) for c in self.choices],
                "group": self.group, "group_label": self.group_label, "row": self.row}


@dataclass
class ParsedForm:
    form_id: str
    title: str
    version: str
    questions: list[Question]
    language: str = ""

    @property
    def question_count(self) -> int:
        """Questions a respondent answers: not groups, notes nor calculations."""
        return sum(1 for q in self.questions if q.asked)

    def definition(self) -> dict[str, Any]:
        return {"form_id": self.form_id, "title": self.title, "version": self.version, "language": self.language,
                "questions": [q.as_dict() for q in self.questions]}


# ------------------------------------------------------------------- pyxform messages

_TRANSLATIONS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"List name not in choices sheet: (\S+)"),
     "la liste de choix « {0} » n'existe pas dans la feuille « choices »"),
    (re.compile(r"Reference variables must contain a name from the 'survey' sheet\. Could not find the name '([^']+)'"),
     "la question « {0} » citée dans une expression n'existe pas dans la feuille « survey »"),
    (re.compile(r"Unmatched 'begin_(group|repeat)'\. No matching 'end_\w+' was found for the name '([^']*)'"),
     "le début de groupe « {1} » n'a pas de fin (ajoutez une ligne end_{0})"),
    (re.compile(r"Unmatched 'end_(group|repeat)'"),
     "une fin de groupe (end_{0}) n'a pas de début"),
    (re.compile(r"the 'name' value '([^']*)' is invalid\. Questions, groups, and repeats must be unique"),
     "le nom « {0} » est déjà utilisé : chaque question doit avoir un nom unique"),
    (re.compile(r"Question or group with no name"), "une question ou un groupe n'a pas de nom (colonne name)"),
    (re.compile(r"Invalid question name \[?'?([^'\]]*)'?\]?"),
     "le nom « {0} » n'est pas valide (lettres, chiffres et _ ; il commence par une lettre)"),
    (re.compile(r"The survey sheet is either empty or missing"), "la feuille « survey » est vide ou absente"),
    (re.compile(r"[Tt]here should be a choices sheet"), "la feuille « choices » est absente"),
    (re.compile(r"Unknown question type '([^']*)'"), "le type « {0} » est inconnu"),
    (re.compile(r"should be a ([\w ]+) sheet"), "la feuille « {0} » est absente"),
    (re.compile(r"Choice names must be unique"), "deux choix d'une même liste portent le même nom"),
]
_ROW = re.compile(r"^\s*\[row\s*:\s*(\d+)\]\s*")


def translate_pyxform(message: str) -> str:
    """pyxform's English message → French, keeping its row number."""
    row = None
    match = _ROW.match(message)
    if match:
        row = int(match.group(1))
        message = message[match.end():]
    text = None
    for pattern, french in _TRANSLATIONS:
        found = pattern.search(message)
        if found:
            text = french.format(*found.groups())
            break
    if text is None:
        text = f"questionnaire non valide (message de pyxform : {message.strip()})"
    return f"Ligne {row} : {text}." if row else f"{text[0].upper()}{text[1:]}."


# ------------------------------------------------------------------------- reading


def _label(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key, text in value.items():
            if _FRENCH_LANG.search(key):
                return str(text)
        for key in ("default", "French", "Français"):
            if key in value:
                return str(value[key])
        return str(next(iter(value.values()), ""))
    return str(value)


def form_limits() -> safefiles.Limits:
    """A questionnaire is small: tighter limits than a data file (pyxform parses it whole, with openpyxl)."""
    return safefiles.limits().tighter(uncompressed=32 * 1024 * 1024, cells=500_000)


def _raw_rows(data: bytes) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The survey sheet's rows (with their Excel row number) and the settings row."""
    name = "Le questionnaire"
    try:  # bounded: a zip bomb or a giant grid is refused before it is parsed (pyxform reads it again)
        workbook = safefiles.open_workbook(name, data, form_limits())
    except safefiles.FileRefused as exc:
        raise XLSFormError([exc.message]) from exc
    sheets = {name.strip().lower(): name for name in workbook.sheet_names}
    if "survey" not in sheets:
        raise XLSFormError(["La feuille « survey » est absente : un XLSForm a les feuilles survey, choices "
                            "et settings."])

    def rows_of(key):
        try:
            rows = safefiles.sheet_rows(name, workbook, sheets[key], form_limits(), skip_empty_area=False)
        except safefiles.FileRefused as exc:
            raise XLSFormError([exc.message]) from exc
        if not rows:
            return []
        header = [str(h).strip() if h not in (None, "") else "" for h in rows[0]]
        out = []
        for number, row in enumerate(rows[1:], start=2):
            record = {h: _cell(v) for h, v in zip(header, row, strict=False) if h}
            if any(v not in (None, "") for v in record.values()):
                record["__row__"] = number
                out.append(record)
        return out

    survey = rows_of("survey")
    settings_rows = rows_of("settings") if "settings" in sheets else []
    settings = settings_rows[0] if settings_rows else {}
    return survey, {k: str(v) for k, v in settings.items() if v not in (None, "") and k != "__row__"}


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def _column(record: dict[str, Any], name: str) -> str:
    for key, value in record.items():
        if key == name or key.startswith(f"{name}::"):
            if value not in (None, ""):
                if name in ("label", "hint", "constraint_message", "constraint message") \
                        and "::" in key and not _FRENCH_LANG.search(key.split("::", 1)[1]):
                    continue
                return str(value).strip()
    if name in ("label", "hint"):  # no French column: the first language given
        for key, value in record.items():
            if key.startswith(f"{name}::") and value not in (None, ""):
                return str(value).strip()
    return ""


@functools.lru_cache(maxsize=1)
def _pyxform_types() -> frozenset[str]:
    from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

    return frozenset(t.lower() for t in QUESTION_TYPE_DICT)


def _base_type(raw_type: str) -> str:
    low = " ".join(raw_type.lower().split())
    for prefix in ("select one external", "select one", "select all that apply", "select_one_from_file",
                   "select_multiple_from_file"):
        if low.startswith(prefix):
            return prefix
    known = _pyxform_types()
    if low in known or low in GROUP_TYPES:
        return low
    return low.split()[0]


def _smart_quotes(text: str) -> str:
    """Word processors turn quotes into typographic ones; pyxform accepts them, so do we."""
    return text.replace("\u2018", "'").replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')


def _check_rows(rows: list[dict[str, Any]]) -> list[str]:
    """Our own checks: supported types, relevant and constraint expressions."""
    messages = []
    names = {_column(r, "name") for r in rows if _column(r, "name")}
    for record in rows:
        row = record["__row__"]
        raw_type = _column(record, "type")
        if not raw_type:
            if _column(record, "name") or _column(record, "label"):
                messages.append(f"Ligne {row} : le type de la question est vide (colonne type).")
            continue
        base = _base_type(raw_type)
        if base not in SUPPORTED_TYPES and base not in GROUP_TYPES and base not in META_TYPES \
                and base not in _pyxform_types():
            messages.append(f"Ligne {row} : le type « {raw_type} » est inconnu ; types acceptés : "
                            "select_one, select_multiple, integer, decimal, text, date, note, begin_group, "
                            "end_group, calculate.")
        if SUPPORTED_TYPES.get(base) in ("select_one", "select_multiple") and len(raw_type.split()) < 2 \
                and base in ("select_one", "select_multiple"):
            messages.append(f"Ligne {row} : le type « {raw_type} » doit être suivi du nom de sa liste de choix "
                            f"(par exemple « {base} oui_non »).")
        for column, what in (("relevant", "condition d'affichage (relevant)"),
                             ("constraint", "contrainte (constraint)")):
            text = _smart_quotes(_column(record, column))
            if not text:
                continue
            try:
                tree = expressions.parse(text)
            except expressions.ExpressionError as exc:
                messages.append(f"Ligne {row} : {what} « {text} » illisible : {exc}.")
                continue
            for ref in sorted(expressions.references(tree) - names):
                messages.append(f"Ligne {row} : {what} « {text} » cite la question « {ref} », "
                                "qui n'existe pas dans la feuille « survey ».")
    return messages


def _walk(children, group_path: str, group_label: str, out: list[Question], rows_by_name: dict[str, int],
          raw_by_name: dict[str, dict]) -> None:
    for child in children:
        ctype = child.get("type", "")
        name = child.get("name", "")
        if ctype in ("group", "repeat"):
            if name == "meta" and child.get("control", {}).get("bodyless"):
                continue
            path = f"{group_path}/{name}" if group_path else name
            _walk(child.get("children", []), path, _label(child.get("label")) or group_label, out, rows_by_name,
                  raw_by_name)
            continue
        our_type = SUPPORTED_TYPES.get(ctype)
        if our_type is None:
            continue  # metadata collected by the device
        bind = child.get("bind", {}) or {}
        raw = raw_by_name.get(name, {})
        required = str(bind.get("required", "")).strip().lower() in ("yes", "true", "true()", "1", "oui")
        choices = [(str(c.get("name")), _label(c.get("label")) or str(c.get("name")))
                   for c in child.get("choices", []) or []]
        out.append(Question(
            name=name, type=our_type, label=_label(child.get("label")) or name, hint=_label(child.get("hint")),
            required=required,
            relevant=_smart_quotes(_column(raw, "relevant") or str(bind.get("relevant", "") or "")),
            constraint=_smart_quotes(_column(raw, "constraint") or str(bind.get("constraint", "") or "")),
            constraint_message=_label(bind.get("jr:constraintMsg")) or _column(raw, "constraint_message"),
            choices=choices, group=group_path, group_label=group_label, row=rows_by_name.get(name, 0)))


def read_xlsform(data: bytes | Path | str, filename: str = "") -> ParsedForm:
    """Parse and check an XLSForm; raises :class:`XLSFormError` (French messages with rows)."""
    if isinstance(data, (str, Path)):
        path = Path(data)
        filename = filename or path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise XLSFormError([f"Le fichier {path} est illisible ({exc.strerror or exc})."]) from exc
    stem = Path(filename or "questionnaire.xlsx").stem
    rows, settings = _raw_rows(data)  # bounded reading first: pyxform parses the whole workbook
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import parse_file_to_json

    messages = _check_rows(rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{re.sub(r'[^A-Za-z0-9_-]', '_', stem) or 'questionnaire'}.xlsx"
        path.write_bytes(data)
        try:
            parsed = parse_file_to_json(str(path), warnings=[])
        except PyXFormError as exc:
            messages.append(translate_pyxform(str(exc)))
            raise XLSFormError(messages) from exc
        except Exception as exc:  # noqa: BLE001 - pyxform raises various errors on broken sheets
            messages.append(f"Questionnaire non valide : {translate_pyxform(str(exc))}")
            raise XLSFormError(messages) from exc
    if messages:
        raise XLSFormError(messages)
    rows_by_name = {_column(r, "name"): r["__row__"] for r in rows if _column(r, "name")}
    raw_by_name = {_column(r, "name"): r for r in rows if _column(r, "name")}
    questions: list[Question] = []
    _walk(parsed.get("children", []), "", "", questions, rows_by_name, raw_by_name)
    form_id = (settings.get("form_id") or settings.get("id_string") or stem).strip()
    title = (settings.get("form_title") or parsed.get("title") or form_id).strip()
    version = str(settings.get("version") or parsed.get("version") or "").strip()
    return ParsedForm(form_id=form_id, title=title, version=version, questions=questions,
                      language=str(parsed.get("default_language", "")))


def questions_from_definition(definition: dict[str, Any]) -> list[Question]:
    out = []
    for q in definition.get("questions", []):
        data = dict(q)
        data["choices"] = [tuple(c) for c in data.get("choices", [])]
        out.append(Question(**data))
    return out


# ------------------------------------------------------------------------ writing


def write_xlsform(form_id: str, title: str, version: str, survey: list[dict[str, str]],
                  choices: list[dict[str, str]]) -> bytes:
    """An XLSX XLSForm from rows (our built-in questionnaires are written this way)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    columns = ["type", "name", "label::Français (fr)", "hint::Français (fr)", "required", "relevant",
               "constraint", "constraint_message::Français (fr)"]
    sheet.append(columns)
    for row in survey:
        sheet.append([row.get(c.split("::")[0], "") for c in columns])
    choice_sheet = workbook.create_sheet("choices")
    choice_sheet.append(["list_name", "name", "label::Français (fr)"])
    for row in choices:
        choice_sheet.append([row["list_name"], row["name"], row["label"]])
    settings = workbook.create_sheet("settings")
    settings.append(["form_id", "form_title", "version", "default_language"])
    settings.append([form_id, title, version, "Français (fr)"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
