"""The result of every chart function: :class:`Chart`, and its :class:`Table`."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from matplotlib import rc_context
from matplotlib.figure import Figure

from reperes.charts import style
from reperes.charts.svg import accessible_svg

# ``draw(with_title)`` builds a fresh matplotlib Figure.
DrawFunction = Callable[[bool], Figure]


@dataclass(frozen=True)
class Table:
    """The data behind a chart, to show as an HTML table or export.

    ``headers``: column headers. ``rows``: the cells as French text, ready to
    show (``1 234``, ``45,3 %``, ``s`` for a hidden cell). ``values``: the
    same cells raw (numbers, ``None`` for a hidden or missing cell), same
    shape as ``rows``. The first column names the row (a ``<th scope="row">``).
    """

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    values: tuple[tuple[Any, ...], ...]

    def to_csv(self, *, raw: bool = False) -> str:
        """The table as CSV for a French spreadsheet (``;`` separator).

        ``raw=True`` writes the raw values (decimal comma, hidden cells left
        as their label) rather than the displayed text.
        """
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(self.headers)
        for shown, values in zip(self.rows, self.values, strict=True):
            if not raw:
                writer.writerow(shown)
                continue
            cells = []
            for text, value in zip(shown, values, strict=True):
                if isinstance(value, bool) or not isinstance(value, int | float):
                    cells.append(text)
                else:
                    cells.append(repr(value).replace(".", ","))
            writer.writerow(cells)
        return buffer.getvalue()


def make_table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]],
               values: Sequence[Sequence[Any]]) -> Table:
    return Table(
        caption=caption,
        headers=tuple(headers),
        rows=tuple(tuple(row) for row in rows),
        values=tuple(tuple(row) for row in values),
    )


@dataclass
class Chart:
    """A chart or map, drawn on demand as accessible SVG or as PNG.

    ``description`` is a French summary for screen readers: the ``<desc>`` of
    the SVG, and the alternative text of the PNG in a document.
    ``missing_contours`` (maps only): codes that have data but no contour.
    """

    kind: str
    title: str
    description: str
    table: Table
    source: str | None
    _draw: DrawFunction = field(repr=False)
    missing_contours: list[str] = field(default_factory=list)

    def __getstate__(self) -> dict:
        """Pickled (a page context kept in the cache) without its drawing function, a closure: the copy keeps
        its title, description and table, and cannot be drawn again (the page keeps the SVG it drew)."""
        return {**self.__dict__, "_draw": None}

    def figure(self, *, with_title: bool = True) -> Figure:
        """A fresh matplotlib Figure (for callers that need to tweak or save it themselves)."""
        with style.LOCK, rc_context(style.RC):
            return self._draw(with_title)

    def svg(self, *, id: str | None = None, with_title: bool = True) -> str:
        """Inline-able accessible SVG (see :mod:`reperes.charts.svg`).

        ``id`` prefixes every id in the SVG (``<title>``: ``{id}-titre``,
        ``<desc>``: ``{id}-desc``); by default a hash of the drawing, so the
        same chart gives the same bytes. Pass one to show the same chart twice
        on a page. ``with_title=False`` leaves the title out of the drawing
        (when the page shows it as a heading); it stays in ``<title>``.
        """
        with style.LOCK, rc_context(style.RC):
            figure = self._draw(with_title)
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        return accessible_svg(buffer.getvalue(), title=self.title, description=self.description, svg_id=id)

    def png(self, dpi: int = 150, *, with_title: bool = True) -> bytes:
        """PNG bytes, without timestamp nor software metadata: same data, same bytes."""
        with style.LOCK, rc_context(style.RC):
            figure = self._draw(with_title)
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        return buffer.getvalue()
