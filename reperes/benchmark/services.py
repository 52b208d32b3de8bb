"""The benchmark's services: import a sheet, compute this PLIE's own sheet, compare, resolve a value.

Everything partner-facing about this PLIE (its own sheet, its values on the
« Comparer » page) goes through :func:`_protect`, the one place where this app
calls the disclosure engine.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from . import indicators as ind
from .indicators import BY_ID, COLUMNS, NATIONAL_PLIE, SUPPRESSED_MARK
from .sheets import NB, ParsedSheet, Rejection, SheetRow, UnreadableSheet, as_number, parse, q

BUNDLED_NATIONAL = Path(__file__).parent / "data" / "ensemble-des-plie.csv"
OWN_SOURCE = "{plie}, calcul Repères sur les données de suivi des parcours"
ORGANISATION_SOURCE = "{plie}, paramètres de l’organisation saisis dans Repères"


# --------------------------------------------------------------------------- disclosure (one place)


def _protect(data, annee: int, seuil: int) -> dict:
    """The year's partner figures: the one call of the disclosure engine here. The sheet reads the year's one
    protected publication, the one the partner report and « reperes indicators --diffusion » show, so that
    sending the sheet with them reveals nothing more (docs/secret-statistique.md).

    Hidden values are ``None`` and their paths are listed in ``"secret"``.
    """
    from reperes.analytics.period_publication import build

    return build(data, dt.date(annee, 1, 1), dt.date(annee, 12, 31), seuil).payload(True)


# --------------------------------------------------------------------------- import


@dataclass
class ImportOutcome:
    importees: int = 0
    remplacees: int = 0
    rejetees: list[Rejection] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # « PLIE, année, indicateur » whose value changed
    unreadable: str = ""
    sheet_import_id: int | None = None
    unchanged: bool = False

    @property
    def exit_status(self) -> int:
        if self.unreadable or not self.importees:
            return 2
        return 3 if self.rejetees else 0

    def report(self) -> dict:
        rejetees = [r.as_dict() for r in self.rejetees]
        if self.unreadable:
            rejetees = [{"ligne": 1, "message": self.unreadable}, *rejetees]
        return {"importees": self.importees, "remplacees": self.remplacees, "rejetees": rejetees}


def _stored_content(value) -> tuple:
    return (value.indicateur, value.nombre, value.texte, value.secret, value.source, value.date_source,
            value.definition, value.note)


def import_sheet(path: Path, *, name: str | None = None, user=None, strict: bool = False,
                 fictitious: bool = False, request=None) -> ImportOutcome:
    """Import a sheet: valid rows stored (nothing with ``strict`` if a line is rejected), in one transaction.

    A (PLIE, année) already stored is replaced by the file's values when they
    differ; the same file again changes nothing (no new import is logged).
    """
    from reperes.audit.models import Action
    from reperes.audit.trail import record

    from .models import SheetImport, SheetValue

    name = name or path.name
    outcome = ImportOutcome()
    try:
        parsed: ParsedSheet = parse(path, name)
    except UnreadableSheet as exc:
        outcome.unreadable = str(exc)
        return outcome
    outcome.rejetees = parsed.rejections
    if not parsed.rows or (strict and parsed.rejections):
        return outcome
    groups: dict[tuple[str, int], list[SheetRow]] = defaultdict(list)
    for row in parsed.rows:
        groups[(row.plie, row.annee)].append(row)
    with transaction.atomic():
        changed: list[tuple[str, int]] = []
        for (plie, annee), rows in groups.items():
            stored = list(SheetValue.objects.filter(plie=plie, annee=annee))
            if sorted(map(_stored_content, stored), key=repr) == sorted((r.content for r in rows), key=repr):
                continue
            changed.append((plie, annee))
            new = defaultdict(list)
            for r in rows:
                new[r.indicateur].append(r.content)
            old = defaultdict(list)
            for v in stored:
                old[v.indicateur].append(_stored_content(v))
            for indicateur in sorted(old):
                if sorted(old[indicateur], key=repr) != sorted(new.get(indicateur, []), key=repr):
                    outcome.replaced.append(f"{plie}, {annee}, {indicateur}")
                    outcome.remplacees += len(old[indicateur])
        outcome.importees = len(parsed.rows)
        if not changed:
            outcome.unchanged = True
            return outcome
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        sheet = SheetImport.objects.create(
            user=user, user_email=getattr(user, "email", "") or "", file_name=name[:300], sha256=digest,
            fictitious=fictitious,
            summary={**outcome.report(), "remplacees_detail": outcome.replaced,
                     "plie": sorted({p for p, _ in changed})})
        for plie, annee in changed:
            SheetValue.objects.filter(plie=plie, annee=annee).delete()
        SheetValue.objects.bulk_create([
            SheetValue(sheet_import=sheet, line=r.line, plie=r.plie, annee=r.annee, indicateur=r.indicateur,
                       nombre=r.nombre, texte=r.texte, secret=r.secret, source=r.source[:500],
                       date_source=r.date_source, definition=r.definition, note=r.note)
            for key in changed for r in groups[key]])
        SheetImport.objects.filter(values__isnull=True).exclude(pk=sheet.pk).delete()  # fully replaced
        outcome.sheet_import_id = sheet.pk
        record(Action.IMPORT, user=user, request=request, target=f"fiche PLIE : {name}"[:300],
               importees=outcome.importees, remplacees=outcome.remplacees, rejetees=len(outcome.rejetees))
    return outcome


def remove_import(pk: int, *, user=None, request=None) -> str:
    """Delete an imported sheet and its values; returns its file name."""
    from reperes.audit.models import Action
    from reperes.audit.trail import record

    from .models import SheetImport

    with transaction.atomic():
        sheet = SheetImport.objects.get(pk=pk)
        name = sheet.file_name
        count = sheet.values.count()
        sheet.delete()
        record(Action.DATA_DELETED, user=user, request=request, target=f"fiche PLIE : {name}"[:300],
               valeurs=count)
    return name


# --------------------------------------------------------------------------- own sheet


def _dataset():
    from reperes.analyses.services import data_version, dataset

    return dataset(data_version())


def latest_data_date(data) -> dt.date | None:
    from reperes.analytics.periods import latest_date

    return latest_date(data)


def default_year(data=None) -> int:
    """The last calendar year that ends before the latest date in the data (:func:`reperes.analytics.periods.
    base_year`, the rule of the protocol's base year too); without data, last year."""
    from reperes.analytics.periods import base_year

    year = base_year(data if data is not None else _dataset())
    return dt.date.today().year - 1 if year is None else year


def own_years(data=None) -> list[int]:
    """Calendar years this PLIE's data cover, up to :func:`default_year`."""
    data = data if data is not None else _dataset()
    last = default_year(data)
    first_entry = data.participants["date_entree"].min() if data.participants.height else None
    first = first_entry.year if first_entry is not None else last
    return list(range(min(first, last), last + 1))


def _source_date(data) -> str:
    from reperes.collection.models import ImportRun

    run = ImportRun.objects.filter(stored=True).order_by("-created_at").first()
    if run is not None:
        return run.created_at.date().isoformat()
    latest = latest_data_date(data)
    return (latest or dt.date.today()).isoformat()


_SHEETS: dict[tuple, list[dict]] = {}


def own_sheet(annee: int | None = None) -> list[dict]:
    """This PLIE's sheet for a year: computed values (disclosure applied) and organisation values.

    Each row: ``plie, annee, indicateur, valeur, secret, source, date_source,
    definition, note``; a suppressed value is ``None`` with ``secret`` true.
    Kept per data version, year and settings (a page asks for several years).
    """
    from reperes.analyses.services import data_version
    from reperes.configuration.models import Installation

    from .models import Organisation

    installation = Installation.get()
    org = Organisation.get()
    version = data_version()
    data = _dataset()
    annee = annee or default_year(data)
    key = (version, annee, installation.seuil, installation.plie_name, org.updated_at)
    if key not in _SHEETS:
        if len(_SHEETS) > 64:
            _SHEETS.clear()
        _SHEETS[key] = _own_sheet(installation, org, data, annee)
    return [dict(row) for row in _SHEETS[key]]


def _own_sheet(installation, org, data, annee: int) -> list[dict]:
    plie = installation.plie_name
    protected = _protect(data, annee, installation.seuil)
    secret_paths = set(protected.get("secret") or ())
    values = protected["indicateurs"]
    source = OWN_SOURCE.format(plie=plie)
    date_source = _source_date(data)
    rows: list[dict] = []

    def add(indicateur, valeur, secret=False, *, src=source, date=date_source, note=""):
        if valeur is None and not secret:
            return
        rows.append({"plie": plie, "annee": annee, "indicateur": indicateur,
                     "valeur": None if secret else as_number(indicateur, valeur) if not isinstance(valeur, str)
                     else valeur, "secret": secret, "source": src, "date_source": date, "definition": "",
                     "note": note})

    for sheet_indicator in ind.INDICATORS:
        if sheet_indicator.id in values:
            path = f"indicateurs.{sheet_indicator.id}"
            add(sheet_indicator.id, values[sheet_indicator.id], path in secret_paths)
    if data.communes.height:
        add("population_territoire", int(data.communes["population"].fill_null(0).sum()),
            src="INSEE, population municipale (référentiel des communes embarqué dans Repères)",
            date=str(annee))
        add("nombre_epci", int(data.communes["epci"].drop_nulls().n_unique()),
            src="Territoire du PLIE défini dans Repères (référentiel des communes)", date=str(annee))
    org_source = org.source or ORGANISATION_SOURCE.format(plie=plie)
    org_date = org.updated_at.date().isoformat() if org.updated_at else date_source
    acc = values.get("participants_accompagnes")
    acc_secret = "indicateurs.participants_accompagnes" in secret_paths
    for indicateur, value in (("structure_porteuse", org.structure_porteuse), ("gouvernance", org.gouvernance),
                              ("referents_etp", org.referents_etp), ("budget_total_euros", org.budget_total_euros),
                              ("part_fse", None if org.part_fse_pourcent is None else org.part_fse_pourcent / 100)):
        add(indicateur, value if value != "" else None, src=org_source, date=org_date)
    if org.referents_etp:
        add("participants_par_referent", None if acc_secret or acc is None else acc / org.referents_etp,
            acc_secret, note="participants accompagnés ÷ référents (ETP)")
    if org.budget_total_euros is not None and (acc_secret or acc):
        add("cout_par_participant_euros", None if acc_secret else org.budget_total_euros / acc, acc_secret,
            note="budget ÷ participants accompagnés")
    for practice in org.practices():
        add("pratique_remarquable", practice, src=org_source, date=org_date)
    return rows


def sheet_csv(rows: list[dict]) -> bytes:
    """The contract's export: UTF-8 with BOM, ``;`` separator, the columns of the format, ``s`` when suppressed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        value = row["valeur"]
        if row["secret"]:
            text = SUPPRESSED_MARK
        elif isinstance(value, float):
            text = repr(value)
        else:
            text = str(value)
        writer.writerow([row["plie"], row["annee"], row["indicateur"], text, row["source"], row["date_source"],
                         row.get("definition", ""), row.get("note", "")])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_sheet(out: Path, annee: int | None = None) -> list[dict]:
    rows = own_sheet(annee)
    out.write_bytes(sheet_csv(rows))
    return rows


# --------------------------------------------------------------------------- compare


def _stored_rows(indicateur: str | None = None, annee: int | None = None) -> list[dict]:
    from .models import SheetValue

    values = SheetValue.objects.select_related("sheet_import")
    if indicateur:
        values = values.filter(indicateur=indicateur)
    if annee:
        values = values.filter(annee=annee)
    return [{"plie": v.plie, "annee": v.annee, "indicateur": v.indicateur,
             "valeur": None if v.secret else (v.texte or as_number(v.indicateur, v.nombre)),
             "secret": v.secret, "source": v.source, "date_source": v.date_source, "definition": v.definition,
             "note": v.note, "fictif": v.sheet_import.fictitious} for v in values]


def national_rows(indicateur: str | None = None, annee: int | None = None) -> list[dict]:
    """The bundled national series (Alliance Villes Emploi); stored national rows override it."""
    parsed = parse(BUNDLED_NATIONAL)
    stored = {(r["annee"], r["indicateur"]) for r in _stored_rows(indicateur, annee) if r["plie"] == NATIONAL_PLIE}
    return [{"plie": r.plie, "annee": r.annee, "indicateur": r.indicateur, "valeur": r.valeur, "secret": r.secret,
             "source": r.source, "date_source": r.date_source, "definition": r.definition, "note": r.note,
             "fictif": False}
            for r in parsed.rows
            if (indicateur is None or r.indicateur == indicateur) and (annee is None or r.annee == annee)
            and (r.annee, r.indicateur) not in stored]


def _own_rows(indicateur: str | None, annee: int | None, own_last: int | None = None) -> list[dict]:
    years = own_years()
    if annee:
        data = _dataset()
        latest = latest_data_date(data)
        covered = latest is not None and years[0] <= annee <= latest.year
        years = [annee] if covered else []  # no own value for a year the data do not cover
    if own_last is not None:
        years = years[-own_last:] if own_last > 0 else []
    rows = []
    for year in years:
        rows += [r for r in own_sheet(year) if indicateur is None or r["indicateur"] == indicateur]
    return rows


def compare(indicateur: str, annee: int | None = None, *, own_last: int | None = None) -> dict:
    """``reperes benchmark compare --json``: this PLIE's values, the national ones, then every peer's.

    ``own_last``: this PLIE's values of the last years its data cover only (a report shows three; each
    year's protected sheet costs a publication and its audit, so older ones are not computed)."""
    if indicateur not in BY_ID:
        raise KeyError(indicateur)
    lines = []
    for row in _own_rows(indicateur, annee, own_last):
        lines.append({**row, "moi": True, "national": False, "fictif": False})
    national = national_rows(indicateur, annee)
    stored = [r for r in _stored_rows(indicateur, annee) if r["plie"] != NATIONAL_PLIE]
    stored_national = [r for r in _stored_rows(indicateur, annee) if r["plie"] == NATIONAL_PLIE]
    for row in sorted(national + stored_national, key=lambda r: r["annee"]):
        lines.append({**row, "moi": False, "national": True})
    for row in sorted(stored, key=lambda r: (_fold(r["plie"]), r["annee"])):
        lines.append({**row, "moi": False, "national": False})
    out = []
    for row in lines:
        out.append({"plie": row["plie"], "annee": row["annee"], "valeur": row["valeur"],
                    "source": row["source"], "date_source": row["date_source"], "moi": row["moi"],
                    "national": row["national"], "comparable": not row.get("definition"),
                    "note": row.get("note", ""), "definition": row.get("definition", ""),
                    "secret": row["secret"], "fictif": row.get("fictif", False)})
    return {"indicateur": indicateur, "lignes": out}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def organisation_table() -> list[dict]:
    """Per PLIE (this one first, then peers), the latest year's organisation values, derived ones filled in."""
    own = own_sheet()
    by_plie: dict[str, dict[int, dict[str, dict]]] = defaultdict(lambda: defaultdict(dict))
    for row in _stored_rows():
        if row["plie"] != NATIONAL_PLIE and row["indicateur"] != "pratique_remarquable":
            by_plie[row["plie"]][row["annee"]][row["indicateur"]] = row
    out = [_organisation_entry(own[0]["plie"] if own else "", own[0]["annee"] if own else None,
                               {r["indicateur"]: r for r in own}, moi=True)] if own else []
    for plie in sorted(by_plie, key=_fold):
        years = by_plie[plie]
        useful = [y for y, values in years.items() if any(i in values for i in ind.ORGANISATION_IDS)]
        year = max(useful or years)
        out.append(_organisation_entry(plie, year, years[year], moi=False,
                                       fictif=any(r.get("fictif") for r in years[year].values())))
    return out


def _organisation_entry(plie: str, annee: int | None, values: dict[str, dict], *, moi: bool,
                        fictif: bool = False) -> dict:
    cells = {}
    for indicateur in ind.ORGANISATION_IDS:
        row = values.get(indicateur)
        cells[indicateur] = {"valeur": row["valeur"] if row else None, "secret": bool(row and row["secret"]),
                             "source": row["source"] if row else "", "date_source": row["date_source"] if row else "",
                             "calcule": False, "comparable": not (row and row.get("definition")),
                             "definition": row.get("definition", "") if row else ""}

    def number(indicateur):
        row = values.get(indicateur)
        return None if row is None or row["secret"] else row["valeur"]

    acc = number("participants_accompagnes")
    derived = (("participants_par_referent", acc, number("referents_etp")),
               ("cout_par_participant_euros", number("budget_total_euros"), acc))
    for indicateur, numerator, denominator in derived:
        if cells[indicateur]["valeur"] is None and not cells[indicateur]["secret"] and numerator is not None \
                and denominator:
            cells[indicateur].update(valeur=numerator / denominator, calcule=True,
                                     source="calculé par Repères à partir de la fiche",
                                     date_source=values["participants_accompagnes"]["date_source"])
    return {"plie": plie, "annee": annee, "moi": moi, "fictif": fictif, "cells": cells}


def practices(query: str = "") -> list[dict]:
    """Remarkable practices of this PLIE and its peers, filtered by words (accents and case ignored)."""
    rows = [r for r in own_sheet() if r["indicateur"] == "pratique_remarquable"]
    rows += [r for r in _stored_rows("pratique_remarquable")]
    words = _fold(query).split()
    out = []
    for row in rows:
        haystack = _fold(f"{row['valeur']} {row['plie']} {row['note']}")
        if all(w in haystack for w in words):
            out.append(row)
    return out


# --------------------------------------------------------------------------- evidence


def resolve(indicateur: str, plie: str, annee: int) -> dict:
    """One benchmark value as evidence (evaluation register, evidence type ``benchmark``). Reads only.

    Returns ``{"valeur", "source", "date_source", "definition", "comparable",
    "secret", "note", "plie", "annee", "indicateur", "moi", "national"}`` —
    ``valeur`` is ``None`` when suppressed. This PLIE's own values come from
    its sheet (disclosure applied); the national series from the bundled
    file or a stored one. Raises ``LookupError`` (French message) when no such value exists.
    For ``pratique_remarquable`` (several rows), ``valeur`` is the list of practices.
    """
    from reperes.configuration.models import Installation

    if indicateur not in BY_ID:
        raise LookupError(f"Indicateur {q(indicateur)} inconnu de la fiche PLIE.")
    own_name = Installation.get().plie_name
    stored = [r for r in _stored_rows(indicateur, annee) if r["plie"] == plie]
    if stored:
        rows, moi = stored, False
    elif plie == own_name:
        rows, moi = [r for r in own_sheet(annee) if r["indicateur"] == indicateur], True
    elif plie == NATIONAL_PLIE:
        rows, moi = national_rows(indicateur, annee), False
    else:
        rows, moi = [], False
    if not rows:
        raise LookupError(f"Aucune valeur {q(indicateur)} pour {q(plie)} en {annee}{NB}: importez sa fiche "
                          "ou choisissez une autre année.")
    first = rows[0]
    valeur = [r["valeur"] for r in rows] if indicateur in ind.MULTIPLE else first["valeur"]
    return {"valeur": valeur, "source": first["source"], "date_source": first["date_source"],
            "definition": first.get("definition", ""), "comparable": not first.get("definition"),
            "secret": first["secret"], "note": first.get("note", ""), "plie": plie, "annee": annee,
            "indicateur": indicateur, "moi": moi, "national": plie == NATIONAL_PLIE}
