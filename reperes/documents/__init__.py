"""The shared document model of Repères' reports, and its renderers.

Build a :class:`Document` of :class:`Section` and blocks with raw values;
render it with :func:`render_html` (DOCX, PDF and PPTX renderers walk the same
tree). Pure Python: nothing here imports Django.
"""

from .formatting import format_period, format_value, suppression_note
from .html import HtmlRenderer, render_block_html, render_html, render_section_html
from .model import (
    BLOCK_TYPES,
    DEFAULT_EMPTY_MESSAGE,
    DEFAULT_SEUIL,
    Block,
    BulletList,
    Callout,
    Chart,
    Column,
    Definition,
    DisclosureNote,
    Document,
    Figure,
    KeyFigure,
    KeyFigures,
    OutlineEntry,
    Paragraph,
    Period,
    Run,
    Section,
    Suppressed,
    Table,
    Visitor,
    plain_text,
    slugify,
)

__all__ = [
    "BLOCK_TYPES",
    "DEFAULT_EMPTY_MESSAGE",
    "DEFAULT_SEUIL",
    "Block",
    "BulletList",
    "Callout",
    "Chart",
    "Column",
    "Definition",
    "DisclosureNote",
    "Document",
    "Figure",
    "HtmlRenderer",
    "KeyFigure",
    "KeyFigures",
    "OutlineEntry",
    "Paragraph",
    "Period",
    "Run",
    "Section",
    "Suppressed",
    "Table",
    "Visitor",
    "format_period",
    "format_value",
    "plain_text",
    "render_block_html",
    "render_html",
    "render_section_html",
    "slugify",
    "suppression_note",
]
