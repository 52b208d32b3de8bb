"""Import the insertion offer: data·inclusion exports (schema v1) and our XLSX template.

Accepted inputs:
- a folder holding ``structures.json|csv`` and/or ``services.json|csv``;
- a single data·inclusion file (JSON list or CSV): structures or services,
  told apart by the ``structure_id`` column;
- our XLSX template: sheets « structures » and « services », list cells
  separated by commas (``thematiques``: ``mobilite--…, sante--…``).

Each line is validated with the package's own pydantic models
(``data_inclusion.schema.v1.Structure`` / ``Service``); its errors come back
per line, in French. A service whose structure is unknown is rejected.
Re-importing updates (matched on ``id``), never duplicates. Exit status 0 / 3 / 2.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pydantic
from data_inclusion.schema import v1 as di
from django.db import transaction

from reperes import safefiles

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


def french_message(error: dict) -> str:
    """One pydantic error of the data·inclusion models, in French."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return "Champ obligatoire absent."
    if kind == "enum":
        expected = str(ctx.get("expected", ""))
        shown = expected if len(expected) <= 200 else "voir la liste du schéma data·inclusion v1"
        return f"Valeur inconnue « {error.get('input')} » du référentiel data·inclusion ({shown})."
    if kind == "string_too_short":
        return f"Texte trop court : au moins {ctx.get('min_length')} caractère(s)."
    if kind == "string_too_long":
        return f"Texte trop long : au plus {ctx.get('max_length')} caractères."
    if kind == "string_pattern_mismatch":
        return "Format incorrect (code attendu : commune 5 caractères, EPCI 9 chiffres, département 2 ou 3, SIRET 14)."
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
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type"):
        return "Nombre attendu."
    if kind in ("string_type", "set_type", "list_type"):
        return "Type de valeur inattendu (texte ou liste attendu)."
    if kind == "literal_error":
        return "Valeur non reconnue (code de commune, de département, d'EPCI ou « france » attendu)."
    return error.get("msg", "Valeur invalide.")


def _errors(exc: pydantic.ValidationError, table: str, line: int, row: dict) -> list[dict]:
    out = []
    for e in exc.errors():
        column = str(e["loc"][0]) if e.get("loc") else None
        value = row.get(column) if column else None
        out.append({"table": table, "line": line, "column": column,
                    "value": None if value in (None, "") else str(value)[:200], "message": french_message(e)})
    return out


# --------------------------------------------------------------------------- reading


def _split(value):
    if value is None:
        return None
    if isinstance(value, list | tuple | set):
        return [str(v).strip() for v in value if str(v).strip()] or None
    text = str(value).strip()
    if not text:
        return None
    if text.startswith("["):
        try:
            return [str(v) for v in json.loads(text)] or None
        except json.JSONDecodeError:
            pass
    return [v.strip() for v in text.replace("|", ",").replace(";", ",").split(",") if v.strip()] or None


def _clean(row: dict, list_fields) -> dict:
    out = {}
    for key, value in row.items():
        if key is None:
            continue
        key = str(key).strip()
        if isinstance(value, str):
            value = value.strip()
        if value in ("", None):
            value = None
        if key in list_fields:
            value = _split(value)
        out[key] = value
    return out


def _read_rows(path: Path) -> list[dict]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OfferUnusable(f"Impossible de lire {path.name}.") from exc
    if path.suffix.lower() == ".json":
        try:
            rows = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise OfferUnusable(f"Le fichier {path.name} n'est pas un JSON lisible : {exc}.") from exc
        if isinstance(rows, dict):
            rows = rows.get("items") or rows.get("data") or [rows]
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise OfferUnusable(f"Le fichier {path.name} doit contenir une liste d'objets (export data·inclusion).")
        return rows
    if path.suffix.lower() == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        first = text.split("\n", 1)[0]
        delimiter = max((";", ",", "\t"), key=first.count)
        try:
            safefiles.check_width(path.name, first.count(delimiter) + 1)
            return list(csv.DictReader(io.StringIO(text.replace("\x00", "")), delimiter=delimiter))
        except safefiles.FileRefused as exc:
            raise OfferUnusable(exc.message) from exc
        except csv.Error as exc:  # « new-line character seen in unquoted field »…
            raise OfferUnusable(safefiles.unreadable(path.name)) from exc
    raise OfferUnusable(f"Format non pris en charge pour {path.name} : JSON, CSV ou XLSX attendu.")


def _read_workbook(path: Path) -> dict[str, list[dict]]:
    try:  # bounded: a zip bomb or a giant grid is refused before it is parsed
        book = safefiles.open_workbook(path.name, path)
    except safefiles.FileRefused as exc:
        raise OfferUnusable(exc.message) from exc
    tables = {}
    for name in book.sheet_names:
        key = name.strip().lower()
        if key not in ("structures", "services"):
            continue
        try:
            rows = safefiles.sheet_rows(path.name, book, name)
            safefiles.check_width(f"{path.name}, feuille « {name} »", max((len(r) for r in rows), default=0))
        except safefiles.FileRefused as exc:
            raise OfferUnusable(exc.message) from exc
        if not rows:
            continue
        headers = [str(h).strip() for h in rows[0]]
        tables[key] = [{h: (None if v == "" else v) for h, v in zip(headers, r, strict=False) if h}
                       for r in rows[1:] if any(str(v).strip() for v in r)]
    if not tables:
        raise OfferUnusable(f"Le classeur {path.name} n'a ni feuille « structures » ni feuille « services ».")
    return tables


def _base(path: Path) -> int:
    """Line number of the first record: 2 under a header row (CSV, sheet), 1 in a JSON list."""
    return 1 if path.suffix.lower() == ".json" else 2


def read_inputs(path: Path) -> tuple[dict[str, list[dict]], dict[str, int]]:
    path = Path(path)
    if path.is_dir():
        tables, bases = {}, {}
        for table in ("structures", "services"):
            for ext in (".json", ".csv"):
                candidate = path / f"{table}{ext}"
                if candidate.exists():
                    tables[table] = _read_rows(candidate)
                    bases[table] = _base(candidate)
                    break
        if not tables:
            raise OfferUnusable(f"Le dossier {path} ne contient ni structures.json|csv ni services.json|csv.")
        return tables, bases
    if not path.exists():
        raise OfferUnusable(f"Fichier introuvable : {path}.")
    if path.suffix.lower() in (".xlsx", ".ods"):
        tables = _read_workbook(path)
        return tables, dict.fromkeys(tables, 2)
    rows = _read_rows(path)
    if not rows:
        raise OfferUnusable(f"Le fichier {path.name} ne contient aucune ligne.")
    fields = set(di.Structure.model_fields) | set(di.Service.model_fields)
    if not any(str(k).strip() in fields for k in rows[0] if k is not None):
        raise OfferUnusable(f"« {path.name} » : fichier illisible, aucune colonne du schéma data·inclusion (id, "
                            "nom, structure_id…). Envoyez un export data·inclusion (JSON ou CSV) ou le modèle XLSX "
                            "de l’offre.")
    table = "services" if "structure_id" in rows[0] else "structures"
    return {table: rows}, {table: _base(path)}


# --------------------------------------------------------------------------- validation and storage


def _values(items) -> list[str]:
    return sorted(str(getattr(i, "value", i)) for i in (items or []))


def run_offer_import(path, *, user=None, request=None) -> OfferResult:
    from reperes.audit.models import Action as AuditAction
    from reperes.audit.trail import record
    from reperes.collection.models import Action

    path = Path(path)
    try:
        tables, bases = read_inputs(path)
    except OfferUnusable as exc:
        report = {"status": "refused", "stored": False, "tables": {},
                  "errors": [{"table": None, "line": None, "column": None, "value": None, "message": str(exc)}],
                  "ignored_columns": []}
        record(AuditAction.IMPORT, request=request, user=user, target=f"offre : {path.name}"[:300], statut="refused")
        return OfferResult(report, 2)
    errors: list[dict] = []
    counts = {}
    structures: list[tuple[dict, dict]] = []
    services: list[tuple[dict, dict]] = []
    known_fields = {"structures": set(di.Structure.model_fields), "services": set(di.Service.model_fields)}
    ignored = []
    for table, list_fields, model, sink in (("structures", LIST_FIELDS_STRUCTURE, di.Structure, structures),
                                            ("services", LIST_FIELDS_SERVICE, di.Service, services)):
        rows = tables.get(table, [])
        counts[table] = {"read": len(rows), "accepted": 0, "rejected": 0, "skipped": 0}
        seen_cols = set().union(*(r.keys() for r in rows)) if rows else set()
        extra = sorted(str(c) for c in seen_cols - known_fields[table] - set(OURS_SERVICE) if c)
        ignored += [{"table": table, "column": c, "reason": "champ hors du schéma data·inclusion v1"} for c in extra]
        for i, raw in enumerate(rows):
            line = i + bases.get(table, 2)
            row = _clean(raw, list_fields)
            payload = {k: v for k, v in row.items() if k in known_fields[table]}
            try:
                item = model.model_validate(payload)
            except pydantic.ValidationError as exc:
                errors += _errors(exc, table, line, row)
                counts[table]["rejected"] += 1
                continue
            sink.append((item, row, line))
    existing = set(Structure.objects.values_list("di_id", flat=True))
    new_ids = {item.id for item, _, _ in structures}
    kept_services = []
    for item, row, line in services:
        if item.structure_id not in existing | new_ids:
            errors.append({"table": "services", "line": line, "column": "structure_id", "value": item.structure_id,
                           "message": "Structure inconnue : importez d'abord la structure de ce service "
                                      "(structures.json ou feuille « structures »)."})
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
        by_id = {}
        for item, _row, _line in structures:
            obj, _ = Structure.objects.update_or_create(di_id=item.id, defaults={
                "source": item.source, "nom": item.nom[:300], "description": item.description or "",
                "siret": item.siret or "", "commune": item.commune or "", "code_postal": item.code_postal or "",
                "code_insee": item.code_insee or "", "adresse": item.adresse or "",
                "telephone": item.telephone or "", "courriel": item.courriel or "",
                "site_web": str(item.site_web or ""), "reseaux_porteurs": _values(item.reseaux_porteurs),
                "date_maj": item.date_maj})
            by_id[item.id] = obj
            counts["structures"]["accepted"] += 1
        missing = {item.structure_id for item, _, _ in kept_services} - set(by_id)
        by_id.update({s.di_id: s for s in Structure.objects.filter(di_id__in=missing)})
        for item, row, places in kept_services:
            obj, _ = Service.objects.update_or_create(di_id=item.id, defaults={
                "source": item.source, "structure": by_id[item.structure_id], "nom": item.nom,
                "description": item.description, "type": item.type.value if item.type else "",
                "thematiques": _values(item.thematiques), "publics": _values(item.publics),
                "zone_eligibilite": [str(z) for z in (item.zone_eligibilite or [])],
                "modes_accueil": _values(item.modes_accueil), "frais": item.frais.value if item.frais else "",
                "code_insee": item.code_insee or "", "places": places,
                "financement": str(row.get("financement") or "")[:300], "date_maj": item.date_maj})
            if row.get("actions"):
                ids = _split(row["actions"]) or []
                obj.actions.set(Action.objects.filter(id_action__in=ids))
            counts["services"]["accepted"] += 1
    rejected = sum(c["rejected"] for c in counts.values())
    status = "partial" if rejected else "ok"
    report = {"status": status, "stored": True, "tables": counts, "errors": errors, "ignored_columns": ignored}
    record(AuditAction.IMPORT, request=request, user=user, target=f"offre : {path.name}"[:300], statut=status,
           acceptees=sum(c["accepted"] for c in counts.values()), rejetees=rejected)
    return OfferResult(report, 3 if rejected else 0)
