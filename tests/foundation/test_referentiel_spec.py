"""The référentiel agrees with docs/format-echange.md, code by code and label by label.

The markdown tables of the contract are parsed here; a code list or a table
column that drifts from the documented contract fails this test.
"""

import re
from pathlib import Path

import pytest

from reperes import referentiel as ref

DOCS = Path(__file__).resolve().parents[2] / "docs"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "spec"


def markdown_tables(text: str) -> dict[str, list[dict[str, str]]]:
    """Every table of the document, keyed by the back-quoted name of the heading above it."""
    tables: dict[str, list[dict[str, str]]] = {}
    heading = None
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^#{2,4} (?:Table )?`([a-z_0-9]+)`", line)
        if m:
            heading = m.group(1)
        if line.startswith("|") and heading and heading not in tables and i + 1 < len(lines) \
                and re.match(r"^\|[-| ]+\|$", lines[i + 1]):
            headers = [h.strip() for h in line.strip("|").split("|")]
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                cells = [c.strip() for c in lines[i].strip("|").split("|")]
                rows.append(dict(zip(headers, cells, strict=False)))
                i += 1
            tables[heading] = rows
            continue
        i += 1
    return tables


def unquote(cell: str) -> str:
    return cell.strip().strip("`")


@pytest.fixture(scope="module")
def spec_tables():
    return markdown_tables((DOCS / "format-echange.md").read_text(encoding="utf-8"))


CONTRACTS = ("evaluation.md", "fiche-plie.md", "format-echange.md", "indicateurs.md")


@pytest.mark.parametrize("name", CONTRACTS)
def test_docs_copy_is_current(name):
    """docs/ holds an exact copy of each shared contract, kept current: byte for byte, nothing of the project's
    own added (that goes to its own page, e.g. docs/comites.md)."""
    if not SHARED.is_dir():
        pytest.skip("../shared/spec is not next to this checkout")
    assert (DOCS / name).read_bytes() == (SHARED / name).read_bytes(), name


def test_every_shared_contract_has_its_docs_copy():
    if not SHARED.is_dir():
        pytest.skip("../shared/spec is not next to this checkout")
    assert sorted(p.name for p in SHARED.glob("*.md")) == sorted(CONTRACTS)


def test_contract_of_2_december_2026_is_the_one_copied():
    """The contracts changed on 2 December 2026: INCONNU in situation_entree, one disclosure mark « s »."""
    echange = markdown_tables((DOCS / "format-echange.md").read_text(encoding="utf-8"))
    assert "INCONNU" in [unquote(r["code"]) for r in echange["situation_entree"]]
    assert "INCONNU" in ref.SITUATION_ENTREE.codes()
    indicateurs = (DOCS / "indicateurs.md").read_text(encoding="utf-8")
    assert "a suppressed cell displays `s` (secret statistique)" in indicateurs


@pytest.mark.parametrize("name", sorted(ref.CODE_LISTS))
def test_code_list_matches_contract(spec_tables, name):
    documented = spec_tables[name]
    code_list = ref.CODE_LISTS[name]
    assert [unquote(r["code"]) for r in documented] == code_list.codes()
    for row in documented:
        code = unquote(row["code"])
        assert code_list.label(code) == row["label"], code
        extra = [k for k in row if k not in ("code", "label")]
        for attribute in extra:
            assert code_list.attribute == attribute, (name, attribute)
            assert (code_list.attr(code) or "") == unquote(row[attribute]), (name, code)


def test_every_documented_code_list_is_in_the_referentiel(spec_tables):
    code_lists = {name for name, rows in spec_tables.items() if rows and "code" in rows[0] and "label" in rows[0]}
    assert code_lists == set(ref.CODE_LISTS)


@pytest.mark.parametrize("table", sorted(ref.TABLES))
def test_table_columns_match_contract(spec_tables, table):
    documented = spec_tables[table]
    names: list[str] = []
    required: set[str] = set()
    for row in documented:
        for col in re.findall(r"`([a-z_0-9]+)`", row["column"]):
            names.append(col)
            if row["required"] == "yes":
                required.add(col)
    model = ref.TABLES[table]
    assert model.column_names == names
    assert set(model.required) == required


def test_sexe_alias_and_labels_resolve():
    assert ref.SEXE.resolve("H") == "M"
    assert ref.SEXE.resolve(" femme ") == "F"
    assert ref.MOTIF_SORTIE.resolve("depart a la retraite") == "RETRAITE"
    assert ref.TYPE_ETAPE.resolve("Immersion en entreprise (PMSMP)") == "IMMERSION"
    assert ref.CRITERES.resolve("inconnu") is None


def test_helpers_follow_the_lists():
    assert ref.category_of("EMPLOI_CDD_6M") == "positive"
    assert ref.category_of("RETRAITE") == "solution"
    assert ref.category_of("DECES") == "neutre"
    assert ref.category_of(None) is None
    assert ref.family_of("IMMERSION") == "EMPLOI"
    assert ref.isced_of("NIV_5") == "5-8"
    assert ref.isced_of("INCONNU") is None
    assert ref.datainclusion_category_of("LANGUE") == "lecture-ecriture-calcul"
    assert sorted(ref.MOTIF_SORTIE.with_attr("neutre")) == ["DECES", "DEMENAGEMENT"]
    assert [ref.age_band(a) for a in (25, 26, 49, 50)] == ["MOINS_26", "26_49", "26_49", "50_PLUS"]


def test_frein_categories_are_data_inclusion_categories():
    from data_inclusion.schema.v1 import Categorie

    values = {c.value for c in Categorie}
    for code in ref.FREINS:
        assert code.categorie in values, code.code
