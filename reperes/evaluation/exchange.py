"""The evaluation file (docs/evaluation.md, ``reperes-evaluation/1``): validation, import, export.

Import is all or nothing: :func:`validate` checks the whole file first (every
error names its JSON path, in French: ``constats[2].preuves[0].indicateur``),
then :func:`import_file` writes it in one transaction. An ``id`` already
stored is updated, never duplicated; the nested lists of an object given in
the file (a finding's evidence, a committee's members, documents and
decisions, an action's history) replace the stored ones, keeping the value
recorded when an identical piece of evidence was retained.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from reperes import referentiel as ref
from reperes.referentiel import evaluation as voc

from .evidence import indicator_problem, initial_value_problem

SECTIONS = ("questions", "constats", "preconisations", "comites", "actions", "consultations", "jalons")
# docs/evaluation.md, « Top level »: these are required (a list, empty when there is nothing); ``consultations``
# and ``jalons`` are the « Optional sections »; ``protocole`` is a required object.
REQUIRED_SECTIONS = ("questions", "constats", "preconisations", "comites", "actions")
PROTOCOLE_FIELDS = "titre, debut, fin, signataires, precedent"
HORIZON = re.compile(r"^(\d{4})(?:-(\d{4}))?$")
# docs/evaluation.md: `horizon` | year or span, e.g. `2021` or `2021-2025`
HORIZON_RULE = "une année ou une période, par exemple 2021 ou 2021-2025"
SHA256 = re.compile(r"^[0-9a-f]{64}$")
SIREN = re.compile(r"^\d{9}$")


@dataclass
class Problem:
    chemin: str
    message: str

    def __str__(self) -> str:
        return f"{self.chemin} : {self.message}" if self.chemin else self.message

    def as_dict(self) -> dict:
        return {"chemin": self.chemin, "message": str(self)}


class InvalidFile(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = problems


@dataclass
class Report:
    dry_run: bool = False
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, section: str, created: bool) -> None:
        entry = self.counts.setdefault(section, {"crees": 0, "mis_a_jour": 0})
        entry["crees" if created else "mis_a_jour"] += 1

    def as_dict(self) -> dict:
        return {"format": voc.FORMAT, "valide": True, "dry_run": self.dry_run, "comptes": self.counts}


# ------------------------------------------------------------------------------------ validation


class _Checker:
    def __init__(self, data: Any):
        self.data = data
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    # -- field checks; each returns the value when valid, else None (and records the problem)

    def obj(self, value, path: str) -> dict | None:
        if not isinstance(value, dict):
            self.add(path, "un objet JSON {…} est attendu")
            return None
        return value

    def items(self, parent: dict, key: str, path: str, *, required: bool = True, min_items: int = 0) -> list:
        value = parent.get(key)
        where = f"{path}.{key}" if path else key
        if value is None:
            if required:
                self.add(where, "liste manquante")
            return []
        if not isinstance(value, list):
            self.add(where, "une liste […] est attendue")
            return []
        if len(value) < min_items:
            self.add(where, f"au moins {min_items} élément{'s' if min_items > 1 else ''} attendu"
                            f"{'s' if min_items > 1 else ''}")
        return value

    def text(self, parent: dict, key: str, path: str, *, required: bool = True, max_length: int | None = None):
        value = parent.get(key)
        if value is None or value == "":
            if required:
                self.add(f"{path}.{key}", "texte manquant")
            return None
        if not isinstance(value, str):
            self.add(f"{path}.{key}", "un texte est attendu")
            return None
        if max_length and len(value) > max_length:
            self.add(f"{path}.{key}", f"texte trop long ({len(value)} caractères, {max_length} au plus)")
            return None
        return value

    def given_text(self, parent: dict, key: str, path: str, what: str, *, max_length: int | None = None):
        """A field the contract requires whose text may be empty (as the export writes it when there is none)."""
        if parent.get(key) is None:
            self.add(f"{path}.{key}", f"{key} manquant : {what} (un texte, vide s’il n’y a rien : \"\")")
            return None
        return self.text(parent, key, path, required=False, max_length=max_length)

    def choice(self, parent: dict, key: str, path: str, allowed: dict[str, str], *, required: bool = True):
        value = parent.get(key)
        if value is None or value == "":
            if required:
                self.add(f"{path}.{key}", f"valeur manquante : {', '.join(allowed)}")
            return None
        if not isinstance(value, str) or value not in allowed:
            self.add(f"{path}.{key}", f"valeur inconnue « {value} » : valeurs possibles {', '.join(allowed)}")
            return None
        return value

    def date(self, parent: dict, key: str, path: str, *, required: bool = True) -> dt.date | None:
        value = parent.get(key)
        if value is None or value == "":
            if required:
                self.add(f"{path}.{key}", "date manquante, au format AAAA-MM-JJ")
            return None
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            self.add(f"{path}.{key}", f"date invalide « {value} » : format AAAA-MM-JJ (par exemple 2020-06-30)")
            return None

    def integer(self, parent: dict, key: str, path: str, *, minimum: int | None = None, maximum: int | None = None,
                required: bool = True) -> int | None:
        value = parent.get(key)
        if value is None:
            if required:
                self.add(f"{path}.{key}", "nombre entier manquant")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(f"{path}.{key}", f"nombre entier attendu, pas « {value} »")
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.add(f"{path}.{key}", f"valeur hors limites ({value})")
            return None
        return value

    def number(self, parent: dict, key: str, path: str) -> float | None:
        value = parent.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(f"{path}.{key}", "nombre attendu" if value is None else f"nombre attendu, pas « {value} »")
            return None
        return float(value)

    def indicator(self, parent: dict, key: str, path: str) -> str | None:
        value = parent.get(key)
        problem = indicator_problem(value)
        if problem:
            self.add(f"{path}.{key}", problem)
            return None
        return value


def horizon_problem(value: Any) -> str | None:
    """Why ``value`` is not a recommendation's horizon (docs/evaluation.md: a year or a span), in French."""
    if value is None or value == "":
        return f"horizon manquant : {HORIZON_RULE}"
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else None
    match = HORIZON.match(text) if text is not None else None
    if match is None:
        return f"horizon invalide « {value} » : {HORIZON_RULE}"
    if match.group(2) and int(match.group(2)) < int(match.group(1)):
        return f"horizon invalide « {value} » : la période finit avant de commencer ({HORIZON_RULE})"
    return None


def _known(value: Any, known) -> bool:
    """``value`` is one of ``known`` (an unhashable value from the file is simply unknown)."""
    return isinstance(value, str) and value in known


def _ids(checker: _Checker, section: str, items: list) -> set[str]:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]:
            if item["id"] in seen:
                checker.add(f"{section}[{i}].id", f"identifiant « {item['id']} » déjà utilisé par "
                                                  f"{section}[{seen[item['id']]}]")
            else:
                seen[item["id"]] = i
    return set(seen)


def validate(data: Any) -> list[Problem]:
    """Every problem of the file (empty list: the file can be imported)."""
    from .models import Constat, Preconisation, Question

    c = _Checker(data)
    if not isinstance(data, dict):
        c.add("", "le fichier doit contenir un objet JSON {…} au format reperes-evaluation/1")
        return c.problems
    if data.get("format") in (None, ""):
        c.add("format", f"champ « format » manquant : la valeur attendue est « {voc.FORMAT} »")
    elif data.get("format") != voc.FORMAT:
        c.add("format", f"« {data.get('format')} » : la valeur attendue est « {voc.FORMAT} »")
    for section in REQUIRED_SECTIONS:
        if data.get(section) is None:
            c.add(section, f"section « {section} » manquante : le format {voc.FORMAT} la demande (une liste, "
                           f"vide s’il n’y a rien : [])")
    if data.get("protocole") is None:
        c.add("protocole", f"section « protocole » manquante : le format {voc.FORMAT} la demande (un objet "
                           f"{{…}} : {PROTOCOLE_FIELDS})")
    for section in SECTIONS:
        if data.get(section) is not None and not isinstance(data[section], list):
            c.add(section, "une liste […] est attendue")
    sections = {s: data.get(s) if isinstance(data.get(s), list) else [] for s in SECTIONS}

    question_ids = _ids(c, "questions", sections["questions"]) | set(Question.objects.values_list("code", flat=True))
    constat_ids = _ids(c, "constats", sections["constats"]) | set(Constat.objects.values_list("code", flat=True))
    reco_ids = (_ids(c, "preconisations", sections["preconisations"])
                | set(Preconisation.objects.values_list("code", flat=True)))
    _ids(c, "comites", sections["comites"])
    _ids(c, "actions", sections["actions"])
    _ids(c, "jalons", sections["jalons"])

    for i, item in enumerate(sections["questions"]):
        path = f"questions[{i}]"
        if c.obj(item, path) is None:
            continue
        c.text(item, "id", path, max_length=40)
        c.choice(item, "critere", path, voc.CRITERES)
        c.text(item, "texte", path)

    for i, item in enumerate(sections["constats"]):
        path = f"constats[{i}]"
        if c.obj(item, path) is None:
            continue
        c.text(item, "id", path, max_length=40)
        c.text(item, "texte", path)
        for j, q in enumerate(c.items(item, "questions", path, min_items=1)):
            if not _known(q, question_ids):
                c.add(f"{path}.questions[{j}]", f"question inconnue « {q} » : définissez-la dans « questions »")
        for j, preuve in enumerate(c.items(item, "preuves", path, min_items=1)):
            _check_preuve(c, preuve, f"{path}.preuves[{j}]")

    for i, item in enumerate(sections["preconisations"]):
        path = f"preconisations[{i}]"
        if c.obj(item, path) is None:
            continue
        c.text(item, "id", path, max_length=40)
        c.integer(item, "numero", path, minimum=1)
        c.text(item, "titre", path, max_length=300)
        c.text(item, "texte", path)
        for j, k in enumerate(c.items(item, "constats", path, min_items=1)):
            if not _known(k, constat_ids):
                c.add(f"{path}.constats[{j}]", f"constat inconnu « {k} » : définissez-le dans « constats »")
        c.choice(item, "priorite", path, voc.PRIORITES)
        problem = horizon_problem(item.get("horizon"))
        if problem:
            c.add(f"{path}.horizon", problem)
        c.text(item, "pilote", path, max_length=300)
        c.choice(item, "article", path, voc.ARTICLES)
        cible = item.get("cible")
        if cible is not None:
            if c.obj(cible, f"{path}.cible") is not None:
                c.indicator(cible, "indicateur", f"{path}.cible")
                c.number(cible, "valeur", f"{path}.cible")
                c.date(cible, "echeance", f"{path}.cible")

    for i, item in enumerate(sections["comites"]):
        path = f"comites[{i}]"
        if c.obj(item, path) is None:
            continue
        c.text(item, "id", path, max_length=40)
        c.choice(item, "type", path, voc.COMITE_TYPES)
        c.date(item, "date", path)
        c.text(item, "intitule", path, max_length=300)
        c.text(item, "releve", path, required=False)
        # the application's own optional fields: where, when and the agenda (the convocation)
        c.text(item, "lieu", path, required=False, max_length=300)
        for key in ("heure_debut", "heure_fin"):
            if item.get(key) not in (None, "") and _time(item[key]) is None:
                c.add(f"{path}.{key}", f"heure invalide « {item[key]} » : format HH:MM (par exemple 14:30)")
        agenda = item.get("ordre_du_jour")
        if agenda is not None and (not isinstance(agenda, list) or not all(isinstance(x, str) for x in agenda)):
            c.add(f"{path}.ordre_du_jour", "une liste de textes est attendue (un point par texte)")
        for j, membre in enumerate(c.items(item, "membres", path)):
            where = f"{path}.membres[{j}]"
            if c.obj(membre, where) is not None:
                c.text(membre, "institution", where, max_length=300)
                if not isinstance(membre.get("present"), bool):
                    c.add(f"{where}.present", "true ou false attendu")
        for j, document in enumerate(c.items(item, "documents", path, required=False)):
            where = f"{path}.documents[{j}]"
            if c.obj(document, where) is not None:
                c.text(document, "titre", where, max_length=300)
                empreinte = document.get("empreinte")
                if not isinstance(empreinte, str) or not SHA256.match(empreinte.lower()):
                    c.add(f"{where}.empreinte", "empreinte SHA-256 attendue : 64 caractères hexadécimaux")
        decided: dict[str, int] = {}
        for j, decision in enumerate(c.items(item, "decisions", path)):
            _check_decision(c, decision, f"{path}.decisions[{j}]", reco_ids, decided, j)

    for i, item in enumerate(sections["actions"]):
        path = f"actions[{i}]"
        if c.obj(item, path) is None:
            continue
        c.text(item, "id", path, max_length=40)
        reco = item.get("preconisation")
        if not _known(reco, reco_ids):
            c.add(f"{path}.preconisation", f"préconisation inconnue « {reco} » : définissez-la dans "
                                           f"« preconisations »")
        c.text(item, "action", path)
        c.text(item, "responsable", path, max_length=300)
        c.date(item, "echeance", path)
        c.choice(item, "statut", path, voc.ACTION_STATUTS)
        for j, change in enumerate(c.items(item, "historique", path, required=False)):
            where = f"{path}.historique[{j}]"
            if c.obj(change, where) is not None:
                c.choice(change, "statut", where, voc.ACTION_STATUTS)
                c.date(change, "date", where)
                # docs/evaluation.md: {"statut": S, "date": …, "auteur": TEXT}, none marked optional
                c.given_text(change, "auteur", where, "qui a fait ce changement", max_length=300)

    opinions: dict[tuple, int] = {}
    for i, item in enumerate(sections["consultations"]):
        path = f"consultations[{i}]"
        if c.obj(item, path) is None:
            continue
        reco = item.get("preconisation")
        if not _known(reco, reco_ids):
            c.add(f"{path}.preconisation", f"préconisation inconnue « {reco} » : définissez-la dans "
                                           f"« preconisations »")
        institution = c.text(item, "institution", path, max_length=300)
        c.choice(item, "avis", path, voc.AVIS)
        c.given_text(item, "commentaire", path, "l’avis expliqué")
        date = c.date(item, "date", path)
        key = (reco, institution, date)
        if isinstance(reco, str) and institution and date and key in opinions:
            c.add(path, f"avis en double : même préconisation, institution et date que consultations[{opinions[key]}]")
        if isinstance(reco, str):
            opinions.setdefault(key, i)

    for i, item in enumerate(sections["jalons"]):
        path = f"jalons[{i}]"
        if c.obj(item, path) is None:
            continue
        c.text(item, "id", path, max_length=40)
        c.text(item, "intitule", path, max_length=300)
        c.date(item, "date", path)
        c.choice(item, "statut", path, voc.JALON_STATUTS)

    protocole = data.get("protocole")
    if protocole is not None and c.obj(protocole, "protocole") is not None:
        _check_protocole(c, protocole)
    return c.problems


def _check_preuve(c: _Checker, preuve: Any, path: str) -> None:
    if c.obj(preuve, path) is None:
        return
    kind = c.choice(preuve, "type", path, voc.PREUVE_TYPES)
    if kind == "indicateur":
        c.indicator(preuve, "indicateur", path)
        debut, fin = c.date(preuve, "debut", path), c.date(preuve, "fin", path)
        if debut and fin and fin < debut:
            c.add(f"{path}.fin", "la fin de la période précède son début")
        if "valeur_initiale" in preuve and not indicator_problem(preuve.get("indicateur")):
            problem = initial_value_problem(preuve["indicateur"], preuve["valeur_initiale"])
            if problem:
                c.add(f"{path}.valeur_initiale", problem)
        filtres = preuve.get("filtres")
        if filtres is not None and (not isinstance(filtres, dict) or set(filtres) - {"epci", "profil"}
                                    or not all(isinstance(v, str) for v in filtres.values())):
            c.add(f"{path}.filtres", "objet attendu : {\"epci\": SIREN, \"profil\": \"sexe:Femme\"} (textes)")
    elif kind == "matrice":
        besoin = preuve.get("besoin")
        if not _known(besoin, ref.FREINS):
            c.add(f"{path}.besoin", f"frein inconnu « {besoin} » : valeurs possibles {', '.join(ref.FREINS.codes())}")
        epci = preuve.get("epci")
        if not isinstance(epci, str) or not SIREN.match(epci):
            c.add(f"{path}.epci", f"SIREN d'EPCI attendu (9 chiffres), pas « {epci} »")
        debut, fin = c.date(preuve, "debut", path, required=False), c.date(preuve, "fin", path, required=False)
        if debut and fin and fin < debut:
            c.add(f"{path}.fin", "la fin de la période précède son début")
    elif kind == "verbatim":
        theme = c.text(preuve, "theme", path, max_length=60)
        if theme is not None:
            known = theme_codes()
            if known and theme not in known:
                c.add(f"{path}.theme", f"thème inconnu « {theme} » : un code de la grille de codage "
                                       f"({', '.join(sorted(known))})")
        c.text(preuve, "texte", path)
    elif kind == "benchmark":  # an indicator of the PLIE sheet (docs/fiche-plie.md), not only of indicateurs.md
        from reperes.benchmark.indicators import BY_ID

        indicateur = preuve.get("indicateur")
        if not _known(indicateur, BY_ID):
            c.add(f"{path}.indicateur", ("indicateur manquant" if indicateur in (None, "") else
                                         f"indicateur inconnu de la fiche PLIE « {indicateur} »")
                  + f" : l’identifiant d’un indicateur de la fiche PLIE, parmi {', '.join(BY_ID)}")
        c.text(preuve, "plie", path, max_length=200)
        c.integer(preuve, "annee", path, minimum=1990, maximum=2100)
    elif kind == "document":
        c.text(preuve, "titre", path, max_length=300)
        c.text(preuve, "source", path, max_length=1000)


def _check_decision(c: _Checker, decision: Any, path: str, reco_ids: set[str], decided: dict, j: int) -> None:
    if c.obj(decision, path) is None:
        return
    reco = decision.get("preconisation")
    if not _known(reco, reco_ids):
        c.add(f"{path}.preconisation", f"préconisation inconnue « {reco} » : définissez-la dans « preconisations »")
    elif reco in decided:
        c.add(f"{path}.preconisation", f"« {reco} » : ce comité a déjà une décision sur cette préconisation "
                                       f"(decisions[{decided[reco]}])")
    else:
        decided[reco] = j
    kind = c.choice(decision, "decision", path, voc.DECISIONS)
    motif = decision.get("motif")
    if motif is not None and not isinstance(motif, str):
        c.add(f"{path}.motif", "un texte est attendu")
    if kind in voc.DECISIONS_WITH_MOTIF and not (isinstance(motif, str) and motif.strip()):
        c.add(f"{path}.motif", f"motif obligatoire pour une décision « {kind} » : dites pourquoi")
    amended = decision.get("texte_amende")
    if kind == voc.DECISION_AMENDEE:
        if not (isinstance(amended, str) and amended.strip()):
            c.add(f"{path}.texte_amende", "texte amendé obligatoire pour une décision « amendee »")
    elif kind and amended not in (None, ""):
        c.add(f"{path}.texte_amende", f"pas de texte amendé pour une décision « {kind} » : retirez ce champ "
                                      f"(ou choisissez « amendee »)")


def _check_protocole(c: _Checker, protocole: dict) -> None:
    path = "protocole"
    c.text(protocole, "titre", path, max_length=300)
    debut = c.integer(protocole, "debut", path, minimum=1990, maximum=2100)
    fin = c.integer(protocole, "fin", path, minimum=1990, maximum=2100)
    if debut and fin and fin < debut:
        c.add(f"{path}.fin", "la dernière année précède la première")
    for j, name in enumerate(c.items(protocole, "signataires", path)):
        if not isinstance(name, str) or not name.strip():
            c.add(f"{path}.signataires[{j}]", "nom d'institution attendu")
    for j, target in enumerate(c.items(protocole, "precedent", path)):
        where = f"{path}.precedent[{j}]"
        if c.obj(target, where) is not None:
            c.indicator(target, "indicateur", where)
            c.number(target, "cible", where)
            d, f = c.date(target, "debut", where), c.date(target, "fin", where)
            if d and f and f < d:
                c.add(f"{where}.fin", "la fin de la période précède son début")
    motifs: dict[str, int] = {}
    for j, row in enumerate(c.items(protocole, "grille_valorisation", path, required=False)):
        where = f"{path}.grille_valorisation[{j}]"
        if c.obj(row, where) is None:
            continue
        motif = row.get("motif")
        if not _known(motif, ref.MOTIF_SORTIE):
            c.add(f"{where}.motif", f"motif de sortie inconnu « {motif} »")
        elif motif in motifs:
            c.add(f"{where}.motif", f"motif « {motif} » déjà dans grille_valorisation[{motifs[motif]}]")
        else:
            motifs[motif] = j
        c.text(row, "valorisation", where)
        c.given_text(row, "justificatif", where, "la pièce qui justifie la valorisation")
    if "preambule" in protocole and protocole["preambule"] is not None and not isinstance(protocole["preambule"], str):
        c.add(f"{path}.preambule", "un texte est attendu")
    for j, article in enumerate(c.items(protocole, "articles", path, required=False)):
        where = f"{path}.articles[{j}]"
        if c.obj(article, where) is not None:
            c.choice(article, "cle", where, voc.ARTICLES)
            c.text(article, "texte", where, required=False)


def theme_codes() -> set[str]:
    """Codes of the coding grid (surveys), or of the call's seed themes when the grid is still empty."""
    from django.apps import apps

    if apps.is_installed("reperes.surveys"):
        from reperes.surveys.models import Theme

        codes = set(Theme.objects.values_list("code", flat=True))
        if codes:
            return codes
    from reperes.referentiel.enquetes import THEMES

    return set(THEMES)


# ------------------------------------------------------------------------------------ import


def import_file(data: Any, *, dry_run: bool = False, user=None, request=None) -> Report:
    """Validate then write the file in one transaction; raises :class:`InvalidFile` (nothing written)."""
    problems = validate(data)
    if problems:
        raise InvalidFile(problems)
    report = Report(dry_run=dry_run)
    with transaction.atomic():
        _write(data, report, user)
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run:
        from reperes.audit.models import Action
        from reperes.audit.trail import record

        record(Action.EVALUATION, user=user, request=request, target="import du fichier d'évaluation",
               comptes=report.counts)
    return report


def _upsert(model, code: str, values: dict, report: Report, section: str):
    obj, created = model.objects.update_or_create(code=code, defaults=values)
    report.count(section, created)
    return obj


def _time(value) -> dt.time | None:
    """``HH:MM`` as a time; None when absent or not a valid time."""
    if not isinstance(value, str) or len(value) != 5:
        return None
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        return None


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _write(data: dict, report: Report, user) -> None:
    from django.utils import timezone

    from . import models as m
    from .evidence import Resolver

    for i, item in enumerate(data.get("questions") or []):
        _upsert(m.Question, item["id"], {"critere": item["critere"], "texte": item["texte"], "position": i},
                report, "questions")
    questions = {q.code: q for q in m.Question.objects.all()}

    resolver = None
    now = timezone.now()
    for i, item in enumerate(data.get("constats") or []):
        constat = _upsert(m.Constat, item["id"], {"texte": item["texte"], "position": i}, report, "constats")
        constat.questions.set([questions[q] for q in item["questions"]])
        kept = {p.identity(): p for p in constat.preuves.all()}
        constat.preuves.all().delete()
        for j, raw in enumerate(item["preuves"]):
            preuve = preuve_from_item(raw, constat, j)
            previous = kept.get(preuve.identity())
            # valeur_initiale (docs/evaluation.md): the value when the finding was written, given by the file or
            # recorded when the evidence was retained; once recorded, it is kept, never replaced.
            if preuve.type == "indicateur" and "valeur_initiale" not in raw:
                if previous is not None:
                    preuve.valeur_initiale = previous.valeur_initiale
                else:  # retained now, by this import: the value now
                    resolver = resolver or Resolver()
                    preuve.valeur_initiale = resolver.raw_indicator(preuve.indicateur, preuve.debut, preuve.fin,
                                                                    preuve.filtres)
            elif preuve.type == "matrice":  # the application's own: the cell recorded when retained in a page
                preuve.valeur_initiale = previous.valeur_initiale if previous is not None else None
            elif preuve.type != "indicateur":
                preuve.valeur_initiale = None  # not a figure of the contract's
            if previous is not None:
                preuve.origine, preuve.retenue_le, preuve.retenue_par = (previous.origine, previous.retenue_le,
                                                                         previous.retenue_par)
            else:
                preuve.retenue_le = now
            preuve.save()
            report.count("preuves", previous is None)
    constats = {k.code: k for k in m.Constat.objects.all()}

    for item in data.get("preconisations") or []:
        cible = item.get("cible") or {}
        reco = _upsert(m.Preconisation, item["id"], {
            "numero": item["numero"], "titre": item["titre"], "texte": item["texte"], "priorite": item["priorite"],
            "horizon": str(item["horizon"]).strip(), "pilote": item["pilote"], "article": item["article"],
            "cible_indicateur": cible.get("indicateur", ""), "cible_valeur": cible.get("valeur"),
            "cible_echeance": _date(cible.get("echeance"))}, report, "preconisations")
        reco.constats.set([constats[k] for k in item["constats"]])
    recos = {r.code: r for r in m.Preconisation.objects.all()}

    in_file = [item["id"] for item in data.get("comites") or []]
    others = m.Comite.objects.exclude(code__in=in_file).order_by("-position").first()
    base = others.position + 1 if others is not None else 0  # file order breaks ties between same dates
    for i, item in enumerate(data.get("comites") or []):
        position = base + i
        comite = _upsert(m.Comite, item["id"], {"type": item["type"], "date": _date(item["date"]),
                                                "intitule": item["intitule"], "releve": item.get("releve") or "",
                                                "position": position, "lieu": item.get("lieu") or "",
                                                "heure_debut": _time(item.get("heure_debut")),
                                                "heure_fin": _time(item.get("heure_fin")),
                                                "ordre_du_jour": "\n".join(item.get("ordre_du_jour") or [])},
                          report, "comites")
        comite.membres.all().delete()
        m.ComiteMembre.objects.bulk_create(
            m.ComiteMembre(comite=comite, institution=x["institution"], present=x["present"], position=j)
            for j, x in enumerate(item["membres"]))
        if "documents" in item:
            comite.documents.all().delete()
            m.ComiteDocument.objects.bulk_create(
                m.ComiteDocument(comite=comite, titre=x["titre"], empreinte=x["empreinte"].lower(), position=j)
                for j, x in enumerate(item.get("documents") or []))
        comite.decisions.all().delete()
        for j, x in enumerate(item["decisions"]):
            m.Decision.objects.create(comite=comite, preconisation=recos[x["preconisation"]], decision=x["decision"],
                                      motif=x.get("motif") or "", texte_amende=x.get("texte_amende") or "",
                                      position=j)
            report.count("decisions", True)

    today = dt.date.today()
    for item in data.get("actions") or []:
        previous = m.Action.objects.filter(code=item["id"]).first()
        action = _upsert(m.Action, item["id"], {
            "preconisation": recos[item["preconisation"]], "action": item["action"],
            "responsable": item["responsable"], "echeance": _date(item["echeance"]), "statut": item["statut"]},
            report, "actions")
        if item.get("historique") is not None:  # null: as if absent
            action.historique.all().delete()
            m.ActionStatut.objects.bulk_create(
                m.ActionStatut(action=action, statut=x["statut"], date=_date(x["date"]), auteur=x.get("auteur") or "",
                               position=j) for j, x in enumerate(item["historique"]))
        elif previous is None or previous.statut != item["statut"]:
            m.ActionStatut.objects.create(action=action, statut=item["statut"], date=today,
                                          auteur=(user.email if user else "import"),
                                          position=action.historique.count())

    for item in data.get("consultations") or []:
        _, created = m.Consultation.objects.update_or_create(
            preconisation=recos[item["preconisation"]], institution=item["institution"], date=_date(item["date"]),
            defaults={"avis": item["avis"], "commentaire": item.get("commentaire") or ""})
        report.count("consultations", created)

    for item in data.get("jalons") or []:
        _upsert(m.Jalon, item["id"], {"intitule": item["intitule"], "date": _date(item["date"]),
                                      "statut": item["statut"]}, report, "jalons")

    protocole = data.get("protocole")
    if protocole:
        stored = m.Protocole.get()
        stored.titre, stored.debut, stored.fin = protocole["titre"], protocole["debut"], protocole["fin"]
        stored.signataires = list(protocole["signataires"])
        if protocole.get("preambule") is not None:
            stored.preambule = protocole["preambule"]
        stored.save()
        m.CiblePrecedente.objects.all().delete()
        m.CiblePrecedente.objects.bulk_create(
            m.CiblePrecedente(indicateur=x["indicateur"], cible=x["cible"], debut=_date(x["debut"]),
                              fin=_date(x["fin"]), position=j) for j, x in enumerate(protocole["precedent"]))
        if "grille_valorisation" in protocole:
            m.Valorisation.objects.all().delete()
            m.Valorisation.objects.bulk_create(
                m.Valorisation(motif=x["motif"], valorisation=x["valorisation"],
                               justificatif=x.get("justificatif") or "", position=j)
                for j, x in enumerate(protocole.get("grille_valorisation") or []))
        for x in protocole.get("articles") or []:
            article, _ = m.Article.objects.get_or_create(cle=x["cle"])
            if (x.get("texte") or "") != article.texte:
                article.texte = x.get("texte") or ""
                article.updated_by = user
                article.save()
                m.ArticleVersion.objects.create(article=article, texte=article.texte, auteur=user)
        report.count("protocole", False)


def preuve_from_item(item: dict, constat, position: int):
    """An unsaved :class:`Preuve` from an evidence item of the file (already validated)."""
    from .models import Preuve

    return Preuve(constat=constat, type=item["type"], position=position,
                  indicateur=item.get("indicateur") or "", debut=_date(item.get("debut")),
                  fin=_date(item.get("fin")), filtres=item.get("filtres") or {},
                  valeur_initiale=item.get("valeur_initiale"), besoin=item.get("besoin") or "",
                  epci=item.get("epci") or "", theme=item.get("theme") or "", texte=item.get("texte") or "",
                  plie=item.get("plie") or "", annee=item.get("annee"), titre=item.get("titre") or "",
                  source=item.get("source") or "")


# ------------------------------------------------------------------------------------ export


def preuve_item(preuve) -> dict:
    """The contract fields of a stored piece of evidence (not resolved)."""
    kind = preuve.type
    item: dict[str, Any] = {"type": kind}
    if kind == "indicateur":
        item.update(indicateur=preuve.indicateur, debut=preuve.debut.isoformat(), fin=preuve.fin.isoformat())
        if preuve.filtres:
            item["filtres"] = preuve.filtres
        item["valeur_initiale"] = preuve.valeur_initiale  # null too: the indicator had no value then
    elif kind == "matrice":
        item.update(besoin=preuve.besoin, epci=preuve.epci)
        if preuve.debut and preuve.fin:
            item.update(debut=preuve.debut.isoformat(), fin=preuve.fin.isoformat())
    elif kind == "verbatim":
        item.update(theme=preuve.theme, texte=preuve.texte)
    elif kind == "benchmark":
        item.update(indicateur=preuve.indicateur, plie=preuve.plie, annee=preuve.annee)
    elif kind == "document":
        item.update(titre=preuve.titre, source=preuve.source)
    return item


def export(*, diffusion: bool = False, resolver=None) -> dict:
    """The whole evaluation in the contract's format, every evidence item resolved now."""
    from . import models as m
    from .evidence import Resolver
    from .standing import standings

    resolver = resolver or Resolver(diffusion=diffusion)
    questions = [{"id": q.code, "critere": q.critere, "texte": q.texte} for q in m.Question.objects.all()]
    constats = []
    for k in m.Constat.objects.prefetch_related("questions", "preuves"):
        constats.append({"id": k.code, "questions": [q.code for q in k.questions.all()], "texte": k.texte,
                         "preuves": [resolver.resolve(preuve_item(p)) for p in k.preuves.all()]})
    recos = list(m.Preconisation.objects.prefetch_related("constats"))
    standing = standings(recos)
    preconisations = []
    for r in recos:
        item = {"id": r.code, "numero": r.numero, "titre": r.titre, "texte": r.texte,
                "constats": [k.code for k in r.constats.all()], "priorite": r.priorite, "horizon": r.horizon,
                "pilote": r.pilote, "article": r.article}
        if r.has_cible:
            item["cible"] = {"indicateur": r.cible_indicateur, "valeur": r.cible_valeur,
                             "echeance": r.cible_echeance.isoformat() if r.cible_echeance else None}
        item["decision"] = standing[r.pk].decision
        item["texte_en_vigueur"] = standing[r.pk].texte
        preconisations.append(item)
    comites = []
    for c in m.Comite.objects.prefetch_related("membres", "documents", "decisions__preconisation"):
        decisions = []
        for d in c.decisions.all():
            entry = {"preconisation": d.preconisation.code, "decision": d.decision}
            if d.motif:
                entry["motif"] = d.motif
            if d.decision == voc.DECISION_AMENDEE:
                entry["texte_amende"] = d.texte_amende
            decisions.append(entry)
        item = {"id": c.code, "type": c.type, "date": c.date.isoformat(), "intitule": c.intitule,
                "membres": [{"institution": x.institution, "present": x.present} for x in c.membres.all()],
                "documents": [{"titre": x.titre, "empreinte": x.empreinte} for x in c.documents.all()],
                "decisions": decisions}
        if c.releve:
            item["releve"] = c.releve
        if c.lieu:
            item["lieu"] = c.lieu
        for key in ("heure_debut", "heure_fin"):
            if getattr(c, key):
                item[key] = getattr(c, key).strftime("%H:%M")
        if c.ordre_du_jour.strip():
            item["ordre_du_jour"] = [x.strip() for x in c.ordre_du_jour.splitlines() if x.strip()]
        comites.append(item)
    actions = [{"id": a.code, "preconisation": a.preconisation.code, "action": a.action,
                "responsable": a.responsable, "echeance": a.echeance.isoformat(), "statut": a.statut,
                "historique": [{"statut": h.statut, "date": h.date.isoformat(), "auteur": h.auteur}
                               for h in a.historique.all()]}
               for a in m.Action.objects.select_related("preconisation").prefetch_related("historique")]
    from reperes.collection.snapshot import data_snapshot

    snapshot = data_snapshot(resolver._data())
    payload: dict[str, Any] = {"format": voc.FORMAT, "diffusion": diffusion,
                               # the application's own field (the contract allows it): the data it rests on
                               "donnees": {"imports": snapshot["imports"], "empreinte": snapshot["hash"]},
                               "questions": questions,
                               "constats": constats, "preconisations": preconisations, "comites": comites,
                               "actions": actions}
    if not diffusion:
        payload["consultations"] = [
            {"preconisation": x.preconisation.code, "institution": x.institution, "avis": x.avis,
             "commentaire": x.commentaire, "date": x.date.isoformat()}
            for x in m.Consultation.objects.select_related("preconisation")]
    payload["jalons"] = [{"id": j.code, "intitule": j.intitule, "date": j.date.isoformat(), "statut": j.statut}
                         for j in m.Jalon.objects.all()]
    payload["protocole"] = protocole_payload()
    return payload


def protocole_payload() -> dict:
    """The ``protocole`` section (required): what is stored, the draft's own title, years and signatories where
    nothing is (the file then imports again as it is)."""
    from . import models as m
    from .protocol_heading import heading

    stored = m.Protocole.objects.filter(pk=1).first()
    out: dict[str, Any] = {
        **heading(),
        "precedent": [{"indicateur": x.indicateur, "cible": x.cible, "debut": x.debut.isoformat(),
                       "fin": x.fin.isoformat()} for x in m.CiblePrecedente.objects.all()],
        "grille_valorisation": [{"motif": x.motif, "valorisation": x.valorisation, "justificatif": x.justificatif}
                                for x in m.Valorisation.objects.all()],
    }
    if stored is not None and stored.preambule:
        out["preambule"] = stored.preambule
    articles = [{"cle": a.cle, "texte": a.texte} for a in m.Article.objects.all() if a.texte]
    if articles:
        order = list(voc.ARTICLES)
        out["articles"] = sorted(articles, key=lambda a: order.index(a["cle"]))
    return out
