"""Template filters for French figures; every one delegates to ``reperes.formats``."""

from django import template

from reperes import formats

register = template.Library()


@register.filter
def nombre(value, decimals=0):
    return formats.number(value, int(decimals))


@register.filter
def pourcent(value, decimals=1):
    return formats.percent(value, int(decimals))


@register.filter
def signe(value, decimals=0):
    """A change with its sign: ``+12``, ``−3`` (minus sign), ``0``."""
    if value is None:
        return "–"
    text = formats.number(abs(value), int(decimals))
    return f"+{text}" if value > 0 else (f"\u2212{text}" if value < 0 else text)


@register.filter
def points(value):
    """A change of a rate (fractions) in percentage points: ``0.042`` → ``+4,2 points``."""
    if value is None:
        return "–"
    return f"{signe(value * 100, 1)}\u00a0point{'s' if abs(value * 100) >= 2 else ''}"


@register.filter
def date_fr(value):
    return formats.date(value)


@register.filter
def libelle(code, liste):
    """The French label of a référentiel code: ``{{ p.motif_sortie|libelle:"motif_sortie" }}``."""
    from reperes.referentiel import CODE_LISTS

    return CODE_LISTS[liste].label(code, default=code or "–")


@register.filter
def libelles(codes, liste):
    """The French labels of a list of codes, joined: ``{{ p.criteres|libelles:"criteres" }}``."""
    from reperes.referentiel import CODE_LISTS

    if not codes:
        return "–"
    return ", ".join(CODE_LISTS[liste].label(code, default=code) for code in codes)
