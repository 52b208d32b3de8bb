"""The document model that every report of Repères is built as, whatever its output format.

A report is a tree: a :class:`Document` holds :class:`Section` objects, which
hold blocks (:class:`Paragraph`, :class:`KeyFigure`, :class:`KeyFigures`,
:class:`Table`, :class:`Figure`, :class:`Callout`, :class:`BulletList`,
:class:`Definition`) and subsections. The HTML renderer walks it today; the
DOCX, PDF and PPTX renderers will walk the same tree. So the model holds raw
values and plain text only — no markup, no formatted numbers: each renderer
formats values in French (through :mod:`reperes.documents.formatting`, which
uses :mod:`reperes.formats`) and escapes text for its own output.

Nodes are frozen dataclasses. Sequences given as lists are stored as tuples, so
a built tree is not changed behind a renderer's back (``metadata`` stays a
dict, copied). Every node has a ``node_type`` (``"table"``, ``"key_figure"``…) on
which a renderer dispatches, for instance through :class:`Visitor`.

Disclosure control (« secret statistique ») is applied before the model, by
the one function that does it; the model only carries its outcome: a cell or a
key figure whose value is a :class:`Suppressed` marker, shown as ``s``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, NamedTuple, Protocol, TypeAlias, runtime_checkable

from reperes import formats
from reperes.analytics.populations import Period  # the one period type (a node of this model too)

DEFAULT_SEUIL = 11

Unit: TypeAlias = Literal["text", "count", "number", "percent", "months", "currency", "date"]
UNITS: frozenset[str] = frozenset(("text", "count", "number", "percent", "months", "currency", "date"))
# Units whose values are numbers: right-aligned in tables.
NUMERIC_UNITS: frozenset[str] = frozenset(("count", "number", "percent", "months", "currency"))

Align: TypeAlias = Literal["left", "right", "center"]
ALIGNS: frozenset[str] = frozenset(("left", "right", "center"))

CalloutKind: TypeAlias = Literal["info", "warning", "question", "finding"]
CALLOUT_KINDS: frozenset[str] = frozenset(("info", "warning", "question", "finding"))


def _set(obj: object, name: str, value: object) -> None:
    """Normalise a field of a frozen dataclass in ``__post_init__``."""
    object.__setattr__(obj, name, value)


def _check_choice(value: str, allowed: frozenset[str], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"Unknown {what} {value!r}; expected one of {sorted(allowed)}.")


# --------------------------------------------------------------------------- text


@dataclass(frozen=True)
class Run:
    """A piece of text with its emphasis, inside a paragraph, a list item or a callout."""

    text: str
    bold: bool = False
    italic: bool = False

    node_type: ClassVar[str] = "run"


# A text is either a plain string or a sequence of runs (stored as a tuple).
Text: TypeAlias = str | tuple[Run, ...]


def _text(value: str | Run | Iterable[str | Run], what: str = "text") -> str | tuple[Run, ...]:
    if isinstance(value, str):
        return value
    if isinstance(value, Run):
        return (value,)
    if isinstance(value, Iterable):
        runs = []
        for item in value:
            if isinstance(item, str):
                runs.append(Run(item))
            elif isinstance(item, Run):
                runs.append(item)
            else:
                raise TypeError(f"A {what} is a string or a sequence of Run; got {type(item).__name__}.")
        return tuple(runs)
    raise TypeError(f"A {what} is a string or a sequence of Run; got {type(value).__name__}.")


def _optional_text(value: Any, what: str = "text") -> str | tuple[Run, ...] | None:
    return None if value is None else _text(value, what)


def plain_text(text: str | Sequence[Run] | None) -> str:
    """The text without its emphasis (for alt texts, slides' notes, bookmarks)."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return "".join(run.text for run in text)


# ---------------------------------------------------------------- values and notes


@dataclass(frozen=True)
class Suppressed:
    """A value hidden by disclosure control: renderers show ``s`` (secret statistique), never the value."""

    seuil: int = DEFAULT_SEUIL

    node_type: ClassVar[str] = "suppressed"


@dataclass(frozen=True)
class DisclosureNote:
    """Which disclosure rule the document's figures follow, in one French sentence.

    Leave ``text`` empty for the standard sentence built from ``seuil``.
    """

    seuil: int = DEFAULT_SEUIL
    text: str = ""

    node_type: ClassVar[str] = "disclosure_note"

    def __post_init__(self) -> None:
        if not self.text:
            _set(self, "text", standard_disclosure_text(self.seuil))


def standard_disclosure_text(seuil: int) -> str:
    """The rule of indicateurs.md (« Disclosure control ») in one French sentence.

    The seuil is a small integer, printed as is (no thousands separator below 1000).
    """
    return (
        f"Un effectif non nul inférieur à {seuil} personnes n'est pas diffusé, ni un taux dont le numérateur "
        f"ou le dénominateur est masqué\u00a0; d'autres cases sont masquées lorsqu'elles permettraient de le "
        f"recalculer. Toutes apparaissent comme «\u00a0{formats.suppressed(seuil)}\u00a0» "
        f"({formats.suppression_legend(seuil)}). Zéro reste zéro."
    )


# ------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Paragraph:
    """Plain text, or a sequence of :class:`Run` for bold and italic words."""

    text: str | Sequence[Run]

    node_type: ClassVar[str] = "paragraph"

    def __post_init__(self) -> None:
        _set(self, "text", _text(self.text, "paragraph"))


@dataclass(frozen=True)
class KeyFigure:
    """One figure put forward (« 1 234 participants accompagnés »), with what it means and where it comes from.

    ``value`` is raw (``0.453`` for 45,3 %, with ``unit="percent"``); renderers
    format it. A key figure hidden by disclosure control has a
    :class:`Suppressed` value; ``suppressed=True`` with a raw value replaces the
    value by ``Suppressed(seuil)``, so no renderer can print it by mistake.
    """

    label: str
    value: int | float | Suppressed | None
    unit: Unit = "count"
    definition: str | None = None
    source: str | None = None
    period: Period | str | None = None
    suppressed: bool = False
    seuil: int = DEFAULT_SEUIL
    decimals: int | None = None

    node_type: ClassVar[str] = "key_figure"

    def __post_init__(self) -> None:
        _check_choice(self.unit, UNITS, "unit")
        if isinstance(self.value, Suppressed):
            _set(self, "suppressed", True)
            _set(self, "seuil", self.value.seuil)
        elif self.suppressed:
            _set(self, "value", Suppressed(self.seuil))


@dataclass(frozen=True)
class KeyFigures:
    """A row of key figures, shown side by side."""

    items: Sequence[KeyFigure]

    node_type: ClassVar[str] = "key_figures"

    def __post_init__(self) -> None:
        items = tuple(self.items)
        for item in items:
            if not isinstance(item, KeyFigure):
                raise TypeError(f"KeyFigures holds KeyFigure items; got {type(item).__name__}.")
        _set(self, "items", items)


@dataclass(frozen=True)
class Column:
    """A table column: its label, the unit of its values, their alignment.

    ``align`` defaults to right for numbers, left otherwise; ``decimals``
    overrides the unit's usual number of decimals.
    """

    label: str
    unit: Unit = "text"
    align: Align | None = None
    decimals: int | None = None

    node_type: ClassVar[str] = "column"

    def __post_init__(self) -> None:
        _check_choice(self.unit, UNITS, "unit")
        if self.align is None:
            _set(self, "align", "right" if self.unit in NUMERIC_UNITS else "left")
        _check_choice(self.align, ALIGNS, "alignment")


Cell: TypeAlias = str | int | float | dt.date | Suppressed | None


@dataclass(frozen=True)
class Table:
    """A data table. Cells hold raw values (or :class:`Suppressed`), formatted by the column's unit.

    With ``row_headers`` (the default) the first cell of each row names the
    row (``<th scope="row">`` in HTML). ``footer_rows`` are totals.
    """

    caption: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]
    source: str | None = None
    period: Period | str | None = None
    definition: str | None = None
    notes: Sequence[str] = ()
    row_headers: bool = True
    footer_rows: Sequence[Sequence[Any]] = ()
    key: str | None = None  # the name a text refers to it by: « [[ref:key]] » (see :func:`numbered`)
    number: int | None = None  # « Tableau 3 », set by :func:`numbered`

    node_type: ClassVar[str] = "table"

    def __post_init__(self) -> None:
        columns = tuple(Column(c) if isinstance(c, str) else c for c in self.columns)
        if not columns:
            raise ValueError(f"Table {self.caption!r} has no column.")
        _set(self, "columns", columns)
        for name in ("rows", "footer_rows"):
            rows = tuple(tuple(row) for row in getattr(self, name))
            for index, row in enumerate(rows, start=1):
                if len(row) != len(columns):
                    raise ValueError(
                        f"Table {self.caption!r}: row {index} of {name} has {len(row)} cells "
                        f"for {len(columns)} columns."
                    )
            _set(self, name, rows)
        _set(self, "notes", tuple(self.notes))

    @property
    def seuils(self) -> tuple[int, ...]:
        """The thresholds of the suppressed cells, sorted; empty when none is suppressed."""
        return tuple(
            sorted(
                {
                    cell.seuil
                    for row in self.rows + self.footer_rows
                    for cell in row
                    if isinstance(cell, Suppressed)
                }
            )
        )

    @property
    def has_suppressed(self) -> bool:
        return bool(self.seuils)


@runtime_checkable
class Chart(Protocol):
    """What :class:`Figure` needs from a chart (``reperes.charts`` provides them).

    ``svg()`` is trusted markup made by our own chart code (inlined as is in
    HTML: no script, no inline style); ``table`` holds the chart's data, shown
    next to it for those who cannot see the chart.
    """

    title: str
    description: str
    table: Table | None

    def svg(self) -> str: ...

    def png(self) -> bytes: ...


@dataclass(frozen=True)
class Figure:
    """A chart with its caption (defaults to the chart's title) and the data behind it."""

    chart: Chart
    caption: str | None = None
    source: str | None = None
    period: Period | str | None = None
    definition: str | None = None
    key: str | None = None  # the name a text refers to it by: « [[ref:key]] » (see :func:`numbered`)
    number: int | None = None  # « Figure 2 », set by :func:`numbered`

    node_type: ClassVar[str] = "figure"

    def __post_init__(self) -> None:
        if self.caption is None:
            _set(self, "caption", self.chart.title)

    @property
    def table(self) -> Table | None:
        """The chart's data as a model Table.

        ``reperes.charts`` gives its data as already-formatted French text
        (``headers``, ``rows``); it becomes a table of text columns, the first
        naming each row, so every renderer shows the same cells as the chart.
        """
        table = getattr(self.chart, "table", None)
        if table is None or isinstance(table, Table):
            return table
        headers = list(table.headers)
        columns = [Column(headers[0])] + [Column(h, "text", align="right") for h in headers[1:]]
        return Table(table.caption, columns, [list(row) for row in table.rows])


@dataclass(frozen=True)
class Callout:
    """A boxed remark: ``info``, ``warning`` (a caveat on the data), ``question`` (for the comité), ``finding``."""

    kind: CalloutKind
    title: str | None
    text: str | Sequence[Run]

    node_type: ClassVar[str] = "callout"

    def __post_init__(self) -> None:
        _check_choice(self.kind, CALLOUT_KINDS, "callout kind")
        _set(self, "text", _text(self.text, "callout"))


@dataclass(frozen=True)
class BulletList:
    """A list of short texts (each a string or runs); numbered when ``ordered``."""

    items: Sequence[str | Sequence[Run]]
    ordered: bool = False

    node_type: ClassVar[str] = "bullet_list"

    def __post_init__(self) -> None:
        _set(self, "items", tuple(_text(item, "list item") for item in self.items))


@dataclass(frozen=True)
class Definition:
    """A term and what it means (a glossary entry)."""

    term: str
    text: str | Sequence[Run]

    node_type: ClassVar[str] = "definition"

    def __post_init__(self) -> None:
        _set(self, "text", _text(self.text, "definition"))


Block: TypeAlias = Paragraph | KeyFigure | KeyFigures | Table | Figure | Callout | BulletList | Definition
BLOCK_TYPES: tuple[type, ...] = (
    Paragraph,
    KeyFigure,
    KeyFigures,
    Table,
    Figure,
    Callout,
    BulletList,
    Definition,
)


# ------------------------------------------------------------------------ sections

DEFAULT_EMPTY_MESSAGE = "Aucune donnée n'est disponible pour cette section."

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "’": "-", "'": "-"})


def slugify(text: str) -> str:
    """A stable, ASCII anchor name: ``"Sorties : répartition par motif"`` → ``"sorties-repartition-par-motif"``."""
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_LIGATURES)).encode("ascii", "ignore").decode("ascii")
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "section"


@dataclass(frozen=True)
class Section:
    """A titled part of a document: blocks, then subsections.

    A section without content never vanishes: it shows ``empty_message`` (or
    :data:`DEFAULT_EMPTY_MESSAGE`), so a reader knows the data is missing
    rather than forgotten. Build one with :meth:`empty`, or give an
    ``empty_message`` that applies when ``blocks`` turn out empty.

    ``slug`` (an anchor and bookmark name) is derived from the title unless
    given; within a :class:`Document` slugs are made unique in reading order
    (``bilan``, ``bilan-2``…), so they stay stable from one run to the next.
    """

    title: str
    blocks: Sequence[Block] = ()
    subsections: Sequence[Section] = ()
    slug: str | None = None
    empty_message: str | None = None

    node_type: ClassVar[str] = "section"

    def __post_init__(self) -> None:
        blocks = tuple(self.blocks)
        for block in blocks:
            if not isinstance(block, BLOCK_TYPES):
                raise TypeError(f"Section {self.title!r}: {type(block).__name__} is not a block.")
        subsections = tuple(self.subsections)
        for sub in subsections:
            if not isinstance(sub, Section):
                raise TypeError(f"Section {self.title!r}: subsections are Section; got {type(sub).__name__}.")
        _set(self, "blocks", blocks)
        _set(self, "subsections", subsections)
        _set(self, "slug", slugify(self.slug if self.slug else self.title))

    @classmethod
    def empty(cls, title: str, message: str = DEFAULT_EMPTY_MESSAGE, *, slug: str | None = None) -> Section:
        return cls(title, slug=slug, empty_message=message)

    @property
    def is_empty(self) -> bool:
        return not self.blocks and not self.subsections

    @property
    def message(self) -> str | None:
        """What to show in place of content, or ``None`` when the section has some."""
        if not self.is_empty:
            return None
        return self.empty_message or DEFAULT_EMPTY_MESSAGE

    def iter_sections(self, level: int = 1) -> Iterator[tuple[int, Section]]:
        """This section and its subsections in reading order, with their depth (this one at ``level``)."""
        yield level, self
        for sub in self.subsections:
            yield from sub.iter_sections(level + 1)

    def iter_blocks(self) -> Iterator[tuple[Section, Block]]:
        """Every block of this section and its subsections, in reading order, with its section."""
        for _level, section in self.iter_sections():
            for block in section.blocks:
                yield section, block

    def walk(self, level: int = 1) -> Iterator[tuple[int, Node]]:
        """Every node (sections, blocks, the key figures of a row) in reading order, with its section's depth."""
        yield level, self
        for block in self.blocks:
            yield level, block
            if isinstance(block, KeyFigures):
                for item in block.items:
                    yield level, item
        for sub in self.subsections:
            yield from sub.walk(level + 1)


def with_unique_slugs(sections: Iterable[Section], used: set[str] | None = None) -> tuple[Section, ...]:
    """The same sections, their slugs made unique in reading order (``bilan``, ``bilan-2``, ``bilan-3``)."""
    used = set() if used is None else used
    result = []
    for section in sections:
        base = slug = section.slug
        number = 2
        while slug in used:
            slug = f"{base}-{number}"
            number += 1
        used.add(slug)
        subsections = with_unique_slugs(section.subsections, used)
        if slug != section.slug or subsections != section.subsections:
            section = dataclasses.replace(section, slug=slug, subsections=subsections)
        result.append(section)
    return tuple(result)


# ------------------------------------------------------------------------ document


class OutlineEntry(NamedTuple):
    """One line of a table of contents or one PDF bookmark."""

    level: int
    title: str
    slug: str


@dataclass(frozen=True)
class Document:
    """A whole report.

    ``banner`` is shown prominently on every page (« Données de démonstration –
    fictives »); ``disclosure`` says which disclosure rule the figures follow;
    ``metadata`` records what reproduces the document (data snapshot, software
    version, parameters) and is printed as is.
    """

    title: str
    sections: Sequence[Section] = ()
    subtitle: str | None = None
    date: dt.date | None = None
    organisation: str | None = None
    author: str | None = None
    banner: str | None = None
    disclosure: DisclosureNote | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    node_type: ClassVar[str] = "document"

    def __post_init__(self) -> None:
        sections = tuple(self.sections)
        for section in sections:
            if not isinstance(section, Section):
                raise TypeError(f"Document sections are Section; got {type(section).__name__}.")
        _set(self, "sections", with_unique_slugs(sections))
        _set(self, "metadata", dict(self.metadata))

    def iter_sections(self) -> Iterator[tuple[int, Section]]:
        """Every section in reading order with its depth (top-level sections at 1)."""
        for section in self.sections:
            yield from section.iter_sections(1)

    def iter_blocks(self) -> Iterator[tuple[Section, Block]]:
        """Every block in reading order, with the section that holds it."""
        for section in self.sections:
            yield from section.iter_blocks()

    def walk(self) -> Iterator[tuple[int, Node]]:
        """Every node in reading order with its depth: the document at 0, top-level sections at 1."""
        yield 0, self
        for section in self.sections:
            yield from section.walk(1)

    def outline(self) -> list[OutlineEntry]:
        """``(level, title, slug)`` of every section in reading order, for a table of contents or bookmarks."""
        return [OutlineEntry(level, section.title, section.slug) for level, section in self.iter_sections()]

    @property
    def has_suppressed(self) -> bool:
        """Whether any value of the document is hidden by disclosure control."""
        for _level, node in self.walk():
            if isinstance(node, Table) and node.has_suppressed:
                return True
            if isinstance(node, Figure) and node.table is not None and node.table.has_suppressed:
                return True
            if isinstance(node, KeyFigure) and node.suppressed:
                return True
        return False


Node: TypeAlias = Document | Section | Block


class Visitor:
    """Dispatch on a node's ``node_type``: ``visit(table)`` calls ``self.visit_table(table)``.

    A renderer subclasses it and writes one ``visit_<node_type>`` per node type;
    a type it does not handle raises, so a block type added to the model cannot
    be silently dropped by a renderer.
    """

    def visit(self, node: Any, *args: Any, **kwargs: Any) -> Any:
        method = getattr(self, f"visit_{node.node_type}", None)
        if method is None:
            return self.generic_visit(node, *args, **kwargs)
        return method(node, *args, **kwargs)

    def generic_visit(self, node: Any, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"{type(self).__name__} does not render nodes of type {node.node_type!r}.")


# --------------------------------------------------------------------------- numbered captions

TABLE_WORD, FIGURE_WORD = "Tableau", "Figure"
REFERENCE = re.compile(r"\[\[ref:([A-Za-z0-9_.:-]+)\]\]")


def caption_label(block: Table | Figure) -> str:
    """The caption as every renderer prints it: « Tableau 3 – Sorties par motif »."""
    caption = block.caption if isinstance(block, Table) else (block.caption or block.chart.title)
    if block.number is None:
        return caption
    word = TABLE_WORD if isinstance(block, Table) else FIGURE_WORD
    return f"{word}\u00a0{block.number} – {caption}"


def numbered(document: Document) -> Document:
    """The document as printed: tables and figures numbered in reading order, references resolved, and
    French typography on every generated text (:func:`reperes.formats.typography`).

    A text refers to a table or a figure by its ``key``: « (voir [[ref:sorties]]) »
    becomes « (voir tableau 3) ». Every renderer receives the numbered document,
    so the four formats carry the same numbers. A reference to a key that no
    block of the document holds raises: a report never prints a dangling one.
    """
    counters = {"table": 0, "figure": 0}
    labels: dict[str, str] = {}

    def number_block(block: Any) -> Any:
        if isinstance(block, Table | Figure):
            kind = block.node_type
            counters[kind] += 1
            if block.key:
                word = TABLE_WORD if kind == "table" else FIGURE_WORD
                labels[block.key] = f"{word.lower()}\u00a0{counters[kind]}"
            return dataclasses.replace(block, number=counters[kind])
        return block

    def number_section(section: Section) -> Section:
        return dataclasses.replace(section, blocks=tuple(number_block(b) for b in section.blocks),
                                   subsections=tuple(number_section(sub) for sub in section.subsections))

    sections = tuple(number_section(section) for section in document.sections)

    def resolve(text: Any) -> Any:
        if isinstance(text, str):
            def label(match: re.Match) -> str:
                if match.group(1) not in labels:
                    raise ValueError(f"Reference to an unknown table or figure {match.group(1)!r}.")
                return labels[match.group(1)]
            return formats.typography(REFERENCE.sub(label, text))
        if isinstance(text, tuple) and text and all(isinstance(run, Run) for run in text):
            return tuple(dataclasses.replace(run, text=resolve(run.text)) for run in text)
        return text

    def resolve_block(block: Any) -> Any:
        if isinstance(block, BulletList):
            return dataclasses.replace(block, items=tuple(resolve(item) for item in block.items))
        if isinstance(block, Callout):
            return dataclasses.replace(block, text=resolve(block.text), title=resolve(block.title))
        if isinstance(block, Paragraph | Definition):
            return dataclasses.replace(block, text=resolve(block.text))
        if isinstance(block, Table):
            return dataclasses.replace(block, caption=resolve(block.caption), notes=tuple(map(resolve, block.notes)),
                                       definition=resolve(block.definition), source=resolve(block.source),
                                       columns=tuple(dataclasses.replace(c, label=resolve(c.label))
                                                     for c in block.columns),
                                       rows=tuple(tuple(map(resolve, row)) for row in block.rows),
                                       footer_rows=tuple(tuple(map(resolve, row)) for row in block.footer_rows))
        if isinstance(block, Figure):
            return dataclasses.replace(block, caption=resolve(block.caption), definition=resolve(block.definition),
                                       source=resolve(block.source))
        if isinstance(block, KeyFigures):
            return dataclasses.replace(block, items=tuple(resolve_block(item) for item in block.items))
        if isinstance(block, KeyFigure):
            return dataclasses.replace(block, label=resolve(block.label), definition=resolve(block.definition),
                                       source=resolve(block.source))
        return block

    def resolve_section(section: Section) -> Section:
        return dataclasses.replace(section, title=resolve(section.title), slug=section.slug,
                                   empty_message=resolve(section.empty_message),
                                   blocks=tuple(resolve_block(b) for b in section.blocks),
                                   subsections=tuple(resolve_section(sub) for sub in section.subsections))

    disclosure = document.disclosure
    if disclosure is not None:
        disclosure = dataclasses.replace(disclosure, text=resolve(disclosure.text))
    return dataclasses.replace(document, title=resolve(document.title), subtitle=resolve(document.subtitle),
                               organisation=resolve(document.organisation),
                               metadata={key: resolve(value) for key, value in document.metadata.items()},
                               disclosure=disclosure,
                               sections=tuple(resolve_section(section) for section in sections))
