"""Domain functions of the « Territoire » and « Offre » pages and commands (views stay thin)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from reperes import referentiel as ref
from reperes.analytics import populations
from reperes.offer import stats_files as st
from reperes.territory.models import Commune

from . import matrix as mx
from .models import Service
from .stats_import import FigureValue, for_years, latest

# Column of the frame → field of the participant model (the EPCI as stored at import).
PARTICIPANT_COLUMNS = {"commune": "commune_residence", "epci": "epci_siren", "criteres": "criteres",
                       "freins_entree": "freins_entree", "anciennete": "anciennete_chomage_mois",
                       "prescripteur": "prescripteur", "date_entree": "date_entree", "date_sortie": "date_sortie",
                       "motif_sortie": "motif_sortie", "pk": "id"}
ACCOMPAGNES_SCHEMA = {"commune": pl.String, "epci": pl.String, "criteres": pl.List(pl.String),
                      "freins_entree": pl.List(pl.String), "anciennete": pl.Int64, "prescripteur": pl.String,
                      "date_entree": pl.Date, "date_sortie": pl.Date, "motif_sortie": pl.String, "pk": pl.Int64}


def accompagnes_frame(debut: dt.date, fin: dt.date) -> pl.DataFrame:
    """The accompagnés of ``[debut, fin]`` (``ParticipantQuerySet.accompagnes``), one row each, with their DELD
    and RSA flags; read once per data version (the territory, the matrix and the actors read the same)."""
    from reperes.analyses.snapshot import data_version, kept

    return kept(data_version(), ("accompagnes", debut, fin), lambda: _read_accompagnes(debut, fin))


def _read_accompagnes(debut: dt.date, fin: dt.date) -> pl.DataFrame:
    """One SQL query read as the dataset's tables are (``loaders.fetch_frame``): at a million parcours the ORM's
    model conversion (a JSON decode per value) took about 18 s per call."""
    from django.db import connection

    from reperes.analyses.loaders import fetch_frame, gc_paused, read_column
    from reperes.collection.models import Participant

    quote = connection.ops.quote_name
    select = ", ".join(read_column(Participant, field, "p") for field in PARTICIPANT_COLUMNS.values())
    with gc_paused():
        frame = fetch_frame(ACCOMPAGNES_SCHEMA, f"SELECT {select} FROM {quote(Participant._meta.db_table)} p "
                            f"WHERE p.date_entree <= %s AND (p.date_sortie IS NULL OR p.date_sortie >= %s)",
                            [fin, debut])
    deld = (pl.col("criteres").list.set_intersection(list(ref.DELD_CRITERES)).list.len() > 0) | (
        pl.col("anciennete").fill_null(0) >= ref.DELD_ANCIENNETE_MOIS)
    return frame.with_columns(deld.fill_null(False).alias("deld"),
                              pl.col("criteres").list.contains("RSA").fill_null(False).alias("rsa"))


def period(request_or_none=None, debut=None, fin=None) -> tuple[dt.date, dt.date]:
    from reperes.configuration.models import Installation

    default = Installation.get().default_period()
    return debut or default[0], fin or default[1]


# --------------------------------------------------------------------------- geography


def geo_for(territory) -> mx.Geo:
    members = list(territory.communes.values_list("code", "epci_siren", "departement", "epci_nom"))
    communes = {c: (e, d) for c, e, d, _ in members}
    names = {e: n for _, e, _, n in members}
    return mx.Geo(communes=communes, epci_names=names, epci_of=dict(Commune.objects.values_list("code", "epci_siren")))


def territory_epcis(territory) -> list[str]:
    found = list(dict.fromkeys(territory.epci_sirens or []))
    for e in territory.communes.order_by("epci_siren").values_list("epci_siren", flat=True).distinct():
        if e and e not in found:
            found.append(e)
    return found


def offer_services() -> list[mx.OfferService]:
    out = []
    for s in Service.objects.select_related("structure"):
        categories = frozenset(c for c in (mx.category_of_thematique(t) for t in s.thematiques or []) if c)
        out.append(mx.OfferService(id=f"{s.source}--{s.di_id}", type=s.type or "", categories=categories,
                                   publics=frozenset(s.publics or []), zone=tuple(s.zone_eligibilite or []),
                                   commune=s.code_insee or s.structure.code_insee, places=s.places))
    return out


# --------------------------------------------------------------------------- matrix


def plie_etapes_frame(debut, fin) -> pl.DataFrame:
    """(epci, type_etape): the PLIE's étapes started in the period by its accompagnés, on a barrier
    (référentiel ``ETAPE_FREINS``), with the EPCI where the participant lives."""
    from reperes.collection.models import Etape

    rows = list(Etape.objects.filter(participant__in=participant_ids(debut, fin), date_debut__gte=debut,
                                     date_debut__lte=fin, type_etape__in=list(ref.ETAPE_FREINS))
                .values_list("participant__epci_siren", "type_etape"))
    return pl.DataFrame(rows, schema={"epci": pl.String, "type_etape": pl.String}, orient="row")


def matrix_payload(territory, debut, fin, *, diffusion: bool, seuil: int) -> dict:
    geo = geo_for(territory)
    epcis = territory_epcis(territory)
    frame = accompagnes_frame(debut, fin)
    long_term = {code: f.value for code, f in latest(st.DELD, epcis).items()}
    cells = mx.build_cells(geo=geo, epcis=epcis, services=offer_services(), participants=frame,
                           long_term=long_term, etapes=plie_etapes_frame(debut, fin))
    secret: list[str] = []
    if diffusion:
        cells, secret = mx.protect(cells, seuil)
    return {"cells": cells, "secret": secret}


# --------------------------------------------------------------------------- needs and coverage


@dataclass
class Ratio:
    key: str
    label: str
    numerator_label: str
    denominator_label: str
    note: str
    per: int = 1  # 1000 for « pour 1 000 habitants »


# Said in every ratio's note: what a rate over a multi-year period divides by what.
YEARLY_AVERAGE_NOTE = (
    " Sur une période de plusieurs années, le numérateur est le nombre moyen d’accompagnés par année civile "
    "(accompagnés de chaque année civile de la période, moyennés), rapporté au stock des mêmes années : la "
    "moyenne des millésimes de la période qui sont importés, sinon le millésime le plus proche ; la source dit "
    "lequel. Jamais plusieurs années d’accompagnés divisées par le stock d’une seule année.")

RATIOS = (
    Ratio("deld", "Accompagnés DELD / demandeurs d'emploi de longue durée",
          "accompagnés DELD", "demandeurs d'emploi de longue durée (A, B, C, un an ou plus ; France Travail / DARES)",
          "Part du public de longue durée inscrit à France Travail que le PLIE accompagne." + YEARLY_AVERAGE_NOTE),
    Ratio("rsa", "Accompagnés RSA / foyers allocataires du RSA",
          "accompagnés au RSA", "foyers allocataires percevant le RSA (CAF)",
          "Attention : la CAF compte des foyers, pas des personnes ; un foyer peut compter plusieurs adultes. "
          "Le ratio rapporte des personnes à des foyers : c'est un ordre de grandeur." + YEARLY_AVERAGE_NOTE),
    Ratio("pop", "Accompagnés pour 1 000 habitants", "accompagnés",
          "population municipale (INSEE, populations légales du référentiel des communes, édition 2026)",
          "Nombre d'accompagnés pour 1 000 habitants." + YEARLY_AVERAGE_NOTE, per=1000),
)
RATIO_BY_KEY = {r.key: r for r in RATIOS}


@dataclass
class Place:
    code: str
    nom: str
    niveau: str  # commune | epci
    population: int
    accompagnes: int | None
    deld: int | None
    rsa: int | None
    long_term: FigureValue | None = None
    rsa_households: FigureValue | None = None
    ratios: dict = field(default_factory=dict)  # key → value | None
    ratio_secret: dict = field(default_factory=dict)  # key → True when hidden by disclosure or source secret
    per_year: dict = field(default_factory=dict)  # n | deld | rsa → yearly average over the period (raw)


def calendar_years(debut: dt.date, fin: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Each calendar year of the period, clipped to it: 2019-07-01 → 2020-12-31 gives two slices."""
    return [(max(debut, dt.date(y, 1, 1)), min(fin, dt.date(y, 12, 31))) for y in range(debut.year, fin.year + 1)]


def yearly_average_counts(debut: dt.date, fin: dt.date, column: str,
                          frame: pl.DataFrame | None = None) -> dict[str, dict[str, float]]:
    """key (``commune`` or ``epci`` code) → {n, deld, rsa}: accompagnés of each calendar year of the period,
    averaged over its years (a person accompanied in two years counts in each). ``frame``: the period's
    ``accompagnes_frame`` when the caller has it (each year's accompagnés are among them)."""
    years = calendar_years(debut, fin)
    if frame is None:
        frame = accompagnes_frame(debut, fin)
    totals: dict[str, dict[str, float]] = {}
    for start, end in years:
        year = populations.accompagnes(frame, start, end)
        for r in year.group_by(column).agg(pl.len().alias("n"), pl.col("deld").sum().alias("deld"),
                                           pl.col("rsa").sum().alias("rsa")).to_dicts():
            row = totals.setdefault(r[column], {"n": 0.0, "deld": 0.0, "rsa": 0.0})
            for m in ("n", "deld", "rsa"):
                row[m] += int(r[m] or 0)
    return {k: {m: v / len(years) for m, v in row.items()} for k, row in totals.items()}


def _ratio(numerator, denominator_value: FigureValue | float | None, per: int, *, raw: bool, seuil: int,
           yearly: float | None = None):
    """(value, secret). A source secret or a small numerator (partners) hides the ratio.

    ``numerator``: the (protected) count of the period, None when hidden; ``yearly``: its average per calendar
    year, what the ratio divides (the count itself when not given)."""
    from reperes.analytics.disclosure import rate_cell

    if isinstance(denominator_value, FigureValue):
        if denominator_value.secret:
            return None, True
        denominator = denominator_value.value
    else:
        denominator = denominator_value
    if numerator is None:
        return None, True
    value = numerator if yearly is None else yearly
    if not denominator:
        return None, False
    if not raw:
        cell = rate_cell(int(round(value)), int(round(denominator)), seuil, share=False)
        if cell.secret:
            return None, True
    return per * value / denominator, False


def coverage(territory, debut, fin, *, raw: bool, seuil: int) -> tuple[list[Place], list[Place]]:
    """(EPCI rows, commune rows) with counts of accompagnés, the source figures and the named ratios.

    Counts are those of the whole period; ratios divide the yearly average of accompagnés over the period's
    calendar years by the stock (``YEARLY_AVERAGE_NOTE``)."""
    from reperes.analytics.disclosure import protect_counts

    frame = accompagnes_frame(debut, fin)
    communes = list(territory.communes.values_list("code", "nom", "epci_siren", "epci_nom", "population"))
    codes = [c[0] for c in communes]
    by_commune = {r["commune"]: r for r in frame.group_by("commune").agg(
        pl.len().alias("n"), pl.col("deld").sum().alias("deld"), pl.col("rsa").sum().alias("rsa")).to_dicts()}
    epcis = territory_epcis(territory)
    by_epci = {r["epci"]: r for r in frame.group_by("epci").agg(
        pl.len().alias("n"), pl.col("deld").sum().alias("deld"), pl.col("rsa").sum().alias("rsa")).to_dicts()}
    yearly = {"commune": yearly_average_counts(debut, fin, "commune", frame),
              "epci": yearly_average_counts(debut, fin, "epci", frame)}
    years = range(debut.year, fin.year + 1)
    long_term = for_years(st.DELD, codes + epcis, years)
    households = for_years(st.RSA_HOUSEHOLDS, codes + epcis, years)

    def counts(source: dict, keys) -> dict[str, dict]:
        out = {k: {m: int((source.get(k) or {}).get(m) or 0) for m in ("n", "deld", "rsa")} for k in keys}
        if not raw:
            for m in ("n", "deld", "rsa"):
                protected = protect_counts({k: out[k][m] for k in keys}, seuil).values
                for k in keys:
                    out[k][m] = protected[k]
        return out

    commune_counts = counts(by_commune, codes)
    epci_counts = counts(by_epci, epcis)
    epci_names = {e: n for _, _, e, n, _ in communes}
    epci_pop: dict[str, int] = {}
    for _, _, e, _, pop in communes:
        epci_pop[e] = epci_pop.get(e, 0) + pop

    def place(code, nom, niveau, pop, c) -> Place:
        p = Place(code, nom, niveau, pop, c["n"], c["deld"], c["rsa"], long_term.get(code), households.get(code))
        p.per_year = yearly[niveau].get(code) or {"n": 0.0, "deld": 0.0, "rsa": 0.0}
        for key, num, den, m in (("deld", p.deld, p.long_term, "deld"), ("rsa", p.rsa, p.rsa_households, "rsa"),
                                 ("pop", p.accompagnes, pop, "n")):
            p.ratios[key], p.ratio_secret[key] = _ratio(num, den, RATIO_BY_KEY[key].per, raw=raw, seuil=seuil,
                                                        yearly=p.per_year[m])
        return p

    epci_rows = [place(e, epci_names.get(e, e), "epci", epci_pop.get(e, 0), epci_counts[e]) for e in epcis]
    commune_rows = [place(c, nom, "commune", pop, commune_counts[c]) for c, nom, _, _, pop in communes]
    commune_rows.sort(key=lambda p: p.nom)
    return epci_rows, commune_rows


# key → (label, kind, ratio key or indicator); the « Territoire » page and the reports draw these maps.
MAPS = {
    "pop": ("Accompagnés pour 1 000 habitants", "ratio", "pop"),
    "deld": ("Accompagnés DELD / demandeurs d'emploi de longue durée", "ratio", "deld"),
    "rsa": ("Accompagnés RSA / foyers allocataires du RSA", "ratio", "rsa"),
    "stock_deld": ("Demandeurs d'emploi de longue durée", "figure", st.DELD),
    "stock_rsa": ("Foyers allocataires du RSA (foyers, pas personnes)", "figure", st.RSA_HOUSEHOLDS),
}


def named_for_period(text: str, debut: dt.date, fin: dt.date) -> str:
    """``text`` with today's name of an institution replaced by its name in the period described
    (référentiel: « Pôle emploi » for data before 2024)."""
    from reperes.referentiel.institutions import institution_name_for_period

    return text.replace("France Travail", institution_name_for_period("france_travail", debut, fin))


def indicator_map(territory, places: list[Place], key: str, period) -> tuple:
    """(choropleth of one indicator by commune, codes without contour). The same map goes into the reports."""
    from reperes.charts import choropleth
    from reperes.territory.services import contours_for

    label, kind, what = MAPS[key]
    geometries, names, missing = contours_for(territory)
    groups = dict(territory.communes.values_list("code", "epci_nom"))
    if kind == "ratio":
        values = {p.code: p.ratios[what] for p in places}
        secret = {p.code for p in places if p.ratio_secret[what]}
        insufficient = {p.code for p in places if p.ratios[what] is None} - secret
        # a share (DELD, RSA) reads as a percentage, as in the tables; « pour 1 000 habitants » as a number
        unit, decimals = ("percent" if RATIO_BY_KEY[what].per == 1 else "count"), 1
        vintages = ""
        if what in ("deld", "rsa"):  # the stock's vintage(s), as the source gives them
            attr = "long_term" if what == "deld" else "rsa_households"
            found = sorted({getattr(p, attr).millesime for p in places if getattr(p, attr)})
            vintages = f", millésime {' ; '.join(found)}" if found else ""
        source = ("Repères (accompagnés du PLIE, " + mx.period_text(*period) + ") ; "
                  + named_for_period(RATIO_BY_KEY[what].denominator_label, *period) + vintages + ".")
    else:
        attr = "long_term" if what == st.DELD else "rsa_households"
        values = {p.code: (getattr(p, attr).value if getattr(p, attr) else None) for p in places}
        secret = {p.code for p in places if getattr(p, attr) is not None and getattr(p, attr).secret}
        insufficient = {p.code for p in places if getattr(p, attr) is None}
        unit, decimals = "count", 0
        provenance = {getattr(p, attr).provenance for p in places if getattr(p, attr)}
        source = ("; ".join(sorted(provenance)) or "aucune donnée importée") + "."
    chart = choropleth(geometries, values, names=names, title=f"{label}, par commune", unit=unit, decimals=decimals,
                       insufficient=insufficient, secret=secret, value_label=label, source=source, groups=groups)
    return chart, missing


def report_maps(territory, debut, fin, *, raw: bool, seuil: int, keys=tuple(MAPS)) -> list:
    """The « Territoire » maps for a report (partners' version when ``raw`` is False): a list of Chart."""
    _, communes = coverage(territory, debut, fin, raw=raw, seuil=seuil)
    return [indicator_map(territory, communes, key, (debut, fin))[0] for key in keys]


UNDERSERVED_METHOD = (
    "Méthode : pour chaque commune, le besoin est mesuré par le nombre de demandeurs d'emploi de longue durée "
    "(France Travail / DARES) quand il est importé, sinon par les foyers allocataires du RSA (CAF), sinon par la "
    "population. On calcule le nombre d'accompagnés attendu si le PLIE accompagnait chaque commune en proportion "
    "de son besoin (total des accompagnés × part de la commune dans le besoin du territoire), puis l'indice de "
    "couverture = accompagnés observés ÷ accompagnés attendus. Un indice inférieur à 1 signale une commune "
    "sous-desservie. Le classement part de l'indice le plus faible ; les communes dont le besoin est secret ou dont "
    "moins de 5 accompagnés sont attendus ne sont pas classées (trop peu pour conclure)."
)


def underserved(commune_rows: list[Place], total_accompagnes: int, *, limit: int = 15) -> tuple[str, list[dict]]:
    """(need measure used, ranked communes) — computed on raw counts; the caller protects what it shows."""
    measures = (("deld", "demandeurs d'emploi de longue durée"), ("rsa", "foyers allocataires du RSA"),
                ("pop", "population"))
    for key, label in measures:  # noqa: B007 - label is the measure kept after the loop
        if key == "pop":
            need = {p.code: float(p.population) for p in commune_rows}
        else:
            attr = "long_term" if key == "deld" else "rsa_households"
            values = {p.code: getattr(p, attr) for p in commune_rows}
            if not any(v is not None and not v.secret and v.value for v in values.values()):
                continue
            need = {code: v.value for code, v in values.items() if v is not None and not v.secret and v.value}
        break
    total_need = sum(need.values())
    ranked = []
    if not total_need or not total_accompagnes:
        return label, []
    for p in commune_rows:
        if p.code not in need:
            continue
        expected = total_accompagnes * need[p.code] / total_need
        if expected < 5:
            continue
        observed = p.accompagnes
        ranked.append({"code": p.code, "nom": p.nom, "besoin": need[p.code], "attendus": expected,
                       "observes": observed, "indice": None if observed is None else observed / expected})
    ranked.sort(key=lambda r: (r["indice"] is None, r["indice"] if r["indice"] is not None else 0, r["nom"]))
    return label, [r for r in ranked if r["indice"] is None or r["indice"] < 1][:limit]


def missing_contour_departements(missing_codes) -> list[tuple[str, int]]:
    """(département, number of communes without contour) — to say which contours to load."""
    counts: dict[str, int] = {}
    for dep in Commune.objects.filter(code__in=list(missing_codes)).values_list("departement", flat=True):
        counts[dep] = counts.get(dep, 0) + 1
    return sorted(counts.items())


# --------------------------------------------------------------------------- actors


def flows(debut, fin) -> dict:
    """Prescripteur → PLIE, PLIE → étape operators, PLIE → exit categories, over the accompagnés of the period."""
    from django.db.models import Count

    from reperes.collection.models import Etape

    frame = accompagnes_frame(debut, fin)
    prescripteurs = {}
    if frame.height:
        for code, n in frame.group_by("prescripteur").len().iter_rows():
            label = ref.PRESCRIPTEUR.label(code, default="Non renseigné") if code else "Non renseigné"
            prescripteurs[label] = prescripteurs.get(label, 0) + n
    operators = dict(
        Etape.objects.filter(participant__in=participant_ids(debut, fin), date_debut__gte=debut, date_debut__lte=fin)
        .exclude(operateur="").values_list("operateur").annotate(n=Count("participant", distinct=True))
        .order_by("-n")[:12])
    exits: dict[str, int] = {}
    if frame.height:
        out = frame.filter(pl.col("date_sortie").is_not_null() & (pl.col("date_sortie") >= debut)
                           & (pl.col("date_sortie") <= fin))
        for motif, n in out.group_by("motif_sortie").len().iter_rows():
            category = ref.category_of(motif)
            label = ref.CATEGORIE_SORTIE.label(category, default="Motif non renseigné") if category else \
                "Motif non renseigné"
            exits["Sortie : " + label] = exits.get("Sortie : " + label, 0) + n
    return {"prescripteurs": dict(sorted(prescripteurs.items(), key=lambda kv: -kv[1])),
            "operateurs": operators, "sorties": dict(sorted(exits.items(), key=lambda kv: -kv[1]))}


def participant_ids(debut, fin):  # noqa: N802 - a queryset of ids
    from reperes.collection.models import Participant

    return Participant.objects.accompagnes(debut, fin).values("id")


def still_accompanied(debut, fin) -> int:
    """Accompagnés of the period with no exit by its end."""
    from reperes.collection.models import Participant

    return Participant.objects.accompagnes(debut, fin).exclude(date_sortie__lte=fin).count()
