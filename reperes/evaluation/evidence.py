"""Evidence resolved now: an indicator from the analytics, a cell of the needs × offer matrix, a benchmark row.

The register never reads the collection tables itself: indicators come from
``reperes.analytics.indicators`` on the dataset the analyses pages use
(``reperes.analyses.services.dataset``), partner versions from
the period's protected publication (``analytics.period_publication``, docs/secret-statistique.md), matrix
cells from ``reperes.offer.services.matrix_payload``. A figure whose value
changed since it was retained is flagged ``a_revoir``; the retained value is
kept next to it, never replaced.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from reperes import referentiel as ref

BY_SEX_KEYS = ("F", "M", "total")


# ------------------------------------------------------------------------------------ indicator ids


WHERE_IDENTIFIERS = "la liste est sur la page « Définitions des indicateurs » (/analyses/definitions/)"


def indicator_problem(path: str) -> str | None:
    """Why ``path`` (``id`` or ``id.key``) is not an indicator of docs/indicateurs.md, in French; None if it is."""
    from reperes.analytics.indicators import REGISTRY, REPARTITION

    if not isinstance(path, str) or not path:
        return ("indicateur manquant : donnez l'identifiant d'un indicateur (par exemple taux_sorties_positives ; "
                f"{WHERE_IDENTIFIERS})")
    base, _, key = path.partition(".")
    entry = REGISTRY.get(base)
    if entry is None:
        return (f"indicateur inconnu « {path} » : donnez l'identifiant d'un indicateur (par exemple "
                f"taux_sorties_positives ou sorties_par_motif.SANTE ; {WHERE_IDENTIFIERS})")
    is_object = entry.unit == REPARTITION or entry.by_sex or base.endswith("_par_epci")
    if not key:
        return None
    if not is_object:
        return f"« {base} » est une valeur simple : retirez « .{key} »"
    if entry.by_sex:
        allowed = BY_SEX_KEYS
    elif base == "sorties_par_motif":
        allowed = tuple(ref.MOTIF_SORTIE.codes())
    elif base == "sorties_par_categorie":
        allowed = tuple(ref.CATEGORIE_SORTIE.codes())
    else:  # per EPCI: a SIREN or hors_territoire
        if key == "hors_territoire" or (key.isdigit() and len(key) == 9):
            return None
        return f"clé « {key} » inconnue pour {base} : un SIREN d'EPCI (9 chiffres) ou hors_territoire"
    if key not in allowed:
        return f"clé « {key} » inconnue pour {base} : valeurs possibles {', '.join(allowed)}"
    return None


def is_object_indicator(path: str) -> bool:
    """Whether ``path`` names an object indicator as a whole (``sorties_par_motif``, not ``sorties_par_motif.SANTE``)."""
    from reperes.analytics.indicators import REGISTRY, REPARTITION

    base, _, key = path.partition(".")
    entry = REGISTRY.get(base)
    return bool(entry) and not key and (entry.unit == REPARTITION or entry.by_sex or base.endswith("_par_epci"))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def initial_value_problem(path: str, value: Any) -> str | None:
    """Why ``value`` cannot be the ``valeur_initiale`` of indicator ``path`` (in French), None if it can.

    docs/evaluation.md: the value when the finding was written, that is a value of that indicator on its period:
    a number for a simple indicator or one key (``sorties_par_motif.SANTE``), an object of numbers for an object
    indicator as a whole; ``null`` where the indicator has no value (a rate without denominator)."""
    if value is None:
        return None
    if is_object_indicator(path):
        if not isinstance(value, dict) or not all(isinstance(k, str) and (v is None or _is_number(v))
                                                  for k, v in value.items()):
            return (f"« {path} » est un indicateur ventilé : valeur_initiale est un objet de nombres "
                    f"(par exemple {{\"EMPLOI_CDI\": 40, \"SANTE\": 3}}), pas « {_shown(value)} »")
        return None
    if not _is_number(value):
        return f"nombre attendu (la valeur de {path} quand le constat a été écrit), pas « {_shown(value)} »"
    return None


def _shown(value: Any) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "…"


def indicator_label(path: str) -> str:
    from reperes.analytics.indicators import REGISTRY

    base, _, key = path.partition(".")
    entry = REGISTRY.get(base)
    label = entry.label if entry else path
    if key:
        sub = (ref.MOTIF_SORTIE.label(key) if key in ref.MOTIF_SORTIE else
               ref.CATEGORIE_SORTIE.label(key) if key in ref.CATEGORIE_SORTIE else
               {"F": "femmes", "M": "hommes", "total": "total"}.get(key, key))
        label = f"{label} – {sub}"
    return label


def indicator_unit(path: str) -> str:
    from reperes.analytics.indicators import REGISTRY

    entry = REGISTRY.get(path.partition(".")[0])
    return entry.unit if entry else ""


def format_value(path: str, value: Any) -> str:
    """A value of an indicator, in French (``–`` when it does not exist)."""
    from reperes import formats
    from reperes.analytics.indicators import MOIS, RATIO, TAUX

    if value is None:
        return "–"
    if isinstance(value, dict):
        return " ; ".join(f"{k} : {format_value(path, v)}" for k, v in value.items())
    unit = indicator_unit(path)
    if unit == TAUX:
        return formats.percent(value)
    if unit in (MOIS, RATIO) or isinstance(value, float):
        return formats.number(value, 1)
    return formats.number(value)


def matrix_cell(value: Any) -> Any:
    """A matrix cell retained with the matrix's own status (before the contract's three): read as today."""
    from reperes.offer.matrix import CONTRACT_STATUT

    if isinstance(value, dict) and "couverture" in value and "statut_detail" not in value \
            and value.get("statut") in CONTRACT_STATUT:
        return {**value, "statut": CONTRACT_STATUT[value["statut"]], "statut_detail": value["statut"]}
    return value


def changed(initial: Any, now: Any) -> bool:
    """True when a figure is not the one retained (floats compared to 1e-9: a recomputation is not a change)."""
    if isinstance(initial, dict) or isinstance(now, dict):
        initial, now = matrix_cell(initial), matrix_cell(now)
        if not (isinstance(initial, dict) and isinstance(now, dict)) or set(initial) != set(now):
            return True
        return any(changed(initial[k], now[k]) for k in initial)
    if initial is None or now is None:
        return initial is not now
    if isinstance(initial, (int, float)) and isinstance(now, (int, float)):
        return not math.isclose(float(initial), float(now), rel_tol=1e-9, abs_tol=1e-12)
    return initial != now


# ------------------------------------------------------------------------------------ resolver


class Resolver:
    """Resolves evidence items; computes each period (and population) once."""

    def __init__(self, *, diffusion: bool = False, seuil: int | None = None, today: dt.date | None = None):
        from reperes.configuration.models import Installation

        self.installation = Installation.get()
        self.diffusion = diffusion
        self.seuil = seuil if seuil is not None else self.installation.seuil
        self.today = today or dt.date.today()
        self._results: dict = {}
        self._matrices: dict = {}
        self._dataset = None

    # -- indicators

    def default_period(self) -> tuple[dt.date, dt.date]:
        return self.installation.default_period()

    def _data(self):
        if self._dataset is None:
            from reperes.analyses import services

            self._dataset = services.dataset(services.data_version())
        return self._dataset

    def _payload(self, debut: dt.date, fin: dt.date, filtres: dict | None) -> dict:
        filtres = {k: v for k, v in (filtres or {}).items() if v and k in ("epci", "profil")}
        key = (debut, fin, tuple(sorted(filtres.items())))
        if key not in self._results:
            from reperes.analytics import indicators
            from reperes.analytics.profiles import Filter

            profile, _, group = filtres.get("profil", "").partition(":")
            data = Filter(epci=filtres.get("epci") or None, profile=profile or None,
                          group=group or None).apply(self._data())
            result = indicators.evaluate(data, debut, fin)
            self._results[key] = (result.payload, None)
        raw, diffused = self._results[key]
        if not self.diffusion:
            return raw
        if diffused is None:
            # Partners read the figure in the period's one protected publication, the one the partner report
            # and « reperes indicators --diffusion » show (docs/secret-statistique.md).
            from reperes.analytics.period_publication import build

            diffused = build(self._data(), debut, fin, self.seuil).payload(True)
            self._results[key] = (raw, diffused)
        return diffused

    def answerable(self, debut: dt.date, fin: dt.date, filtres: dict | None) -> bool:
        """Whether partners may read a figure of this period and filters: a whole calendar year, no filter
        (two nested answers must not be subtractable)."""
        whole_year = debut == dt.date(debut.year, 1, 1) and fin == dt.date(debut.year, 12, 31)
        return whole_year and not any(v for k, v in (filtres or {}).items() if k in ("epci", "profil"))

    def indicator(self, path: str, debut: dt.date, fin: dt.date, filtres: dict | None = None) -> tuple[Any, bool]:
        """(value, secret) of ``path`` on the period; the partner version when resolving for diffusion (secret
        for a period partners cannot ask for: not a whole calendar year, or a filter)."""
        if self.diffusion and not self.answerable(debut, fin, filtres):
            return None, True
        payload = self._payload(debut, fin, filtres)
        node: Any = payload["indicateurs"]
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return None, False
            node = node[part]
        secret = f"indicateurs.{path}" in set(payload.get("secret") or ())
        if self.diffusion and isinstance(node, dict):
            secret = secret or any(f"indicateurs.{path}.{k}" in payload["secret"] for k in node)
        return node, secret

    def raw_indicator(self, path: str, debut: dt.date, fin: dt.date, filtres: dict | None = None) -> Any:
        diffusion, self.diffusion = self.diffusion, False
        try:
            return self.indicator(path, debut, fin, filtres)[0]
        finally:
            self.diffusion = diffusion

    # -- matrix

    def matrix_cell(self, besoin: str, epci: str, debut: dt.date | None = None,
                    fin: dt.date | None = None) -> tuple[dict | None, bool, str]:
        """(cell, secret, error) of the needs × offer matrix for a barrier code and an EPCI."""
        territory = self.installation.territory
        if territory is None:
            return None, False, "aucun territoire défini"
        debut, fin = debut or self.default_period()[0], fin or self.default_period()[1]
        key = (debut, fin)
        if key not in self._matrices:
            from reperes.offer.services import matrix_payload

            self._matrices[key] = matrix_payload(territory, debut, fin, diffusion=self.diffusion, seuil=self.seuil)
        from reperes.offer.matrix import CONTRACT_STATUT

        thematique = ref.datainclusion_category_of(besoin)
        for cell in self._matrices[key]["cells"]:
            if cell["epci"] == epci and cell["thematique"] == thematique:
                # ``statut`` as the contract spells it; the matrix's finer reading beside it.
                value = {"demande": cell["demande"], "services": cell["services"], "places": cell["places"],
                         "couverture": cell["couverture"], "statut": CONTRACT_STATUT[cell["statut"]],
                         "statut_detail": cell["statut"]}
                return value, cell["demande"] is None, ""
        return None, False, "cette case n'existe pas dans la matrice (EPCI hors du territoire ?)"

    # -- benchmark

    def benchmark(self, indicateur: str, plie: str, annee: int) -> dict:
        """The row of the benchmark (``fiche-plie.md``): this PLIE's own values are always the protected
        sheet (it is sent to other PLIE), peers' and national values are published figures."""
        from reperes.benchmark.services import resolve

        try:
            row = resolve(indicateur, plie, annee)
        except LookupError as error:
            return {"valeur": None, "erreur": str(error)}
        out = {"valeur": row["valeur"], "source": row.get("source", "")}
        if row.get("secret"):
            out.update(valeur=None, secret=True)
        return out

    # -- one item

    def resolve(self, item: dict) -> dict:
        """An evidence item of the file (dict, contract fields) with its resolved value."""
        out = dict(item)
        kind = item["type"]
        if kind == "indicateur":
            debut, fin = dt.date.fromisoformat(item["debut"]), dt.date.fromisoformat(item["fin"])
            if indicator_problem(item["indicateur"]):
                out.update(valeur=None, erreur=indicator_problem(item["indicateur"]))
            else:
                value, secret = self.indicator(item["indicateur"], debut, fin, item.get("filtres"))
                if secret:
                    out.pop("valeur_initiale", None)
                    out.update(valeur=None, secret=True)
                else:
                    now = value if not self.diffusion else self.raw_indicator(
                        item["indicateur"], debut, fin, item.get("filtres"))
                    # the value when the finding was written (null included: a rate then without denominator)
                    initial = item["valeur_initiale"] if "valeur_initiale" in item else now
                    out.update(valeur=value, valeur_initiale=initial, a_revoir=changed(initial, now))
                    if self.diffusion and changed(initial, value):
                        # The retained figure was a staff figure: partners read only protected ones, and a
                        # figure of another time could differ from today's by fewer than the threshold.
                        out.pop("valeur_initiale")
        elif kind == "matrice":
            debut = dt.date.fromisoformat(item["debut"]) if item.get("debut") else None
            fin = dt.date.fromisoformat(item["fin"]) if item.get("fin") else None
            value, secret, error = self.matrix_cell(item["besoin"], item["epci"], debut, fin)
            out["valeur"] = value
            if secret:  # docs/evaluation.md: a suppressed `valeur` is null, `matrice` values included
                out.update(valeur=None, secret=True)
            if error:
                out["erreur"] = error
        elif kind == "benchmark":
            out.update(self.benchmark(item["indicateur"], item["plie"], item["annee"]))
        out["calcule_le"] = self.today.isoformat()
        return out
