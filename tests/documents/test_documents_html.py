"""The HTML renderer: structure, French formatting, disclosure, escaping."""

import datetime as dt
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

import pytest

from reperes.documents import (
    BLOCK_TYPES,
    BulletList,
    Callout,
    Column,
    Definition,
    DisclosureNote,
    Document,
    Figure,
    HtmlRenderer,
    KeyFigure,
    KeyFigures,
    Paragraph,
    Period,
    Run,
    Section,
    Suppressed,
    Table,
    render_block_html,
    render_html,
    render_section_html,
)

NNBSP = "\u202f"
NBSP = "\u00a0"
HOSTILE = '<script>alert("x")</script>" onmouseover="alert(1)'
YEAR_2019 = Period(dt.date(2019, 1, 1), dt.date(2019, 12, 31))

# ------------------------------------------------------------------ helpers

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict
    parent: "Element | None"
    children: list = field(default_factory=list)
    chunks: list = field(default_factory=list)

    @property
    def text(self):
        return "".join(self.chunks)

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()


class Tree(HTMLParser):
    """Parses a fragment, checking that every element is closed in order."""

    def __init__(self, markup):
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {}, None)
        self.stack = [self.root]
        self.elements = []
        self.feed(markup)
        self.close()
        assert self.stack == [self.root], f"unclosed: {[e.tag for e in self.stack[1:]]}"

    def handle_starttag(self, tag, attrs):
        element = self._add(tag, attrs)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self._add(tag, attrs)

    def _add(self, tag, attrs):
        element = Element(tag, dict(attrs), self.stack[-1])
        self.stack[-1].children.append(element)
        self.elements.append(element)
        return element

    def handle_endtag(self, tag):
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data):
        for element in self.stack:
            element.chunks.append(data)

    def find_all(self, tag=None, cls=None):
        return [
            e for e in self.elements if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)
        ]

    def find(self, tag=None, cls=None):
        found = self.find_all(tag, cls)
        assert found, f"no <{tag} class={cls}>"
        return found[0]

    def headings(self):
        result = []
        for e in self.elements:
            if e.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
                result.append((int(e.tag[1]), e.text))
            elif e.attrs.get("role") == "heading":
                result.append((int(e.attrs["aria-level"]), e.text))
        return result


@dataclass
class FakeChart:
    """What reperes.charts provides: .svg(), .png(), .title, .description, .table."""

    title: str = "Sorties par catégorie"
    description: str = "Barres horizontales : 40 sorties positives, 12 neutres."
    table: Table | None = None
    markup: str = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        '<title>Sorties par catégorie</title><rect class="bar" width="4" height="10"/></svg>'
    )

    def svg(self):
        return self.markup

    def png(self):
        return b"\x89PNG\r\n\x1a\n"


def sorties_table(**kwargs):
    return Table(
        "Sorties par catégorie",
        [
            Column("Catégorie"),
            Column("Sorties", "count"),
            Column("Part", "percent"),
            Column("Durée moyenne", "months"),
            Column("Coût", "currency"),
        ],
        [
            ["Positive", 1234, 0.453, 8.4, 1500],
            ["Neutre", Suppressed(11), Suppressed(11), 10.25, None],
        ],
        **kwargs,
    )


def full_document(**kwargs):
    chart = FakeChart(table=sorties_table())
    defaults = dict(
        title="Bilan 2019",
        subtitle="Comité de suivi",
        date=dt.date(2020, 3, 12),
        organisation="PLIE Terres de Lorraine",
        banner="Données de démonstration – fictives",
        disclosure=DisclosureNote(11),
        metadata={"snapshot": "import-42", "version": "0.1.0", "periode": {"debut": "2019-01-01"}},
        sections=[
            Section(
                "Chiffres clés",
                [
                    KeyFigures(
                        [
                            KeyFigure(
                                "Participants accompagnés",
                                1234,
                                definition="Parcours ouverts pendant la période.",
                                source="Import du 2 janvier 2020",
                                period=YEAR_2019,
                            ),
                            KeyFigure("Taux de sorties positives", 0.453, unit="percent"),
                            KeyFigure("Durée moyenne de parcours", 14.2, unit="months"),
                            KeyFigure("Coût par participant", 2500, unit="currency"),
                            KeyFigure("Décès", 2, suppressed=True),
                        ]
                    ),
                    Paragraph(
                        ["Le taux ", Run("progresse", bold=True), " ", Run("nettement", italic=True), "."]
                    ),
                ],
            ),
            Section(
                "Sorties",
                [
                    sorties_table(
                        source="Import ESF+", period=YEAR_2019, definition="Sorties de la période."
                    ),
                    Figure(chart, source="Import ESF+", period="2019"),
                    Callout("warning", "Données partielles", "Deux référents n'ont pas saisi leurs sorties."),
                ],
                subsections=[
                    Section("Par motif", [BulletList(["Emploi durable", "Formation"])]),
                    Section("Par motif", [Definition("Sortie positive", "Emploi ou formation qualifiante.")]),
                ],
            ),
            Section.empty("Offre d'insertion", "Aucune donnée d'offre n'a encore été importée."),
        ],
    )
    defaults.update(kwargs)
    return Document(**defaults)


# -------------------------------------------------------------------- tests


def test_document_is_well_formed_html_without_style_nor_script():
    markup = render_html(full_document())
    tree = Tree(markup)
    assert tree.root.children[0].tag == "article"
    assert not [e for e in tree.elements if "style" in e.attrs]
    assert not tree.find_all("script")
    assert not [e for e in tree.elements for name in e.attrs if name.startswith("on")]


def test_rendering_is_deterministic():
    assert render_html(full_document()) == render_html(full_document())


def test_headings_are_nested_without_skipping_levels():
    tree = Tree(render_html(full_document()))
    assert tree.headings() == [
        (1, "Bilan 2019"),
        (2, "Chiffres clés"),
        (2, "Sorties"),
        (3, "Par motif"),
        (3, "Par motif"),
        (2, "Offre d’insertion"),
    ]
    shifted = Tree(render_html(full_document(), heading_level_start=2)).headings()
    assert [level for level, _ in shifted] == [2, 3, 3, 4, 4, 3]


def test_headings_deeper_than_h6_stay_headings():
    deep = Section("N1")
    for depth in range(6, 1, -1):
        deep = Section(f"N{depth}", subsections=[deep])
    tree = Tree(render_section_html(deep, 3))
    levels = [level for level, _ in tree.headings()]
    assert levels == [3, 4, 5, 6, 7, 8]
    for previous, current in zip(levels, levels[1:], strict=False):
        assert current == previous + 1


def test_sections_carry_their_unique_slug_as_id():
    document = full_document()
    tree = Tree(render_html(document, toc=True))
    ids = [e.attrs["id"] for e in tree.find_all("section")]
    assert ids == [slug for _level, _title, slug in document.outline()]
    assert ids == ["chiffres-cles", "sorties", "par-motif", "par-motif-2", "offre-d-insertion"]
    nav = tree.find("nav", "rp-toc")
    links = [a.attrs["href"] for a in tree.find_all("a") if _inside(a, nav)]
    assert links == ["#" + slug for slug in ids]
    all_ids = [e.attrs["id"] for e in tree.elements if "id" in e.attrs]
    assert len(all_ids) == len(set(all_ids))


def test_id_prefix_applies_to_ids_and_links():
    tree = Tree(render_html(full_document(), toc=True, id_prefix="rapport-"))
    assert tree.find("section").attrs["id"] == "rapport-chiffres-cles"
    assert tree.find("a").attrs["href"] == "#rapport-chiffres-cles"


def test_standalone_section_makes_subsection_slugs_unique():
    section = Section("Public", subsections=[Section("Âge"), Section("Âge")])
    tree = Tree(render_section_html(section, 2))
    assert [e.attrs["id"] for e in tree.find_all("section")] == ["public", "age", "age-2"]
    assert tree.headings() == [(2, "Public"), (3, "Âge"), (3, "Âge")]


def test_table_structure_and_french_formatting():
    tree = Tree(render_block_html(sorties_table(source="Import", period=YEAR_2019, definition="Sorties.")))
    table = tree.find("table", "rp-table")
    assert tree.find("caption").text == "Sorties par catégorie"
    headers = tree.find_all("th")
    col_headers = [th for th in headers if th.attrs.get("scope") == "col"]
    assert [th.text for th in col_headers] == ["Catégorie", "Sorties", "Part", "Durée moyenne", "Coût"]
    assert "rp-num" not in col_headers[0].classes
    assert all("rp-num" in th.classes for th in col_headers[1:])
    rows = [tr for tr in tree.find_all("tr") if tr.parent.tag == "tbody"]
    first = [cell.text for cell in rows[0].children]
    assert first == ["Positive", f"1{NNBSP}234", f"45,3{NNBSP}%", f"8,4{NBSP}mois", f"1{NNBSP}500{NNBSP}€"]
    assert rows[0].children[0].tag == "th" and rows[0].children[0].attrs["scope"] == "row"
    assert all(cell.tag == "td" and "rp-num" in cell.classes for cell in rows[0].children[1:])
    second = [cell.text for cell in rows[1].children]
    assert second == ["Neutre", "s", "s", f"10,3{NBSP}mois", "–"]  # halves round up (reperes.formats)
    assert "rp-suppressed" in rows[1].children[1].classes
    assert table.parent.classes == ["rp-table-wrap"]
    assert tree.find("p", "rp-source").text == f"Source{NBSP}: Import"
    assert tree.find("p", "rp-period").text == f"Période{NBSP}: année 2019"
    assert tree.find("p", "rp-definition").text == f"Définition{NBSP}: Sorties."
    assert "ou masqué pour en protéger un autre" in tree.find("ul", "rp-notes").text


def test_suppressed_cells_never_show_a_raw_number():
    markup = render_block_html(
        Table("T", [Column("Motif"), Column("N", "count")], [["Décès", Suppressed(11)]], notes=["Note."])
    )
    assert "&lt; 11" not in markup and ">s<" in markup
    assert [li.text for li in Tree(markup).find("ul", "rp-notes").children] == [
        "Note.",
        f"s{NBSP}: effectif inférieur à 11, ou masqué pour en protéger un autre.",
    ]


def test_table_without_suppression_has_no_suppression_note_and_keeps_totals():
    table = Table(
        "T", [Column("Motif"), Column("N", "count")], [["A", 1000], ["B", 234]], footer_rows=[["Total", 1234]]
    )
    tree = Tree(render_block_html(table))
    assert not tree.find_all("ul", "rp-notes")
    foot = tree.find("tfoot")
    assert [c.text for c in foot.children[0].children] == ["Total", f"1{NNBSP}234"]


def test_empty_table_says_so():
    tree = Tree(render_block_html(Table("T", [Column("Motif"), Column("N", "count")], [])))
    cell = tree.find("td", "rp-empty")
    assert cell.text == "Aucune donnée." and cell.attrs["colspan"] == "2"


def test_key_figures_are_formatted_with_definition_source_and_period():
    tree = Tree(render_html(full_document()))
    items = tree.find("ul", "rp-keyfigures").children
    values = [tree_item_value(li) for li in items]
    assert values == [f"1{NNBSP}234", f"45,3{NNBSP}%", f"14,2{NBSP}mois", f"2{NNBSP}500{NNBSP}€", "s"]
    first = items[0]
    assert [e.text for e in first.children if "rp-keyfigure__label" in e.classes] == [
        "Participants accompagnés"
    ]
    details = [e for e in first.children if e.tag == "details"][0]
    assert details.children[0].tag == "summary" and details.children[0].text == "Définition"
    assert details.children[1].classes == ["rp-definition"]
    assert details.children[1].text == "Parcours ouverts pendant la période."
    assert f"Source{NBSP}: Import du 2 janvier 2020" in first.text
    assert f"Période{NBSP}: année 2019" in first.text
    assert "ou masqué pour en protéger un autre" in items[4].text
    assert "2" not in tree_item_value(items[4]).replace("s", "")


def tree_item_value(item):
    return [e.text for e in item.children if "rp-keyfigure__value" in e.classes][0]


def test_single_key_figure_block():
    tree = Tree(render_block_html(KeyFigure("Entrées", 0.5, unit="number", decimals=2)))
    assert tree.find("div", "rp-keyfigure").tag == "div"
    assert tree.find("p", "rp-keyfigure__value").text == "0,50"


def test_empty_section_shows_its_message_visibly():
    tree = Tree(render_html(full_document()))
    section = tree.find_all("section")[-1]
    note = [e for e in section.children if "rp-empty" in e.classes][0]
    assert note.tag == "p" and note.attrs["role"] == "note"
    assert note.text == "Aucune donnée d’offre n’a encore été importée."


def test_figure_inlines_the_svg_and_offers_the_data():
    tree = Tree(render_html(full_document()))
    figure = tree.find("figure", "rp-figure")
    assert figure.children[0].tag == "figcaption" and figure.children[0].text == "Figure\u00a01 – Sorties par catégorie"
    chart = [e for e in figure.children if "rp-figure__chart" in e.classes][0]
    assert chart.attrs["role"] == "img"
    assert chart.attrs["aria-label"] == "Barres horizontales\u00a0: 40 sorties positives, 12 neutres."  # typography
    assert chart.children[0].tag == "svg"
    details = [e for e in figure.children if e.tag == "details"][0]
    assert details.children[0].text == "Voir les données"
    data = [e for e in tree.elements if e.tag == "table" and _inside(e, details)]
    assert len(data) == 1
    assert f"1{NNBSP}234" in details.text and "Neutress" in details.text and "< 11" not in details.text
    assert f"Source{NBSP}: Import ESF+" in figure.text and f"Période{NBSP}: 2019" in figure.text


def _inside(element, ancestor):
    while element is not None:
        if element is ancestor:
            return True
        element = element.parent
    return False


def test_figure_drops_the_xml_prolog_and_refuses_scripts():
    prolog = FakeChart(markup='<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE svg>\n<svg></svg>')
    markup = render_block_html(Figure(prolog))
    assert "<?xml" not in markup and "DOCTYPE" not in markup and "<svg></svg>" in markup
    for hostile in ("<svg><script>alert(1)</script></svg>", '<svg><rect onclick="alert(1)"/></svg>'):
        with pytest.raises(ValueError, match="script"):
            render_block_html(Figure(FakeChart(markup=hostile)))


def test_figure_without_data_table_has_no_details():
    tree = Tree(render_block_html(Figure(FakeChart(), caption="Autre légende")))
    assert not tree.find_all("details")
    assert tree.find("figcaption").text == "Autre légende"


def test_banner_disclosure_byline_and_metadata_appear():
    tree = Tree(render_html(full_document()))
    header = tree.find("header", "rp-document__header")
    banner = header.children[0]
    assert "rp-banner-demo" in banner.classes and banner.text == "Données de démonstration – fictives"
    assert tree.find("p", "rp-lead").text == "Comité de suivi"
    byline = tree.find("p", "rp-document__byline")
    assert byline.text == "PLIE Terres de Lorraine – 12 mars 2020"
    assert tree.find("time").attrs["datetime"] == "2020-03-12"
    disclosure = tree.find("div", "rp-disclosure")
    assert disclosure.text.startswith(f"Secret statistique{NBSP}: ") and f"«{NBSP}s{NBSP}»" in disclosure.text
    metadata = tree.find("details", "rp-metadata")
    assert [e.text for e in tree.find_all("dt") if _inside(e, metadata)] == ["snapshot", "version", "periode"]
    assert '{"debut": "2019-01-01"}' in metadata.text


def test_document_without_optional_parts_renders_only_what_it_has():
    tree = Tree(render_html(Document("Rapport", [Section("A", [Paragraph("x")])])))
    for cls in ("rp-banner-demo", "rp-disclosure", "rp-metadata", "rp-document__byline", "rp-toc"):
        assert not tree.find_all(cls=cls), cls


def test_paragraph_runs_and_other_blocks():
    tree = Tree(render_html(full_document()))
    paragraph = tree.find("p", "rp-paragraph")
    assert paragraph.text == "Le taux progresse nettement."
    assert [(e.tag, e.text) for e in paragraph.children] == [("strong", "progresse"), ("em", "nettement")]
    callout = tree.find("div", "rp-callout")
    assert callout.classes == ["rp-callout", "rp-callout--warning"]
    assert callout.text.startswith(f"Attention{NBSP}: Données partielles")
    assert [li.text for li in tree.find("ul", "rp-list").children] == ["Emploi durable", "Formation"]
    glossary = tree.find("dl", "rp-glossary")
    assert [e.text for e in glossary.children] == ["Sortie positive", "Emploi ou formation qualifiante."]
    ordered = Tree(render_block_html(BulletList(["un", "deux"], ordered=True)))
    assert ordered.find("ol", "rp-list")


@pytest.mark.parametrize("kind", ["info", "warning", "question", "finding"])
def test_callout_kinds_have_a_class_and_a_visible_label(kind):
    tree = Tree(render_block_html(Callout(kind, None, "Texte")))
    callout = tree.find("div", "rp-callout")
    assert f"rp-callout--{kind}" in callout.classes
    # The kind is said in words, not by colour only.
    assert tree.find("span", "rp-callout__kind").text in {"Information", "Attention", "Question", "Constat"}


def test_hostile_text_is_escaped_everywhere():
    chart = FakeChart(title=HOSTILE, description=HOSTILE, table=Table(HOSTILE, [HOSTILE], [[HOSTILE]]))
    document = Document(
        HOSTILE,
        subtitle=HOSTILE,
        organisation=HOSTILE,
        author=HOSTILE,
        banner=HOSTILE,
        disclosure=DisclosureNote(11, HOSTILE),
        metadata={HOSTILE: HOSTILE},
        sections=[
            Section(
                HOSTILE,
                [
                    Paragraph(HOSTILE),
                    Paragraph([Run(HOSTILE, bold=True)]),
                    KeyFigures([KeyFigure(HOSTILE, 1, definition=HOSTILE, source=HOSTILE, period=HOSTILE)]),
                    Table(
                        HOSTILE,
                        [Column(HOSTILE), Column(HOSTILE, "count")],
                        [[HOSTILE, HOSTILE]],
                        source=HOSTILE,
                        definition=HOSTILE,
                        notes=[HOSTILE],
                        period=HOSTILE,
                    ),
                    Figure(chart, source=HOSTILE, definition=HOSTILE),
                    Callout("info", HOSTILE, HOSTILE),
                    BulletList([HOSTILE]),
                    Definition(HOSTILE, HOSTILE),
                ],
            ),
            Section.empty("Vide", HOSTILE),
        ],
    )
    markup = render_html(document, toc=True)
    assert "<script" not in markup
    assert "&lt;script&gt;" in markup
    assert '" onmouseover' not in markup
    tree = Tree(markup)  # still well formed: nothing broke out of its element or attribute
    assert not [e for e in tree.elements for name in e.attrs if name.startswith("on")]
    assert tree.find("h1").text == HOSTILE
    assert tree.find("div", "rp-figure__chart").attrs["aria-label"] == HOSTILE
    assert unescape(markup).count(HOSTILE) >= 25


def test_every_block_type_has_an_html_rendering():
    for block_type in BLOCK_TYPES:
        assert hasattr(HtmlRenderer, f"visit_{block_type.node_type}"), block_type


def test_heading_level_must_be_positive():
    with pytest.raises(ValueError):
        render_html(full_document(), heading_level_start=0)
