"""The catalogue export: every stored field of every structure and service, in data·inclusion's own column names.

The workbook has the sheets « structures » and « services » that ``reperes offer import`` reads back (lists
joined by commas), plus Repères' own columns (places, financement, actions): an export re-imported elsewhere gives
the same catalogue.
"""

from __future__ import annotations

import io

from .models import Service, Structure

STRUCTURE_COLUMNS = ("source", "id", "nom", "date_maj", "description", "lien_source", "siret", "commune",
                     "code_postal", "code_insee", "adresse", "complement_adresse", "longitude", "latitude",
                     "telephone", "courriel", "site_web", "horaires_accueil", "accessibilite_lieu", "reseaux_porteurs")
SERVICE_COLUMNS = ("source", "structure_id", "id", "nom", "description", "lien_source", "date_maj", "type",
                   "thematiques", "frais", "frais_precisions", "publics", "publics_precisions", "conditions_acces",
                   "commune", "code_postal", "code_insee", "adresse", "complement_adresse", "longitude", "latitude",
                   "telephone", "courriel", "modes_accueil", "zone_eligibilite", "contact_nom_prenom",
                   "lien_mobilisation", "modes_mobilisation", "mobilisable_par", "mobilisation_precisions",
                   "volume_horaire_hebdomadaire", "nombre_semaines", "horaires_accueil", "places", "financement",
                   "actions")


def _cell(value):
    from reperes.spreadsheets import neutralise

    if isinstance(value, list):
        return neutralise(", ".join(str(v) for v in value)) or None
    if value == "":
        return None
    return neutralise(value)


def structure_row(s: Structure) -> list:
    return [_cell(s.di_id if c == "id" else getattr(s, c)) for c in STRUCTURE_COLUMNS]


def service_row(v: Service) -> list:
    special = {"id": v.di_id, "structure_id": v.structure.di_id,
               "actions": [a.id_action for a in v.actions.all()]}
    return [_cell(special[c] if c in special else getattr(v, c)) for c in SERVICE_COLUMNS]


def workbook() -> tuple[bytes, int]:
    """(XLSX bytes, number of services)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "structures"
    sheet.append(list(STRUCTURE_COLUMNS))
    for s in Structure.objects.order_by("nom", "id"):
        sheet.append(structure_row(s))
    services = book.create_sheet("services")
    services.append(list(SERVICE_COLUMNS))
    count = 0
    for v in Service.objects.select_related("structure").prefetch_related("actions").order_by("nom", "id"):
        services.append(service_row(v))
        count += 1
    for ws in (sheet, services):  # codes stay text: 01000 keeps its zero
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), count
