"""An XLSX whose worksheet declares external entities (XXE, « billion laughs ») never gives a file of the server
nor expands an entity, on the survey answers import (the issue's case), the data import and the offer import."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hardening_helpers import CONTENT_TYPES, RELS, WORKBOOK, WORKBOOK_RELS

SECRET = Path(__file__).with_name("secret-du-serveur.txt")
SHEET = ('<?xml version="1.0" encoding="UTF-8"?>'
         '<!DOCTYPE worksheet [<!ENTITY fuite SYSTEM "file://{path}">'
         '<!ENTITY a "hahahahahahahahahahahaha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
         '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
         '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
         '<row><c t="inlineStr"><is><t>id_participant</t></is></c><c t="inlineStr"><is><t>commentaire</t></is></c></row>'
         '<row><c t="inlineStr"><is><t>P1</t></is></c><c t="inlineStr"><is><t>&fuite;&d;</t></is></c></row>'
         '</sheetData></worksheet>')


def workbook(path: Path, sheet: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


@pytest.fixture
def hostile_xlsx(tmp_path) -> Path:
    SECRET.write_text("mot-de-passe-du-serveur-42", encoding="utf-8")
    yield workbook(tmp_path / "reponses.xlsx", SHEET.format(path=SECRET))
    SECRET.unlink(missing_ok=True)


def test_the_same_workbook_without_entities_is_read(tmp_path, db):
    """The control: the hostile file differs from a readable one by its entities only."""
    plain = SHEET.split("<!DOCTYPE")[0] + SHEET.split("]>", 1)[1].replace("&fuite;&d;", "sans entité")
    text = _read_each(workbook(tmp_path / "reponses.xlsx", plain))["answers"]
    assert "P1" in text and "sans entité" in text


def _read_each(path: Path) -> dict[str, str]:
    """What each reader gives back (its rows as text), or its refusal message."""
    from reperes.collection.importer.readers import read_paths
    from reperes.offer.importer import read_inputs
    from reperes.surveys.answers_import import read_table

    out = {}
    for name, reader in (("answers", lambda: read_table(path.read_bytes(), path.name)),
                         ("data_import", lambda: read_paths([path])), ("offer", lambda: read_inputs(path))):
        try:
            out[name] = repr(reader())
        except Exception as exc:  # a refusal is an acceptable outcome: it must not carry the file either
            out[name] = getattr(exc, "message", None) or str(exc)
    return out


def test_an_external_entity_never_brings_a_server_file_nor_expands(hostile_xlsx, db):
    for reader, text in _read_each(hostile_xlsx).items():
        assert "mot-de-passe-du-serveur-42" not in text, reader
        assert "hahahahaha" not in text, reader
        assert "Traceback" not in text, reader
