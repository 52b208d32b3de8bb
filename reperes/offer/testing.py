"""Sample objects for the URL authorisation test (tests/foundation/test_authorisation.py)."""

from __future__ import annotations

import datetime as dt


def sample_url_kwargs() -> dict[str, dict]:
    from .models import Service, Structure

    structure = Structure.objects.create(di_id="test--structure", nom="Structure de test", code_insee="54528",
                                         date_maj=dt.date(2024, 1, 1))
    service = Service.objects.create(di_id="test--service", structure=structure, nom="Service de test",
                                     thematiques=["mobilite--acceder-a-un-vehicule"])
    return {"offer:structure_edit": {"pk": structure.pk}, "offer:service_edit": {"pk": service.pk},
            "offer:service_detail": {"pk": service.pk}}
