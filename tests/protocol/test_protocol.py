"""The draft protocol (`reperes protocol draft`, « Protocole » pages): generated from the decisions, each article
editable with its versions kept and comparable."""

from __future__ import annotations

import datetime as dt
import io
import json

import polars as pl
import pytest
from django.urls import reverse

from reperes.referentiel import evaluation as voc

D = dt.date


def _content():
    from reperes.reports.protocol import draft_content

    return draft_content(date=D(2020, 11, 30))


def _article(content, key):
    return next(a for a in content["articles"] if a["cle"] == key)


def _hand_base_year():
    """The last calendar year that ends before the latest date of the data (entries, exits, étapes)."""
    from reperes.analyses.loaders import load_dataset

    data = load_dataset()
    dates = [d for frame, cols in ((data.participants, ("date_entree", "date_sortie")),
                                   (data.etapes, ("date_debut", "date_fin")))
             for c in cols for d in frame[c].drop_nulls().to_list()]
    return max(dates).year - 1, data  # a year ends on its 31 December: not before it


def _hand_rate(data, debut, fin):
    from reperes.referentiel import MOTIF_SORTIE

    exits = data.participants.filter(pl.col("date_sortie").is_between(debut, fin))
    positive = exits.filter(pl.col("motif_sortie").is_in(MOTIF_SORTIE.with_attr("positive"))).height
    return positive / exits.height


def test_json_has_the_contract_shape(evaluated):
    content = _content()
    assert set(content) >= {"titre", "debut", "fin", "articles", "objectifs", "bilan_precedent",
                            "grille_valorisation", "preambule", "signataires"}
    assert (content["titre"], content["debut"], content["fin"]) == (
        "Protocole d'accord du PLIE de Test 2021-2025", 2021, 2025)
    assert content["signataires"] == ["État", "Département"]
    assert [a["cle"] for a in content["articles"]] == list(voc.ARTICLES)
    assert _article(content, "objectifs")["titre"] == "Article 5 – Objectifs"
    for article in content["articles"]:
        assert set(article) == {"cle", "titre", "texte", "preconisations"} and article["texte"]
    assert "Vu le règlement (UE) 2021/1057" in content["preambule"]
    json.dumps(content)  # serialisable as printed by the command


def test_only_adopted_and_amended_recommendations_enter_in_their_final_wording(evaluated):
    content = _content()
    everything = json.dumps(content, ensure_ascii=False)
    assert _article(content, "objectifs")["preconisations"] == ["R1"]
    assert "Préconisation n°\u00a01 – Viser plus de sorties positives\u00a0: Porter le taux à 52 %." in \
        _article(content, "objectifs")["texte"]
    assert "55 %" not in everything  # the amendment replaced the text
    assert _article(content, "gouvernance")["preconisations"] == ["R4"]
    # rejected (R3), postponed (R2) and merely proposed (R5) ones never enter
    assert _article(content, "publics")["preconisations"] == []
    assert _article(content, "axes")["preconisations"] == []
    assert _article(content, "evaluation")["preconisations"] == []
    for text in ("Accueillir les moins de 26 ans", "Créer une plateforme mobilité.",
                 "Publier les indicateurs chaque année"):
        assert text not in everything


def test_objectives_baseline_and_previous_assessment_computed_by_hand(evaluated):
    year, data = _hand_base_year()
    content = _content()
    (objective,) = content["objectifs"]
    assert objective["preconisation"] == "R1" and objective["indicateur"] == "taux_sorties_positives"
    assert objective["cible"] == 0.52 and objective["echeance"] == "2025-12-31"
    assert objective["annee_base"] == year
    assert objective["base"] == pytest.approx(_hand_rate(data, D(year, 1, 1), D(year, 12, 31)))
    (bilan,) = content["bilan_precedent"]
    assert bilan["cible"] == 0.5 and (bilan["debut"], bilan["fin"]) == ("2019-01-01", "2019-12-31")
    assert bilan["realise"] == pytest.approx(_hand_rate(data, D(2019, 1, 1), D(2019, 12, 31)))
    # no grid adopted yet: the proposed one, solution and neutral motifs
    assert [g["motif"] for g in content["grille_valorisation"]][:2] == ["EMPLOI_TRANSITION", "FORMATION_PREQUALIFIANTE"]
    assert all(g["justificatif"] for g in content["grille_valorisation"])


def test_an_edited_article_survives_regeneration_and_its_versions_compare(evaluated, charge_user):
    from reperes.analyses import services as analyses
    from reperes.collection.models import Participant
    from reperes.protocol import services

    before = _content()
    generated = services.generated_body("objectifs")
    assert services.save_article("objectifs", "Les signataires visent l'emploi durable.", user=charge_user)
    assert services.save_article("objectifs", "Les signataires visent l'emploi durable pour tous.", user=charge_user)
    assert not services.save_article("objectifs", "Les signataires visent l'emploi durable pour tous.",
                                     user=charge_user)  # unchanged: no new version
    # the figures change (half the exits of the base year removed), the edited body stays
    year = before["objectifs"][0]["annee_base"]
    ids = list(Participant.objects.filter(date_sortie__year=year).values_list("pk", flat=True))[::2]
    Participant.objects.filter(pk__in=ids).delete()
    analyses.clear_caches()
    after = _content()
    text = _article(after, "objectifs")["texte"]
    assert text.startswith("Les signataires visent l'emploi durable pour tous.")
    assert "Porter le taux à 52 %." in text  # the recommendations are regenerated around it
    assert after["objectifs"][0]["base"] != before["objectifs"][0]["base"]
    versions = services.versions("objectifs")
    assert [v.texte for v in versions] == [generated, "Les signataires visent l'emploi durable.",
                                           "Les signataires visent l'emploi durable pour tous."]
    pieces = services.diff(versions[1].texte, versions[2].texte)
    assert "".join(p.text for p in pieces if p.op != "insert") == versions[1].texte
    assert "".join(p.text for p in pieces if p.op != "delete") == versions[2].texte
    assert [(p.op, p.text) for p in pieces if p.op != "equal"] == [("delete", "durable."),
                                                                   ("insert", "durable pour tous.")]
    # back to the generated text: versions kept
    services.reset_article("objectifs", user=charge_user)
    assert _article(_content(), "objectifs")["texte"].startswith(generated)
    assert len(services.versions("objectifs")) == 3


def test_pages_edit_compare_and_export_a_version(client_charge, evaluated):
    from reperes.audit.models import Action, AuditEvent

    url = reverse("protocol:article", args=["gouvernance"])
    assert "Texte généré" in client_charge.get(url).content.decode()
    response = client_charge.post(url, {"action": "save", "texte": ""})
    assert "Le texte de l’article est vide" in response.content.decode()
    assert client_charge.post(url, {"action": "save", "texte": "Un comité technique se réunit."}).status_code == 302
    assert client_charge.post(url, {"action": "save", "texte": "Un comité technique se réunit chaque mois."}
                              ).status_code == 302
    assert AuditEvent.objects.filter(action=Action.EVALUATION, target__contains="Gouvernance").count() == 2
    page = client_charge.get(reverse("protocol:home")).content.decode()
    assert "Un comité technique se réunit chaque mois." in page and "Texte modifié dans l’application" in page
    from reperes.protocol.services import versions

    v1, v2, v3 = versions("gouvernance")
    diff = client_charge.get(reverse("protocol:versions", args=["gouvernance"]), {"a": v2.pk, "b": v3.pk})
    body = diff.content.decode()
    assert "<ins>" in body and "chaque mois." in body
    bad = client_charge.get(reverse("protocol:versions", args=["gouvernance"]), {"a": "999999", "b": v3.pk})
    assert "Choisissez deux versions de la liste." in bad.content.decode()
    txt = client_charge.get(reverse("protocol:version_export", args=[v2.pk, "txt"]))
    assert txt.content.decode() == "Un comité technique se réunit."
    assert "version-2.txt" in txt["Content-Disposition"]
    docx = client_charge.get(reverse("protocol:version_export", args=[v2.pk, "docx"]))
    from docx import Document as open_docx

    text = "\n".join(p.text for p in open_docx(io.BytesIO(docx.content)).paragraphs)
    assert "Un comité technique se réunit." in text and "chaque mois" not in text
    assert client_charge.get(reverse("protocol:article", args=["inconnu"])).status_code == 404


def test_draft_is_marked_projet_until_the_copil_adopts_it(client_charge, evaluated, tmp_path, capsys):
    from docx import Document as open_docx

    from reperes.cli import main
    from reperes.evaluation.models import Comite

    assert main(["protocol", "draft", "--out", str(tmp_path / "a"), "--date", "2020-11-30", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert [a["cle"] for a in printed["articles"]] == list(voc.ARTICLES)
    doc = open_docx(str(tmp_path / "a" / "projet-protocole-2020-11-30.docx"))
    texts = [p.text for p in doc.paragraphs]
    styles = {p.style.name for p in doc.paragraphs}
    assert "Heading 1" in styles
    assert "Article 1 – Objet" in texts and "Article 10 – Communication" in texts
    assert any(t.startswith("Projet") for t in texts)
    assert doc.element.body.xml.count("TOC \\o") == 1  # the table of contents field
    # the PDF says it on its pages too (text extracted from the rendered file, not the typst source)
    from pypdf import PdfReader

    pdf_text = "\n".join(page.extract_text() for page in
                         PdfReader(str(tmp_path / "a" / "projet-protocole-2020-11-30.pdf")).pages)
    assert "Projet" in pdf_text and "Article 1 – Objet" in pdf_text
    # reproducible: same data, decisions, texts and date give the same bytes
    assert main(["protocol", "draft", "--out", str(tmp_path / "b"), "--date", "2020-11-30"]) == 0
    for fmt in ("docx", "pdf", "html"):
        name = f"projet-protocole-2020-11-30.{fmt}"
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), fmt
    # the COPIL adopts it: no more « Projet »
    copil = Comite.objects.get(code="CP1")
    response = client_charge.post(reverse("protocol:home"), {"action": "adopt", "adoption-comite": copil.pk})
    assert response.status_code == 302
    assert main(["protocol", "draft", "--out", str(tmp_path / "c"), "--date", "2020-11-30", "--format", "docx"]) == 0
    adopted = open_docx(str(tmp_path / "c" / "protocole-2020-11-30.docx"))
    assert not any(p.text.startswith("Projet") for p in adopted.paragraphs)


def test_cli_bad_format_gets_a_french_message(db, tmp_path, capsys):
    from reperes.cli import main

    assert main(["protocol", "draft", "--out", str(tmp_path), "--format", "pptx"]) == 2
    assert "Format inconnu : pptx" in capsys.readouterr().err


def test_partner_cannot_reach_the_protocol_pages(client_partner):
    assert client_partner.get(reverse("protocol:home")).status_code == 403
    assert client_partner.get(reverse("protocol:download", args=["docx"])).status_code == 403
