"""The document model: normalisation, slugs, walking, outline."""

import dataclasses
import datetime as dt

import pytest

from reperes.documents import (
    DEFAULT_EMPTY_MESSAGE,
    BulletList,
    Callout,
    Column,
    Definition,
    DisclosureNote,
    Document,
    KeyFigure,
    KeyFigures,
    OutlineEntry,
    Paragraph,
    Run,
    Section,
    Suppressed,
    Table,
    Visitor,
    plain_text,
    slugify,
)


def small_table(rows=(("A", 12),)):
    return Table("Sorties", [Column("Motif"), Column("Sorties", "count")], rows)


def test_slugify_is_ascii_and_readable():
    assert slugify("Sorties : répartition par motif") == "sorties-repartition-par-motif"
    assert slugify("Œuvre d’insertion — bilan 2019") == "oeuvre-d-insertion-bilan-2019"
    assert slugify("  ÉLÉMENTS clés !  ") == "elements-cles"
    assert slugify("« … »") == "section"


def test_slug_comes_from_the_title_unless_given():
    assert Section("Les entrées").slug == "les-entrees"
    assert Section("Les entrées", slug="Entrées 2019").slug == "entrees-2019"


def test_sections_with_the_same_title_get_distinct_stable_slugs():
    def build():
        return Document(
            "Rapport",
            [
                Section("Bilan", subsections=[Section("Détail"), Section("Détail")]),
                Section("Bilan", subsections=[Section("Détail")]),
                Section("Bilan 2", slug="bilan-2"),  # an explicit slug that a suffix would have produced
            ],
        )

    slugs = [slug for _level, _title, slug in build().outline()]
    assert slugs == ["bilan", "detail", "detail-2", "bilan-2", "detail-3", "bilan-2-2"]
    assert len(set(slugs)) == len(slugs)
    assert build().outline() == build().outline()


def test_outline_lists_sections_in_reading_order_with_their_level():
    document = Document(
        "Rapport",
        [
            Section("Public", subsections=[Section("Âge"), Section("Sexe", subsections=[Section("Femmes")])]),
            Section("Sorties"),
        ],
    )
    assert document.outline() == [
        (1, "Public", "public"),
        (2, "Âge", "age"),
        (2, "Sexe", "sexe"),
        (3, "Femmes", "femmes"),
        (1, "Sorties", "sorties"),
    ]
    assert isinstance(document.outline()[0], OutlineEntry)
    assert document.outline()[3].slug == "femmes"


def test_walk_and_iter_blocks_follow_reading_order():
    first, second = KeyFigure("Entrées", 10), KeyFigure("Sorties", 8)
    row = KeyFigures([first, second])
    para = Paragraph("Texte")
    table = small_table()
    document = Document("R", [Section("A", [row, para], subsections=[Section("A1", [table])]), Section("B")])
    a, b = document.sections
    a1 = a.subsections[0]

    assert list(document.iter_blocks()) == [(a, row), (a, para), (a1, table)]
    assert [(level, s.title) for level, s in document.iter_sections()] == [(1, "A"), (2, "A1"), (1, "B")]
    assert list(document.walk()) == [
        (0, document),
        (1, a),
        (1, row),
        (1, first),
        (1, second),
        (1, para),
        (2, a1),
        (2, table),
        (1, b),
    ]


def test_empty_section_keeps_its_message():
    section = Section.empty("Offre d'insertion", "Aucune donnée d'offre n'a encore été importée.")
    assert section.is_empty
    assert section.message == "Aucune donnée d'offre n'a encore été importée."
    # A message given for the case where the blocks turn out empty…
    assert Section("Offre", blocks=[], empty_message="Rien.").message == "Rien."
    assert Section("Offre", blocks=[Paragraph("x")], empty_message="Rien.").message is None
    # …and a section built empty without one still says so.
    assert Section("Offre").message == DEFAULT_EMPTY_MESSAGE
    assert Section("Parent", subsections=[Section("Enfant")]).message is None


def test_suppressed_key_figure_never_keeps_its_raw_value():
    figure = KeyFigure("Décès", 3, suppressed=True)
    assert figure.value == Suppressed(11)
    assert KeyFigure("Décès", 3, suppressed=True, seuil=5).value == Suppressed(5)
    marked = KeyFigure("Décès", Suppressed(7))
    assert marked.suppressed and marked.seuil == 7
    assert not KeyFigure("Entrées", 120).suppressed


def test_table_normalises_and_checks_its_rows():
    table = Table("T", ["Motif", Column("N", "count")], [["A", 1], ["B", Suppressed(11)]])
    assert table.columns[0] == Column("Motif")
    assert table.rows == (("A", 1), ("B", Suppressed(11)))
    assert table.has_suppressed and table.seuils == (11,)
    assert not small_table().has_suppressed
    with pytest.raises(ValueError, match="row 2"):
        Table("T", ["Motif", "N"], [["A", 1], ["B"]])


def test_columns_align_numbers_right_by_default():
    assert Column("Motif").align == "left"
    assert Column("Taux", "percent").align == "right"
    assert Column("Taux", "percent", align="center").align == "center"


@pytest.mark.parametrize(
    "build",
    [
        lambda: Column("x", "kg"),
        lambda: KeyFigure("x", 1, unit="%"),
        lambda: Callout("danger", "Titre", "Texte"),
        lambda: Column("x", align="justify"),
    ],
)
def test_unknown_choices_are_refused(build):
    with pytest.raises(ValueError):
        build()


def test_wrong_node_types_are_refused():
    with pytest.raises(TypeError):
        Section("A", blocks=["du texte nu"])
    with pytest.raises(TypeError):
        Document("R", [Paragraph("pas une section")])
    with pytest.raises(TypeError):
        KeyFigures([Paragraph("x")])


def test_texts_are_strings_or_runs():
    paragraph = Paragraph(["Le taux ", Run("progresse", bold=True), "."])
    assert paragraph.text == (Run("Le taux "), Run("progresse", bold=True), Run("."))
    assert plain_text(paragraph.text) == "Le taux progresse."
    assert Paragraph("simple").text == "simple"
    assert BulletList(["a", [Run("b", italic=True)]]).items == ("a", (Run("b", italic=True),))
    assert (
        Definition("DELD", "Demandeur d'emploi de longue durée.").text
        == "Demandeur d'emploi de longue durée."
    )


def test_nodes_are_immutable():
    document = Document("R", [Section("A")], metadata={"version": "0.1.0"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        document.title = "Autre"
    assert isinstance(document.sections, tuple)


def test_document_knows_whether_something_is_suppressed():
    assert not Document("R", [Section("A", [small_table()])]).has_suppressed
    assert Document("R", [Section("A", [small_table([("A", Suppressed(11))])])]).has_suppressed
    assert Document("R", [Section("A", [KeyFigures([KeyFigure("x", 2, suppressed=True)])])]).has_suppressed


def test_disclosure_note_has_a_standard_sentence():
    note = DisclosureNote(11)
    assert "11 personnes" in note.text and "«\u00a0s\u00a0»" in note.text and "< 11" not in note.text
    assert DisclosureNote(5, "Seuil de 5.").text == "Seuil de 5."


def test_document_keeps_its_metadata():
    document = Document("R", date=dt.date(2020, 3, 12), metadata={"snapshot": "abc", "seuil": 11})
    assert document.metadata == {"snapshot": "abc", "seuil": 11}


def test_visitor_dispatches_on_node_type_and_refuses_unknown_types():
    class Counter(Visitor):
        def visit_paragraph(self, node):
            return "paragraph"

    assert Counter().visit(Paragraph("x")) == "paragraph"
    with pytest.raises(TypeError, match="table"):
        Counter().visit(small_table())
