"""Logging in, settings, users and the audit trail, as a user does them in the browser."""

import datetime as dt
import io

import pytest
from django.urls import reverse

from reperes.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-de-test-2019"


def test_login_page_is_french_and_logs_success_and_failure(client, admin_user_):
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="fr"' in page and "Adresse électronique" in page and "Mot de passe" in page
    bad = client.post(reverse("accounts:login"), {"username": "admin@test.fr", "password": "faux"})
    assert "Adresse électronique ou mot de passe incorrect" in bad.content.decode()
    failed = AuditEvent.objects.get(action="echec_connexion")
    assert failed.user_email == "admin@test.fr" and "faux" not in str(failed.details)
    ok = client.post(reverse("accounts:login"), {"username": "admin@test.fr", "password": PASSWORD})
    assert ok.status_code == 302 and ok.url == reverse("dashboard:home")
    assert AuditEvent.objects.filter(action="connexion", user=admin_user_).exists()


def test_audit_log_is_append_only(admin_user_):
    from reperes.audit.trail import record

    event = record("export", user=admin_user_, target="tableau")
    event.target = "autre"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(target="x")
    assert AuditEvent.objects.get(pk=event.pk).target == "tableau"


def test_audit_page_lists_and_filters_events(client_admin, admin_user_):
    from reperes.audit.trail import record

    record("export", user=admin_user_, target="sorties-par-motif.xlsx")
    record("livrable", user=admin_user_, target="rapport intermédiaire")
    page = client_admin.get(reverse("audit:list"), {"action": "export"}).content.decode()
    assert "sorties-par-motif.xlsx" in page and "rapport intermédiaire" not in page


def test_settings_page_saves_and_audits(client_admin, territory):
    url = reverse("configuration:edit")
    response = client_admin.post(url, {
        "plie_name": "PLIE du Pays Terres de Lorraine", "territory": territory.pk, "seuil": 5,
        "periode_debut": "2019-01-01", "periode_fin": "2019-12-31", "duree_conservation_mois": 60})
    assert response.status_code == 302
    from reperes.configuration.models import Installation

    installation = Installation.get()
    assert installation.seuil == 5 and installation.territory == territory
    assert installation.default_period() == (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert AuditEvent.objects.filter(action="parametres_modifies").exists()


def test_settings_refuse_bad_input_with_a_message(client_admin):
    url = reverse("configuration:edit")
    response = client_admin.post(url, {"plie_name": "P", "seuil": 1, "periode_debut": "2019-12-31",
                                       "periode_fin": "2019-01-01", "duree_conservation_mois": 60})
    page = response.content.decode()
    assert response.status_code == 200
    assert "La fin de la période doit suivre son début" in page
    assert "supérieure ou égale à 2" in page
    fake_logo = io.BytesIO(b"<svg onload='alert(1)'></svg>")
    fake_logo.name = "logo.png"
    response = client_admin.post(url, {"plie_name": "P", "seuil": 11, "duree_conservation_mois": 60,
                                       "logo": fake_logo})
    assert "Le logo doit être une image PNG ou JPEG" in response.content.decode()


def test_logo_upload_is_served(client_admin):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "navy").save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "logo.png"
    response = client_admin.post(reverse("configuration:edit"), {
        "plie_name": "PLIE", "seuil": 11, "duree_conservation_mois": 60, "logo": buffer})
    assert response.status_code == 302
    logo = client_admin.get(reverse("configuration:logo"))
    assert logo.status_code == 200 and b"".join(logo.streaming_content).startswith(b"\x89PNG")


def test_default_period_is_last_calendar_year():
    from reperes.configuration.models import Installation

    assert Installation.get().default_period(dt.date(2026, 11, 25)) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_admin_creates_a_partner_and_changes_roles(client_admin, admin_user_):
    from reperes.accounts.models import User

    response = client_admin.post(reverse("accounts:user_create"), {
        "email": "Elu@Mairie-Toul.fr", "first_name": "Claude", "last_name": "Martin", "organisation": "Ville",
        "role": "partenaire"})
    assert response.status_code == 302
    user = User.objects.get(email="elu@mairie-toul.fr")
    assert user.role == "partenaire"
    assert AuditEvent.objects.filter(action="utilisateur_cree", target=user.email).exists()
    duplicate = client_admin.post(reverse("accounts:user_create"), {
        "email": "elu@mairie-toul.fr", "role": "partenaire"})
    assert "Un compte existe déjà" in duplicate.content.decode()

    client_admin.post(reverse("accounts:user_edit", args=[user.pk]), {
        "first_name": "Claude", "last_name": "Martin", "organisation": "Ville", "role": "charge_etude",
        "is_active": "on"})
    user.refresh_from_db()
    assert user.role == "charge_etude"
    change = AuditEvent.objects.get(action="role_modifie")
    assert change.details == {"avant": "partenaire", "apres": "charge_etude"}


def test_admin_cannot_remove_own_rights(client_admin, admin_user_):
    response = client_admin.post(reverse("accounts:user_edit", args=[admin_user_.pk]), {
        "role": "partenaire", "is_active": "on"})
    assert "Vous ne pouvez pas retirer vos propres droits" in response.content.decode()
    admin_user_.refresh_from_db()
    assert admin_user_.role == "administrateur"


def test_row_level_page_is_audited_for_each_consultation(client_charge, charge_user):
    client_charge.get(reverse("collection:participants"))
    client_charge.get(reverse("collection:participants"), {"page": 2})
    events = AuditEvent.objects.filter(action="consultation_individuelle", user=charge_user)
    assert events.count() == 2


def test_security_headers_and_csp_without_inline_scripts(client_admin):
    response = client_admin.get(reverse("accounts:roles"))
    csp = response.headers["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.content.decode()


def test_errors_are_french_pages_not_tracebacks(client_partner):
    response = client_partner.get("/nexiste-pas/")
    assert response.status_code == 404 and "Page introuvable" in response.content.decode()


def test_admin_creates_a_territory_in_the_app(client_admin):
    from reperes.configuration.models import Installation

    url = reverse("configuration:territory_create")
    bad = client_admin.post(url, {"name": "PLIE", "epci": "123"})
    assert "EPCI inconnu" in bad.content.decode()
    ok = client_admin.post(url, {"name": "PLIE de la Dombes", "epci": "200069193"})
    assert ok.status_code == 302
    assert Installation.get().territory.name == "PLIE de la Dombes"
    assert AuditEvent.objects.filter(action="territoire", target="PLIE de la Dombes").exists()
    page = client_admin.get(reverse("dashboard:home")).content.decode()
    assert "sans contour" in page  # no bundled contours outside Meurthe-et-Moselle: said, not a crash


def test_export_is_pseudonymised_audited_and_safe_from_formulas(client_charge, charge_user):
    from reperes.collection.models import Participant

    Participant.objects.create(id_hash="f" * 64, sexe="F", commune_residence="54528", niveau_formation="NIV_3",
                               situation_entree="DE", date_entree="2019-03-01", criteres=["RSA", "TH"],
                               referent="=HYPERLINK(\"http://x\")", date_sortie="2019-09-01",
                               motif_sortie="RETRAITE")
    response = client_charge.get(reverse("collection:participants_export"))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    header, line = text.splitlines()[:2]
    assert header.startswith("id_hash;personne_hash;sexe")
    assert "RSA|TH" in line and line.endswith(";solution")
    assert ';"\'=HYPERLINK' in line  # neutralised: never a formula in a spreadsheet
    event = AuditEvent.objects.get(action="export", user=charge_user)
    assert event.details == {"lignes": 1}
