"""Reading one cell: dates, numbers, booleans, codes, communes (format-echange.md, « Parsing rules »).

Each parser takes the stripped text of a cell and returns ``(value, None)`` or
``(None, message)``, the message in French telling what to fix. They run once
per *distinct* value of a column (see ``validate.per_unique``), so a column of
three million dates costs a few thousand calls.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from reperes.privacy import NIR_PATTERN
from reperes.referentiel import CodeList, fold

Parsed = tuple[object, str | None]

DATE_HINT = "Écrivez la date au format JJ/MM/AAAA."
EXCEL_EPOCH = dt.date(1899, 12, 30)
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)

# The same pattern as reperes.privacy.NIR_PATTERN, for the Rust regex engine of
# Polars (no look-around): the digit guards become "start or non-digit".
NIR_REGEX = NIR_PATTERN.pattern.replace(r"(?<!\d)", r"(?:^|\D)").replace(r"(?!\d)", r"(?:\D|$)")

_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DAY_FIRST = [re.compile(rf"(\d{{1,2}}){sep}(\d{{1,2}}){sep}(\d+){_TIME}") for sep in ("/", "-", r"\.")]
_ISO = re.compile(rf"(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}")
_SERIAL = re.compile(r"\d{1,6}(?:\.\d+)?")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def fmt_date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def fmt_count(value: int) -> str:
    """``14775`` → ``14 775`` (narrow no-break space, the French way)."""
    return f"{value:,}".replace(",", "\u202f")


def parse_date(text: str, *, workbook: bool = False) -> Parsed:
    """JJ/MM/AAAA, J/M/AAAA, JJ-MM-AAAA, JJ.MM.AAAA, AAAA-MM-JJ, ISO datetimes; Excel serials in workbooks."""
    parts = None
    for pattern in _DAY_FIRST:
        match = pattern.fullmatch(text)
        if match:
            day, month, year = match.groups()
            parts = (year, month, day)
            break
    if parts is None:
        match = _ISO.fullmatch(text)
        if match:
            parts = match.groups()
    if parts is None:
        if workbook and _SERIAL.fullmatch(text):
            value = EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
            if DATE_MIN <= value <= DATE_MAX:
                return value, None
        return None, f"Date invalide « {text} » : format non reconnu. {DATE_HINT}"
    year, month, day = parts
    if len(year) != 4:
        return None, f"Date invalide « {text} » : l'année doit s'écrire avec quatre chiffres. {DATE_HINT}"
    y, m, d = int(year), int(month), int(day)
    if not 1 <= m <= 12:
        return None, f"Date invalide « {text} » : mois inexistant. {DATE_HINT}"
    try:
        value = dt.date(y, m, d)
    except ValueError:
        return None, f"Date invalide « {text} » : jour inexistant. {DATE_HINT}"
    if not DATE_MIN <= value <= DATE_MAX:
        return None, f"Date invalide « {text} » : l'année doit être comprise entre 1900 et 2100. {DATE_HINT}"
    return value, None


def _number(text: str) -> float | None:
    cleaned = _SPACES.sub("", text).removesuffix("€")
    if "," in cleaned:
        if "." in cleaned or cleaned.count(",") > 1:
            return None
        cleaned = cleaned.replace(",", ".")
    if not _NUMBER.fullmatch(cleaned):
        return None
    return float(cleaned)


def _bounds_message(text: str, column: str, minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f"Valeur hors limites « {text} » : {column} doit être comprise entre {_n(minimum)} et {_n(maximum)}."
    if minimum is not None:
        return f"Valeur trop petite « {text} » : {column} doit être supérieure ou égale à {_n(minimum)}."
    return f"Valeur trop grande « {text} » : {column} doit être inférieure ou égale à {_n(maximum)}."


def _n(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def number_parser(column: str, *, integer: bool, minimum: float | None, maximum: float | None
                  ) -> Callable[[str], Parsed]:
    kind = "un nombre entier" if integer else "un nombre"

    def parse(text: str) -> Parsed:
        value = _number(text)
        if value is None:
            return None, (f"Nombre invalide « {text} » : {column} doit être {kind} (chiffres seulement, "
                          "virgule ou point pour les décimales).")
        if integer:
            if not value.is_integer():
                return None, f"Nombre invalide « {text} » : {column} doit être un nombre entier."
            value = int(value)
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            return None, _bounds_message(text, column, minimum, maximum)
        return value, None

    return parse


_TRUE = frozenset({"oui", "o", "1", "vrai", "true", "x"})
_FALSE = frozenset({"non", "n", "0", "faux", "false"})


def parse_boolean(text: str) -> Parsed:
    folded = fold(text)
    if folded in _TRUE:
        return True, None
    if folded in _FALSE:
        return False, None
    return None, f"Valeur invalide « {text} » : écrivez oui ou non (ou 1/0, vrai/faux, x pour oui)."


def code_message(texts: list[str], column: str, codes: CodeList) -> str:
    shown = ", ".join(f"« {t} »" for t in texts)
    noun = "Valeur inconnue" if len(texts) == 1 else "Valeurs inconnues"
    return (f"{noun} {shown} dans {column} : indiquez un code de la liste « {codes.title} » "
            f"({', '.join(codes.codes())}) ou son libellé.")


def code_parser(column: str, codes: CodeList) -> Callable[[str], Parsed]:
    lookup = codes.lookup_table()

    def parse(text: str) -> Parsed:
        code = lookup.get(fold(text))
        if code is None:
            return None, code_message([text], column, codes)
        return code, None

    return parse


def multi_code_parser(column: str, codes: CodeList, delimiter: str | None) -> Callable[[str], Parsed]:
    """Values separated by ``|`` (also ``;`` and ``,`` when they are not the file's delimiter).

    A piece that is a whole code or label is taken before being split further:
    labels may contain commas (« Savoirs de base (lire, écrire, compter) »).
    """
    lookup = codes.lookup_table()
    separators = ["|", *(s for s in ";," if s != delimiter)]

    def pieces(text: str, seps: list[str], found: list[str], unknown: list[str]) -> None:
        code = lookup.get(fold(text))
        if code is not None:
            if code not in found:
                found.append(code)
        elif not seps:
            unknown.append(text)
        else:
            for part in text.split(seps[0]):
                if part.strip():
                    pieces(part.strip(), seps[1:], found, unknown)

    def parse(text: str) -> Parsed:
        found: list[str] = []
        unknown: list[str] = []
        pieces(text, separators, found, unknown)
        if unknown:
            return None, code_message(unknown, column, codes) + " Séparez plusieurs valeurs par « | »."
        return found, None

    return parse


def normalise_commune(text: str) -> str:
    """``1001`` → ``01001`` (the leading zero spreadsheets drop); ``2a004`` → ``2A004``."""
    code = text.strip().upper()
    return code.zfill(5) if code.isdigit() and len(code) == 4 else code


def commune_parser(column: str, communes: dict[str, str], postal: Callable[[str], list[str]]
                   ) -> Callable[[str], Parsed]:
    def parse(text: str) -> Parsed:
        code = normalise_commune(text)
        if code in communes:
            return code, None
        hint = ""
        if re.fullmatch(r"\d{5}", code):
            names = postal(code)
            if names:
                hint = (f" « {text} » est un code postal ; le code INSEE de la commune est différent "
                        f"({', '.join(names)}).")
        return None, (f"Commune inconnue « {text} » dans {column} : indiquez le code INSEE (COG) de la commune, "
                      f"5 caractères, par exemple 54395 pour Nancy.{hint}")

    return parse


def territory_parser(column: str, communes: dict[str, str], epcis: set[str], delimiter: str | None
                     ) -> Callable[[str], Parsed]:
    extra = "".join(s for s in ";," if s != delimiter)
    splitter = re.compile(f"[|{re.escape(extra)}]")

    def parse(text: str) -> Parsed:
        found: list[str] = []
        unknown: list[str] = []
        for part in splitter.split(text):
            part = part.strip()
            if not part:
                continue
            code = part if re.fullmatch(r"\d{9}", part) else normalise_commune(part)
            if code in epcis or code in communes:
                if code not in found:
                    found.append(code)
            else:
                unknown.append(part)
        if unknown:
            shown = ", ".join(f"« {u} »" for u in unknown)
            return None, (f"Territoire inconnu {shown} dans {column} : indiquez des codes SIREN d'EPCI "
                          "(9 chiffres) ou des codes INSEE de communes (5 caractères), séparés par « | ».")
        return found, None

    return parse
