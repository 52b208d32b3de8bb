"""What a partner reads: a protected figure (:class:`Cell`), its French display, the note under a table, rates."""

from __future__ import annotations

from dataclasses import dataclass

from reperes import formats

from .engine import _check_seuil, _count

# --------------------------------------------------------------------------- display


@dataclass(frozen=True)
class Cell:
    """One figure as a partner may see it: its value, or ``secret`` (the value is then ``None``).

    ``value`` is ``None`` too for a figure that does not exist (a rate whose
    denominator is 0, a duration without any sortie): it then reads ``–``,
    not ``s``.
    """

    value: int | float | None
    seuil: int
    secret: bool = False

    def text(self, *, percent: bool = False, decimals: int | None = None, empty: str = "–") -> str:
        """French display: ``1 234``, ``45,3 %``, ``s`` when secret, ``empty`` when there is no value."""
        if self.secret:
            return formats.suppressed(self.seuil)
        if percent:
            return formats.percent(self.value, 1 if decimals is None else decimals, empty=empty)
        return formats.number(self.value, decimals or 0, empty=empty)

    def __str__(self) -> str:
        return self.text()


def display(value: int | float | None, seuil: int, *, secret: bool | None = None, percent: bool = False,
            decimals: int | None = None, empty: str = "–") -> str:
    """French display of a protected value.

    ``secret`` defaults to ``value is None``, right for protected counts
    (a count is never missing otherwise). Pass ``secret=False`` for a value
    that may legitimately be missing (a rate whose denominator is 0).
    """
    _check_seuil(seuil)
    secret = value is None if secret is None else secret
    return Cell(None if secret else value, seuil, secret).text(percent=percent, decimals=decimals, empty=empty)


def legend(seuil: int) -> str:
    """The note under every partner-facing table: « s : effectif inférieur à 11, ou masqué pour en protéger un autre »."""
    _check_seuil(seuil)
    return formats.suppression_legend(seuil)


# --------------------------------------------------------------------------- rates


def protect_rate(numerator: int, denominator: int, seuil: int, *, share: bool = True) -> float | None:
    """``numerator / denominator``, or ``None`` when it must not be shown (or does not exist).

    Hidden when the denominator is below ``seuil``, when the numerator is
    neither 0 nor at least ``seuil``, and — for a share (``share=True``, the
    numerator being part of the denominator, checked not to exceed it). ``None``
    too when the denominator is 0; :func:`rate_cell` tells the two apart.
    """
    return rate_cell(numerator, denominator, seuil, share=share).value


def rate_cell(numerator: int, denominator: int, seuil: int, *, share: bool = True) -> Cell:
    """The :class:`Cell` of a rate (see :func:`protect_rate`); a rate over nobody has no value but is no secret."""
    _check_seuil(seuil)
    numerator, denominator = _count(numerator, "numerator"), _count(denominator, "denominator")
    if share and numerator > denominator:
        raise ValueError(f"a share's numerator ({numerator}) exceeds its denominator ({denominator})")
    if denominator == 0:
        return Cell(None, seuil)
    if any(0 < n < seuil for n in (denominator, numerator)):
        return Cell(None, seuil, secret=True)
    return Cell(numerator / denominator, seuil)


