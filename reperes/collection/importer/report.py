"""The report of an import run: the contract's JSON object, and its French summary.

Shape (format-echange.md, « What an import run does »), plus three extensions:
``ignored_sheets`` (workbook sheets that are no table), ``ignored_files``
(files of a folder that are no table) and ``errors_omitted``: only the first
``MAX_ERRORS`` errors are listed (in table order, then line order), so that a
file of a million bad rows does not make a giant report; ``errors_omitted``
counts the others (0 when every error is listed). The per-table ``rejected``
counts are always exact.
"""

from __future__ import annotations

import polars as pl

from reperes.privacy import MASKED
from reperes.referentiel import TABLES

from . import parsers
from .parsers import fmt_count
from .readers import LINE, Source, normalise_header
from .validate import COLUMN, MESSAGE, PSEUDONYMISED, REQUIRED_MESSAGE, VALUE, Checked

OK = "ok"
PARTIAL = "partial"
REFUSED = "refused"

EXIT_STATUS = {OK: 0, PARTIAL: 3, REFUSED: 2}

# Errors listed in a report (and stored in ImportRun.report); the rest are counted in ``errors_omitted``.
MAX_ERRORS = 10_000


def masked(errors: pl.DataFrame) -> pl.DataFrame:
    """Values of identifiers and NIR-like values become ``[masqué]``: the line locates the row."""
    hide = pl.col(COLUMN).is_in(list(PSEUDONYMISED)) | pl.col(VALUE).str.contains(parsers.NIR_REGEX).fill_null(False)
    return errors.with_columns(pl.when(hide & pl.col(VALUE).is_not_null()).then(pl.lit(MASKED))
                               .otherwise(pl.col(VALUE)).alias(VALUE))


def table_counts(checked: dict[str, Checked]) -> dict[str, dict[str, int]]:
    return {name: {"read": c.read, "accepted": c.accepted, "rejected": c.rejected, "skipped": c.skipped}
            for name, c in checked.items()}


def error_count(checked: dict[str, Checked]) -> int:
    return sum(c.errors.height for c in checked.values())


def user_message(column: str | None, message: str, header: str | None) -> str:
    """The message naming the user's header first when it is not the exchange column's name:
    « Civilité candidat (sexe) : valeur obligatoire manquante. »"""
    if not column or not header or normalise_header(header) == column or message.startswith(f"{header} ("):
        return message
    if message == REQUIRED_MESSAGE.format(column=column):
        return f"{header} ({column}) : valeur obligatoire manquante."
    return f"{header} ({column}) : {message[:1].lower()}{message[1:]}"


def error_entries(checked: dict[str, Checked], limit: int | None = None,
                  headers: dict[str, dict[str, str]] | None = None) -> list[dict]:
    """The errors, table by table, in line order then column order (the first ``limit`` only).

    ``headers`` (table → exchange column → header written by the user): messages name that header first.
    """
    headers = headers or {}
    entries: list[dict] = []
    for name, c in checked.items():
        room = None if limit is None else limit - len(entries)
        if not c.errors.height or room == 0:
            continue
        order = {col.name: i for i, col in enumerate(TABLES[name].columns)}
        frame = (c.errors.with_columns(pl.col(COLUMN).replace_strict(order, default=len(order)).alias("__order"))
                 .sort([LINE, "__order"], maintain_order=True))
        if room is not None:
            frame = frame.head(room)
        found = masked(frame).select(pl.lit(name).alias("table"), pl.col(LINE).alias("line"), COLUMN,
                                     VALUE, MESSAGE).to_dicts()
        named = headers.get(name, {})
        for entry in found:
            entry["message"] = user_message(entry["column"], entry["message"], named.get(entry["column"]))
        entries.extend(found)
    return entries


def build(status: str, stored: bool, checked: dict[str, Checked], source: Source | None,
          errors: list[dict] | None = None) -> dict:
    ignored_columns = [col for raw in (source.tables.values() if source else []) for col in raw.ignored_columns]
    if errors is None:
        errors = error_entries(checked, MAX_ERRORS,
                               {n: raw.headers for n, raw in source.tables.items()} if source else None)
        omitted = error_count(checked) - len(errors)
    else:
        omitted = 0
    return {
        "status": status,
        "stored": stored,
        "tables": table_counts(checked),
        "errors": errors,
        "ignored_columns": ignored_columns,
        "ignored_sheets": list(source.ignored_sheets) if source else [],
        "ignored_files": list(source.ignored_files) if source else [],
        "errors_omitted": omitted,
    }


def refused(errors: list[dict], source: Source | None = None) -> dict:
    """The report of an unusable input: nothing read, nothing stored."""
    report = build(REFUSED, False, {}, source, errors=errors)
    if source is not None:
        report["tables"] = {name: {"read": raw.read, "accepted": 0, "rejected": 0, "skipped": raw.skipped}
                            for name, raw in source.tables.items()}
    return report


def summary(report: dict, *, source_name: str, mode_note: str = "", max_errors: int = 10,
            run_id: int | None = None) -> list[str]:
    """A readable French summary (for the command line)."""
    lines: list[str] = []
    status = report["status"]
    if status == REFUSED:
        lines.append(f"Import de « {source_name} » refusé : rien n'a été enregistré.")
    else:
        accepted = sum(t["accepted"] for t in report["tables"].values())
        rejected = sum(t["rejected"] for t in report["tables"].values())
        lines.append(f"Import de « {source_name} » : {fmt_count(accepted)} ligne(s) acceptée(s), "
                     f"{fmt_count(rejected)} rejetée(s).")
    for name, counts in report["tables"].items():
        read, accepted, rejected, skipped = (fmt_count(counts[k]) for k in ("read", "accepted", "rejected",
                                                                              "skipped"))
        lines.append(f"  {name} : {read} lue(s), {accepted} acceptée(s), {rejected} rejetée(s), "
                     f"{skipped} ignorée(s) (commentaires)")
    profile = report.get("profile") or {}
    for note in profile.get("notes", []):
        lines.append(f"  Approximation du profil : {note}")
    for filled in profile.get("filled_by_default", []):
        lines.append(f"  Rempli par défaut : {filled['table']} {filled['column']} = {filled['value']} "
                     f"({fmt_count(filled['rows'])} ligne(s) : le fichier ne donne pas cette information).")
    for col in report["ignored_columns"]:
        lines.append(f"  Colonne ignorée : {col['table']} « {col['column']} » ({col['reason']}).")
    for sheet in report.get("ignored_sheets", []):
        lines.append(f"  Feuille ignorée : « {sheet['sheet']} » ({sheet['reason']}).")
    for file in report.get("ignored_files", []):
        lines.append(f"  Fichier ignoré : « {file['file']} » ({file['reason']}).")
    errors = report["errors"]
    omitted = int(report.get("errors_omitted", 0) or 0)
    total = len(errors) + omitted
    if errors:
        lines.append("Erreurs :" if total <= max_errors else f"Premières erreurs ({max_errors} sur "
                                                               f"{fmt_count(total)}) :")
        for e in errors[:max_errors]:
            where = ", ".join(p for p in (e["table"], f"ligne {e['line']}" if e["line"] else None,
                                          e["column"]) if p)
            value = f" « {e['value']} »" if e.get("value") not in (None, "") else ""
            lines.append(f"  - {where}{value} : {e['message']}" if where else f"  - {e['message']}")
        if total > max_errors:
            where = f"la page de l'import n° {run_id} dans l'application, ou " if run_id else ""
            listed = "la liste complète" if not omitted else f"les {fmt_count(len(errors))} premières"
            lines.append(f"  … et {fmt_count(total - max_errors)} autre(s) : voir {where}relancer avec "
                         f"--json pour {listed}.")
        if omitted:
            lines.append(f"  Le rapport ne détaille que les {fmt_count(len(errors))} premières erreurs ; "
                         f"{fmt_count(omitted)} autre(s) ne sont que comptée(s) (errors_omitted).")
    if status != REFUSED:
        if report["stored"]:
            lines.append("Données enregistrées." + (f" {mode_note}" if mode_note else ""))
        else:
            lines.append(f"Rien n'a été enregistré. {mode_note}".rstrip())
    return lines
