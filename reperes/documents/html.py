"""HTML renderer of the document model: a fragment for server-rendered Django templates.

Semantic HTML5 with the site's class names (``rp-table``, ``rp-num``,
``rp-keyfigure``, ``rp-callout rp-callout--warning``…) and no ``style``
attribute nor script, so it lives under the site's Content-Security-Policy.
Every text of the model is escaped here; the caller marks the result safe
(``mark_safe``) and nothing else. The only markup passed through is the
chart's SVG, made by our own chart code, and it is refused if it carries a
script. Output is deterministic: the same document gives the same bytes.

Headings follow the tree without skipping a level: the document's title at
``heading_level_start``, its sections one level below, and so on; beyond
``<h6>`` a heading is a ``<p role="heading" aria-level="7">``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from typing import Any

from reperes import formats

from .formatting import (
    CALLOUT_LABELS,
    LABELS,
    NBSP,
    format_metadata_value,
    format_period,
    format_value,
    suppression_note,
)
from .model import (
    BulletList,
    Callout,
    Column,
    Definition,
    Document,
    Figure,
    KeyFigure,
    KeyFigures,
    Paragraph,
    Period,
    Run,
    Section,
    Suppressed,
    Table,
    Visitor,
    caption_label,
    numbered,
    with_unique_slugs,
)
from .packaging import figure_alt

EMPTY_TABLE_MESSAGE = "Aucune donnée."
_SVG_TEXT = re.compile(r"(<(title|desc)\b[^>]*>)(.*?)(</\2>)", re.S)

_ALIGN_CLASSES = {"left": "", "right": "rp-num", "center": "rp-center"}
_XML_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.IGNORECASE)
_ACTIVE_SVG = re.compile(r"<script|<foreignObject|<[^>]*\son[a-z]+\s*=|javascript:", re.IGNORECASE)


def render_html(
    document: Document, *, heading_level_start: int = 1, toc: bool = False, id_prefix: str = ""
) -> str:
    """The whole document as an HTML fragment (an ``<article>``).

    ``heading_level_start`` is the level of the document's title (2 when the
    page already has its ``<h1>``). ``toc`` adds a « Sommaire » linking to the
    sections; ``id_prefix`` is prepended to every section's ``id``, should the
    page hold other elements whose ids could collide.
    """
    return HtmlRenderer(id_prefix=id_prefix).render_document(numbered(document), heading_level_start, toc=toc)


def render_section_html(section: Section, level: int = 2, *, id_prefix: str = "") -> str:
    """One section (and its subsections) as an HTML fragment, its title at heading ``level``."""
    (section,) = with_unique_slugs((section,))
    return HtmlRenderer(id_prefix=id_prefix).visit(section, level)


def render_block_html(block: Any, level: int = 2) -> str:
    """One block alone (a table, a key figure…), for a dashboard that shows it outside any document."""
    return HtmlRenderer().visit(block, level)


class HtmlRenderer(Visitor):
    """Renders nodes to HTML strings. ``visit(node, level)``: ``level`` is the current heading level."""

    def __init__(self, *, id_prefix: str = "") -> None:
        self.id_prefix = id_prefix

    # ---------------------------------------------------------------- document

    def render_document(self, document: Document, level: int = 1, *, toc: bool = False) -> str:
        if level < 1:
            raise ValueError(f"heading_level_start starts at 1, not {level}.")
        parts = ['<article class="rp-document">', '<header class="rp-document__header">']
        if document.banner:
            parts.append(
                f'<p class="rp-banner-demo rp-document__banner" role="note">{_e(document.banner)}</p>'
            )
        parts.append(_heading(level, document.title, css="rp-document__title"))
        if document.subtitle:
            parts.append(f'<p class="rp-lead rp-document__subtitle">{_e(document.subtitle)}</p>')
        byline = [_e(text) for text in (document.organisation, document.author) if text]
        if document.date is not None:
            byline.append(
                f'<time datetime="{document.date.isoformat()}">{_e(formats.date(document.date))}</time>'
            )
        if byline:
            parts.append(f'<p class="rp-document__byline">{" – ".join(byline)}</p>')
        parts.append("</header>")
        if document.disclosure is not None:
            parts.append(
                '<div class="rp-disclosure" role="note"><p>'
                f'<strong class="rp-disclosure__title">{_e(LABELS["disclosure"])}</strong>'
                f"{_e(_labelled(''))}{_e(document.disclosure.text)}</p></div>"
            )
        if toc and document.sections:
            parts.append(
                f'<nav class="rp-toc" aria-label="{_e(LABELS["toc"])}">'
                f'<p class="rp-toc__title">{_e(LABELS["toc"])}</p>{self._toc(document.sections)}</nav>'
            )
        parts.extend(self.visit(section, level + 1) for section in document.sections)
        if document.metadata:
            items = "".join(
                f"<dt>{_e(str(key))}</dt><dd>{_e(format_metadata_value(value))}</dd>"
                for key, value in document.metadata.items()
            )
            parts.append(
                '<footer class="rp-document__footer"><details class="rp-metadata">'
                f'<summary>{_e(LABELS["metadata"])}</summary><dl class="rp-metadata__list">{items}</dl>'
                "</details></footer>"
            )
        parts.append("</article>")
        return "\n".join(parts)

    def visit_document(self, document: Document, level: int = 1) -> str:
        return self.render_document(document, level)

    def _toc(self, sections: Sequence[Section]) -> str:
        items = []
        for section in sections:
            sub = self._toc(section.subsections) if section.subsections else ""
            items.append(
                f'<li><a href="#{_e(self.id_prefix + section.slug)}">{_e(section.title)}</a>{sub}</li>'
            )
        return f"<ol>{''.join(items)}</ol>"

    def visit_section(self, section: Section, level: int) -> str:
        parts = [
            f'<section class="rp-section rp-section--level-{level}" id="{_e(self.id_prefix + section.slug)}">',
            _heading(level, section.title, css="rp-section__title"),
        ]
        parts.extend(self.visit(block, level) for block in section.blocks)
        if section.message is not None:
            parts.append(f'<p class="rp-empty" role="note">{_e(section.message)}</p>')
        parts.extend(self.visit(sub, level + 1) for sub in section.subsections)
        parts.append("</section>")
        return "\n".join(parts)

    # ------------------------------------------------------------------ blocks

    def visit_paragraph(self, block: Paragraph, level: int = 2) -> str:
        return f'<p class="rp-paragraph">{_text(block.text)}</p>'

    def visit_key_figure(self, block: KeyFigure, level: int = 2) -> str:
        return f'<div class="rp-keyfigure">{self._key_figure_body(block)}</div>'

    def visit_key_figures(self, block: KeyFigures, level: int = 2) -> str:
        items = "".join(
            f'<li class="rp-keyfigure">{self._key_figure_body(item)}</li>' for item in block.items
        )
        return f'<ul class="rp-keyfigures">{items}</ul>'

    def _key_figure_body(self, figure: KeyFigure) -> str:
        value = format_value(figure.value, figure.unit, figure.decimals)
        value_class = "rp-keyfigure__value rp-suppressed" if figure.suppressed else "rp-keyfigure__value"
        parts = [
            f'<p class="rp-keyfigure__label">{_e(figure.label)}</p>',
            f'<p class="{value_class}">{_e(value)}</p>',
            _period(figure.period),
        ]
        if figure.definition:
            parts.append(
                f'<details class="rp-keyfigure__definition"><summary>{_e(LABELS["definition"])}</summary>'
                f'<p class="rp-definition">{_e(figure.definition)}</p></details>'
            )
        if figure.suppressed:
            parts.append(f'<p class="rp-note">{_e(suppression_note((figure.seuil,)))}</p>')
        parts.append(_source(figure.source))
        return "".join(parts)

    def visit_table(self, table: Table, level: int = 2) -> str:
        head = "".join(
            f'<th scope="col"{_class(_ALIGN_CLASSES[column.align])}>{_e(column.label)}</th>'
            for column in table.columns
        )
        body = "\n".join(self._row(row, table) for row in table.rows)
        if not table.rows:
            body = (
                f'<tr><td colspan="{len(table.columns)}" class="rp-empty">{_e(EMPTY_TABLE_MESSAGE)}</td></tr>'
            )
        parts = [
            '<div class="rp-table-block">',
            '<div class="rp-table-wrap">',
            '<table class="rp-table">',
            f"<caption>{_e(caption_label(table))}</caption>",
            f"<thead><tr>{head}</tr></thead>",
            f"<tbody>\n{body}\n</tbody>",
        ]
        if table.footer_rows:
            foot = "\n".join(self._row(row, table) for row in table.footer_rows)
            parts.append(f"<tfoot>\n{foot}\n</tfoot>")
        parts += ["</table>", "</div>"]
        parts.append(_provenance(table.period, table.definition, None))
        notes = list(table.notes)
        if table.has_suppressed:
            notes.append(suppression_note(table.seuils))
        if notes:
            items = "".join(f"<li>{_e(note)}</li>" for note in notes)
            parts.append(f'<ul class="rp-notes" aria-label="{_e(LABELS["notes"])}">{items}</ul>')
        parts.append(_source(table.source))
        parts.append("</div>")
        return "\n".join(part for part in parts if part)

    def _row(self, row: Sequence[Any], table: Table) -> str:
        cells = []
        for index, (value, column) in enumerate(zip(row, table.columns, strict=True)):
            cells.append(_cell(value, column, header=table.row_headers and index == 0))
        return f"<tr>{''.join(cells)}</tr>"

    def visit_figure(self, block: Figure, level: int = 2) -> str:
        chart = block.chart
        svg = _XML_PROLOG.sub("", chart.svg(), count=1).strip()
        if _ACTIVE_SVG.search(svg):
            raise ValueError(f"The SVG of chart {chart.title!r} holds a script or an event handler; refused.")
        # the SVG's own <title> and <desc> read in French typography too, as the alternative text
        svg = _SVG_TEXT.sub(lambda m: m.group(1) + formats.typography(m.group(3)) + m.group(4), svg)
        alt = figure_alt(block)
        parts = [
            '<figure class="rp-figure">',
            f'<figcaption class="rp-figure__caption">{_e(caption_label(block))}</figcaption>',
            f'<div class="rp-figure__chart" role="img" aria-label="{_e(alt)}">{svg}</div>',
            _provenance(block.period, block.definition, block.source),
        ]
        if block.table is not None:
            parts.append(
                f'<details class="rp-figure__data"><summary>{_e(LABELS["show_data"])}</summary>\n'
                f"{self.visit_table(block.table, level)}\n</details>"
            )
        parts.append("</figure>")
        return "\n".join(part for part in parts if part)

    def visit_callout(self, block: Callout, level: int = 2) -> str:
        kind = CALLOUT_LABELS[block.kind]
        title = f'<span class="rp-callout__kind">{_e(kind)}</span>'
        if block.title and block.title.casefold().startswith(kind.casefold()):
            title = f'<span class="rp-callout__kind">{_e(block.title)}</span>'  # « Question 1 », said once
        elif block.title:
            title += _e(_labelled("") + block.title)
        return (
            f'<div class="rp-callout rp-callout--{block.kind}" role="note">'
            f'<p class="rp-callout__title"><strong>{title}</strong></p>'
            f'<p class="rp-callout__text">{_text(block.text)}</p></div>'
        )

    def visit_bullet_list(self, block: BulletList, level: int = 2) -> str:
        tag = "ol" if block.ordered else "ul"
        items = "".join(f"<li>{_text(item)}</li>" for item in block.items)
        return f'<{tag} class="rp-list">{items}</{tag}>'

    def visit_definition(self, block: Definition, level: int = 2) -> str:
        return f'<dl class="rp-glossary"><dt>{_e(block.term)}</dt><dd>{_text(block.text)}</dd></dl>'


# ------------------------------------------------------------------- helpers


def _e(text: str) -> str:
    return escape(text, quote=True)


def _class(css: str) -> str:
    return f' class="{css}"' if css else ""


def _labelled(label: str) -> str:
    # French typography: a no-break space before the colon.
    return f"{label}{NBSP}: "


def _heading(level: int, text: str, *, css: str) -> str:
    if level <= 6:
        return f'<h{level} class="{css}">{_e(text)}</h{level}>'
    return f'<p class="{css} rp-heading" role="heading" aria-level="{level}">{_e(text)}</p>'


def _text(text: str | Sequence[Run]) -> str:
    if isinstance(text, str):
        return _e(text)
    parts = []
    for run in text:
        html = _e(run.text)
        if run.italic:
            html = f"<em>{html}</em>"
        if run.bold:
            html = f"<strong>{html}</strong>"
        parts.append(html)
    return "".join(parts)


def _cell(value: Any, column: Column, *, header: bool) -> str:
    css = [_ALIGN_CLASSES[column.align]]
    if isinstance(value, Suppressed):
        css.append("rp-suppressed")
    text = _e(format_value(value, column.unit, column.decimals))
    classes = _class(" ".join(c for c in css if c))
    if header:
        return f'<th scope="row"{classes}>{text}</th>'
    return f"<td{classes}>{text}</td>"


def _period(period: Period | str | None) -> str:
    if period is None:
        return ""
    return f'<p class="rp-period">{_e(_labelled(LABELS["period"]) + format_period(period))}</p>'


def _source(source: str | None) -> str:
    if not source:
        return ""
    return f'<p class="rp-source">{_e(_labelled(LABELS["source"]) + source)}</p>'


def _provenance(period: Period | str | None, definition: str | None, source: str | None) -> str:
    parts = [_period(period)]
    if definition:
        parts.append(f'<p class="rp-definition">{_e(_labelled(LABELS["definition"]) + definition)}</p>')
    parts.append(_source(source))
    return "".join(parts)
