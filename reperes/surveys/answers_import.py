"""Import answers collected elsewhere: KoboToolbox (CSV/XLSX), ODK Central (ZIP of CSV), LimeSurvey (CSV).

Each column is matched to a question of the questionnaire: by its XML name
(group paths ``groupe/question`` or ``groupe-question`` allowed), by its label,
by a ``--mapping`` file (``colonne,question`` CSV or a JSON object), or, for
LimeSurvey codes that cannot hold ``_``, by the name without its underscores.
A choix multiple comes as one column (names or labels separated by spaces) or
as one 0/1 column per choice (``question/choix``, ``Q1[SQ001]``).

The run is one transaction; answers are keyed on their submission id, so
re-importing the same export adds nothing. The report has the shape of every
importer of Repères (format-echange.md, « What an import run does »), with the
table ``reponses``; exit status 0 (all accepted), 3 (rows rejected), 2 (unusable
file, or answers of another questionnaire: nothing stored).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from reperes import reading, safefiles
from reperes.referentiel.enquetes import AUDIENCES

from .models import FormVersion, Response
from .services import clean_answers
from .xlsform import Question

TABLE = "reponses"
META_COLUMNS = {
    "_id", "_uuid", "_submission_time", "_index", "_validation_status", "_notes", "_status", "_submitted_by",
    "__version__", "_tags", "_parent_index", "_parent_table_name", "_xform_id_string", "_attachments", "_geolocation",
    "_version_", "_version__001", "submissiondate", "key", "meta-instanceid", "meta/instanceid", "instanceid",
    "meta-instancename", "submitterid", "submittername", "attachmentspresent", "attachmentsexpected", "status",
    "reviewstate", "deviceid", "edits", "formversion", "start", "end", "today", "username", "simserial",
    "subscriberid", "phonenumber", "id", "submitdate", "lastpage", "startlanguage", "seed", "startdate",
    "datestamp", "token", "refurl", "ipaddr", "meta/rootuuid", "meta-rootuuid", "meta/deprecatedid",
    "interviewtime", "audience", "public",
}
ID_COLUMNS = ("_uuid", "meta/instanceid", "meta-instanceid", "instanceid", "key", "_id", "id")
TRUE_VALUES = {"1", "1.0", "true", "vrai", "y", "yes", "oui", "x"}


class AnswersFileError(ValueError):
    """The file cannot be used (French message)."""


@dataclass
class ImportReport:
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    ignored: list[dict[str, Any]] = field(default_factory=list)
    refused: bool = False
    stored: bool = False

    @property
    def status(self) -> str:
        if self.refused:
            return "refused"
        return "partial" if self.rejected else "ok"

    @property
    def exit_status(self) -> int:
        return 2 if self.refused else (3 if self.rejected else 0)

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, "stored": self.stored,
                "tables": {TABLE: {"read": self.read, "accepted": self.accepted, "rejected": self.rejected,
                                   "skipped": self.skipped}},
                "errors": self.errors, "ignored_columns": self.ignored}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text).strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text)


# ---------------------------------------------------------------------------- reading


def _decode(data: bytes) -> str:
    try:
        return reading.decode(data)
    except reading.Undecodable as exc:
        raise AnswersFileError("Le fichier n'est ni en UTF-8 ni en Windows-1252.") from exc


def _read_csv(data: bytes, name: str = "Le fichier") -> list[list[str]]:
    if b"\0" in data[:8192]:
        raise AnswersFileError(safefiles.unreadable(name))  # binary: no export of a collection tool
    text = _decode(data)
    delimiter = reading.guess_delimiter(text, reading.COMMA_FIRST)
    first = reading.first_line(text)
    try:
        safefiles.check_width(name, first.count(delimiter) + 1, safefiles.limits().tighter(columns=5000))
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(c.strip() for c in row)]
    except safefiles.FileRefused as exc:
        raise AnswersFileError(exc.message) from exc
    except csv.Error as exc:
        raise AnswersFileError(safefiles.unreadable(name)) from exc


def _read_xlsx(data: bytes, name: str = "Le classeur") -> list[list[str]]:
    try:  # bounded: a zip bomb or a giant grid is refused before it is parsed
        values = reading.workbook_grids(name, data, sheets=[0], skip_empty_area=False, check_width=False)[0]
    except safefiles.FileRefused as exc:
        raise AnswersFileError(exc.message) from exc
    rows = []
    for row in values:
        cells = [cell or "" for cell in row]
        if any(c.strip() for c in cells):
            rows.append(cells)
    return rows


def read_table(data: bytes, filename: str) -> tuple[list[str], list[list[str]], str]:
    """(headers, rows, detected format) of an export."""
    suffix = Path(filename).suffix.lower()
    kind = "csv"
    name = Path(filename).name or "Le fichier"
    if suffix == ".zip" or data[:2] == b"PK" and suffix not in (".xlsx",):
        try:
            safefiles.check_archive(name, data)
            archive = zipfile.ZipFile(io.BytesIO(data))
            names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            if not names:
                raise AnswersFileError("L'archive ne contient aucun fichier CSV (export ODK Central attendu).")
            main = min(names, key=len)  # ODK Central: form.csv, then form-repeat.csv for each repeat
            content = archive.read(main)
        except safefiles.FileRefused as exc:
            raise AnswersFileError(exc.message) from exc
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise AnswersFileError(safefiles.unreadable(name)) from exc
        rows = _read_csv(content, name)
        kind = "odk"
    elif suffix == ".xlsx":
        rows = _read_xlsx(data, name)
        kind = "xlsx"
    else:
        rows = _read_csv(data, name)
    if not rows:
        raise AnswersFileError(f"« {name} » est vide ou illisible : aucune ligne d’en-têtes ni de réponses.")
    headers = [h.strip() for h in rows[0]]
    folded = {_fold(h) for h in headers}
    if kind != "odk" and {"submitdate", "lastpage", "startlanguage"} & folded:
        kind = "limesurvey"
    elif kind != "odk" and "_uuid" in folded:
        kind = "kobo"
    return headers, rows[1:], kind


def read_mapping(data: bytes, filename: str) -> dict[str, str]:
    """``--mapping``: a JSON object {column: question} or a CSV with columns colonne,question."""
    text = _decode(data).strip()
    if filename.lower().endswith(".json") or text.startswith("{"):
        try:
            mapping = json.loads(text)
        except json.JSONDecodeError as exc:
            raise AnswersFileError(f"Le fichier de correspondance JSON est illisible (ligne {exc.lineno}).") from exc
        if not isinstance(mapping, dict):
            raise AnswersFileError("Le fichier de correspondance JSON doit être un objet {\"colonne\": \"question\"}.")
        return {str(k).strip(): str(v).strip() for k, v in mapping.items()}
    rows = _read_csv(data)
    if rows and _fold(rows[0][0]) in ("colonne", "column", "code"):
        rows = rows[1:]
    return {r[0].strip(): r[1].strip() for r in rows if len(r) >= 2 and r[0].strip()}


# --------------------------------------------------------------------------- matching


@dataclass
class ColumnMatch:
    index: int
    header: str
    question: Question
    choice: str | None = None  # a 0/1 column of one choice


def _choice_of(question: Question, text: str) -> str | None:
    folded = _fold(text)
    for name, label in question.choices:
        if _fold(name) == folded or _fold(label) == folded:
            return name
    return None


def match_columns(headers: list[str], questions: list[Question], mapping: dict[str, str]
                  ) -> tuple[list[ColumnMatch], list[dict[str, str]], list[str]]:
    """(matches, ignored meta columns, unmatched columns)."""
    asked = [q for q in questions if q.asked]
    by_name = {q.name: q for q in asked}
    by_fold_name = {_fold(q.name): q for q in asked}
    by_compact = {_fold(q.name).replace("_", "").replace("-", ""): q for q in asked}
    by_label = {}
    for q in asked:
        by_label.setdefault(_fold(q.label), q)

    def find(text: str) -> Question | None:
        folded = _fold(text)
        return (by_name.get(text) or by_fold_name.get(folded) or by_label.get(folded)
                or by_compact.get(folded.replace("_", "").replace("-", "")))

    matches, ignored, unmatched = [], [], []
    for index, header in enumerate(headers):
        if not header:
            continue
        if header in mapping:
            target = mapping[header]
            name, _, choice = target.partition("/") if "/" in target else target.partition(" ")
            question = by_name.get(name.strip())
            if question is None:
                unmatched.append(header)
                continue
            matches.append(ColumnMatch(index, header, question,
                                       _choice_of(question, choice) if choice.strip() else None))
            continue
        if header in by_name:
            matches.append(ColumnMatch(index, header, by_name[header]))
            continue
        if _fold(header) in META_COLUMNS or header.startswith("_") or _fold(header).startswith("meta"):
            ignored.append({"table": TABLE, "column": header, "reason": "métadonnée de l'outil de collecte"})
            continue
        question = find(header)
        if question is not None:
            matches.append(ColumnMatch(index, header, question))
            continue
        # group paths, 0/1 columns of a choix multiple, LimeSurvey sub-questions
        lime = re.match(r"^(.+)\[(.+)\]$", header)
        parts = [lime.group(1), lime.group(2)] if lime else [p for p in re.split(r"[/]", header) if p]
        found = None
        if len(parts) >= 2:
            question = find(parts[-1])
            if question is not None:
                found = ColumnMatch(index, header, question)
            else:
                parent = find(parts[-2])
                if parent is not None and parent.type == "select_multiple":
                    choice = _choice_of(parent, parts[-1])
                    if choice is not None:
                        found = ColumnMatch(index, header, parent, choice)
        if found is None and "-" in header and not lime:  # ODK Central: group-question
            pieces = header.split("-")
            for cut in range(1, len(pieces)):
                question = find("-".join(pieces[cut:]))
                if question is not None:
                    found = ColumnMatch(index, header, question)
                    break
        if found is not None:
            matches.append(found)
        else:
            unmatched.append(header)
    return matches, ignored, unmatched


def _value(question: Question, text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    if question.type == "select_one":
        return _choice_of(question, text) or text
    if question.type == "select_multiple":
        tokens = text.split()
        names = {c[0] for c in question.choices}
        if all(t in names for t in tokens):
            return tokens
        out = []
        for piece in re.split(r"[;,|\n]", text):
            if piece.strip():
                out.append(_choice_of(question, piece) or piece.strip())
        return out
    return text


# ---------------------------------------------------------------------------- running


def import_answers(form_version: FormVersion, data: bytes, filename: str, *, mapping: dict[str, str] | None = None,
                   audience: str = "", dry_run: bool = False) -> ImportReport:
    report = ImportReport()
    try:
        headers, rows, kind = read_table(data, filename)
    except AnswersFileError as exc:
        report.refused = True
        report.errors.append({"table": TABLE, "line": None, "column": None, "value": None, "message": str(exc)})
        return report
    questions = form_version.questions()
    matches, ignored, unmatched = match_columns(headers, questions, mapping or {})
    report.ignored = ignored
    question_columns = len(matches) + len(unmatched)
    if not matches or len(matches) < len(unmatched):
        report.refused = True
        shown = ", ".join(f"« {h} »" for h in unmatched[:15]) + (" …" if len(unmatched) > 15 else "")
        report.errors.append({
            "table": TABLE, "line": None, "column": None, "value": None,
            "message": (f"Ces réponses ne correspondent pas au questionnaire « {form_version.form.form_id} » : "
                        f"{len(matches)} colonne(s) sur {question_columns} reconnue(s). Colonnes sans question : "
                        f"{shown or 'aucune'}. Vérifiez le questionnaire choisi, ou donnez une correspondance "
                        "(--mapping colonne,question).")})
        return report
    for header in unmatched:
        report.ignored.append({"table": TABLE, "column": header, "reason": "aucune question du questionnaire"})
    folded_headers = [_fold(h) for h in headers]
    id_index = next((folded_headers.index(c) for c in ID_COLUMNS if c in folded_headers), None)
    audience_index = next((folded_headers.index(c) for c in ("audience", "public") if c in folded_headers), None)
    audience_by_label = {_fold(v): k for k, v in AUDIENCES.items()} | {k: k for k in AUDIENCES}
    form = form_version.form
    known = set(Response.objects.filter(form_version__form=form).exclude(submission_id="")
                .values_list("submission_id", flat=True))
    to_store: list[Response] = []
    for line, row in enumerate(rows, start=2):
        report.read += 1
        row = row + [""] * (len(headers) - len(row))
        submission = row[id_index].strip() if id_index is not None else ""
        if submission:
            submission = f"{kind}:{submission}"
            if submission in known:
                report.skipped += 1
                continue
        raw: dict[str, Any] = {}
        for match in matches:
            cell = row[match.index]
            if match.choice is not None:
                if _fold(cell) in TRUE_VALUES:
                    raw.setdefault(match.question.name, []).append(match.choice)
                continue
            value = _value(match.question, cell)
            if value is not None:
                raw[match.question.name] = value
        answers, errors = clean_answers(questions, raw, enforce_required=False)
        if errors:
            report.rejected += 1
            for name, message in errors.items():
                column = next((m.header for m in matches if m.question.name == name), name)
                value = raw.get(name)
                report.errors.append({"table": TABLE, "line": line, "column": column,
                                      "value": " ".join(value) if isinstance(value, list) else value,
                                      "message": message})
            continue
        row_audience = audience or (answers.get("public") if answers.get("public") in AUDIENCES else "")
        if audience_index is not None and row[audience_index].strip():
            row_audience = audience_by_label.get(_fold(row[audience_index]), audience)
        report.accepted += 1
        if submission:
            known.add(submission)
        to_store.append(Response(form_version=form_version, audience=row_audience, source="import",
                                 submission_id=submission, answers=answers))
    if not dry_run and to_store:
        with transaction.atomic():
            Response.objects.bulk_create(to_store)
        report.stored = True
    return report


def propose_mapping(headers: list[str], questions: list[Question], *, min_score: float = 60.0) -> dict[str, str]:
    """A question for each column that matched none (rapidfuzz on names and labels), to confirm in the app."""
    from rapidfuzz import fuzz, process

    asked = [q for q in questions if q.asked]
    matches, _, unmatched = match_columns(headers, questions, {})
    taken = {m.question.name for m in matches}
    candidates = {}
    for q in asked:
        if q.name in taken:
            continue
        candidates[_fold(q.name).replace("_", " ")] = q.name
        candidates[_fold(q.label)] = q.name
    proposals = {}
    for header in unmatched:
        if not candidates:
            break
        best = process.extractOne(_fold(header).replace("_", " "), list(candidates), scorer=fuzz.WRatio)
        if best and best[1] >= min_score:
            proposals[header] = candidates[best[0]]
    return proposals
