"""Benchmark of the indicators: the full pack on generated data, against pandas and DuckDB.

    .venv/bin/python benchmarks/indicators_bench.py [--participants 1000000] [--dir DOSSIER] [--annee 2019]

1. Generates a fictitious PLIE with ``reperes.demo.generate`` (cached in
   ``--dir``, default ``/tmp/reperes-bench-<N>``), reads its CSV files
   straight into Polars frames (no database).
2. Times the **full pack** (``reperes.analytics``): every indicator of the
   contract and the ESF+ ones for one year, the breakdown by EPCI and the
   series by year; prints the time and the process's peak memory.
3. Times the **core indicators** (the counts, rates and shares of
   docs/indicateurs.md) three ways, in the same process on the same
   in-memory data: Repères (Polars), an idiomatic vectorised pandas version
   (groupby/merge/explode, no Python row loop) and a hand-written DuckDB SQL
   version; checks that the three agree (relative tolerance 1e-9) and prints
   the ratios. Each timing is the best of ``--repeat`` runs.

Targets (issue 21): full pack ≤ 2 s at 1 M participants on 2 cores, core indicators no slower than
DuckDB (ratio Polars / DuckDB ≤ 1.0); issue 4: ≥ 3× faster than pandas.

``--json`` prints one JSON object on standard output and nothing else (the rest goes to standard
error): ``{"participants": N, "pack_s": …, "ratio_duckdb": Polars / DuckDB, "ratio_pandas": pandas / Polars}``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import polars as pl  # noqa: E402

from reperes import referentiel as ref  # noqa: E402
from reperes.analytics.breakdowns import breakdown, series_by_year  # noqa: E402
from reperes.analytics.csvframes import communes_frame, read_folder  # noqa: E402
from reperes.analytics.indicators import (  # noqa: E402
    CORE_IDS,
    HORS_TERRITOIRE,
    MOTIF_CATEGORY,
    STEP_FAMILY,
    base_frame,
    evaluate,
    participant_frame,
)
from reperes.demo.communes import load_communes  # noqa: E402
from reperes.demo.generator import generate  # noqa: E402

EMPLOI = [code for code, family in STEP_FAMILY.items() if family == "EMPLOI"]
# The core: every id of the contract but the per-inhabitant rates (a division of accompagnes_par_epci).
CORE = [i for i in CORE_IDS if i != "accompagnes_pour_1000_habitants_par_epci"]


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


CPU: dict[str, float] = {}  # label → CPU seconds (all threads) of the best run


def best_of(repeat: int, func, label: str = ""):
    """Best wall time of ``repeat`` runs (and, in ``CPU[label]``, the CPU time of that run)."""
    times, result = [], None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = func()
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    wall, cpu = min(times)
    CPU[label] = cpu
    return wall, result


# --------------------------------------------------------------------------- the full pack (Repères)


def full_pack(dataset, debut, fin):
    base = base_frame(dataset)
    frame = participant_frame(dataset, debut, fin, base=base)
    result = evaluate(dataset, debut, fin, frame=frame)
    by_epci = breakdown(dataset, debut, fin, "epci", frame=frame)
    by_year = series_by_year(dataset, fin=fin, base=base)
    return result, by_epci, by_year


def polars_core(dataset, debut, fin) -> dict:
    indicateurs = evaluate(dataset, debut, fin, esf=False).payload["indicateurs"]
    return {key: indicateurs[key] for key in CORE}


# --------------------------------------------------------------------------- pandas (idiomatic, vectorised)


def _pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """A pandas frame with NumPy dtypes (datetime64, float, object strings and lists), without pyarrow."""
    columns = {}
    for name, dtype in frame.schema.items():
        series = frame[name]
        if dtype == pl.Date:
            columns[name] = pd.to_datetime(series.cast(pl.Datetime("ms")).to_numpy())
        elif isinstance(dtype, pl.List):
            columns[name] = pd.Series(series.to_list(), dtype=object)
        elif dtype == pl.Boolean:
            columns[name] = pd.Series(series.to_list(), dtype="boolean")
        elif dtype.is_integer() and series.null_count():
            columns[name] = series.cast(pl.Float64).to_numpy()
        else:
            columns[name] = series.to_numpy()
    return pd.DataFrame(columns)


def to_pandas(dataset) -> dict[str, pd.DataFrame]:
    return {
        "participants": _pandas(dataset.participants.select(
            "participant", "sexe", "age_entree", "annee_naissance", "commune", "qpv", "niveau_formation",
            "anciennete_chomage_mois", "criteres", "date_entree", "date_sortie", "motif_sortie")),
        "etapes": _pandas(dataset.etapes.select("participant", "type_etape", "date_debut")),
        "suivi_freins": _pandas(dataset.suivi_freins),
        "acquis": _pandas(dataset.acquis.select("participant", "date")),
        "communes": _pandas(dataset.communes),
    }


def pandas_core(t: dict[str, pd.DataFrame], debut: dt.date, fin: dt.date) -> dict:
    debut, fin = pd.Timestamp(debut), pd.Timestamp(fin)
    p = t["participants"]
    de, ds = p["date_entree"], p["date_sortie"]
    acc = (de <= fin) & (ds.isna() | (ds >= debut))
    ent = (de >= debut) & (de <= fin)
    sor = (ds >= debut) & (ds <= fin)
    cat = p["motif_sortie"].map(MOTIF_CATEGORY)
    age = p["age_entree"].fillna(de.dt.year - p["annee_naissance"])
    crit = p["criteres"].explode()

    def has(codes):
        return crit.isin(codes).groupby(level=0).any().reindex(p.index, fill_value=False)

    # barriers levés
    s = t["suivi_freins"].merge(p[["participant", "date_sortie"]], on="participant")
    s = s[s["date_sortie"].isna() | (s["date"] <= s["date_sortie"])].sort_values(["participant", "frein", "date"])
    g = s.groupby(["participant", "frein"], sort=False)["niveau"].agg(["size", "first", "last"])
    leve = g[(g["size"] >= 2) & (g["last"] < g["first"])].index.get_level_values(0).unique()
    a = t["acquis"].merge(p[["participant", "date_entree", "date_sortie"]], on="participant")
    a = a[(a["date"] >= a["date_entree"]) & (a["date_sortie"].isna() | (a["date"] <= a["date_sortie"]))]
    ids = p["participant"]
    valorisee = (cat == "solution") | ((cat == "sans_solution") & (ids.isin(a["participant"].unique())
                                                                   | ids.isin(leve)))
    e = t["etapes"]
    e = e[(e["date_debut"] >= debut) & (e["date_debut"] <= fin)]
    e = e[e["participant"].isin(ids[acc])]
    emploi = ids.isin(e.loc[e["type_etape"].isin(EMPLOI), "participant"].unique())

    n_acc, n_sor = int(acc.sum()), int(sor.sum())
    positives, neutres = int((sor & (cat == "positive")).sum()), int((sor & (cat == "neutre")).sum())
    valorisees = int((sor & valorisee).sum())
    days = (ds - de).dt.days[sor] / 30.4375
    motifs = p.loc[sor, "motif_sortie"].value_counts()
    epci_of = dict(zip(t["communes"]["commune"], t["communes"]["epci"], strict=True))
    zones = p.loc[acc, "commune"].map(epci_of).fillna(HORS_TERRITOIRE).value_counts()
    epcis = sorted(set(t["communes"]["epci"]))

    def ratio(n, d):
        return n / d if d else None

    def share(mask):
        return ratio(int((acc & mask).sum()), n_acc)

    result = {
        "participants_accompagnes": n_acc, "entrees": int(ent.sum()), "sorties": n_sor,
        "sorties_positives": positives, "sorties_neutres": neutres,
        "taux_sorties_positives": ratio(positives, n_sor),
        "taux_sorties_positives_hors_neutres": ratio(positives, n_sor - neutres),
        "sorties_par_motif": {c: int(motifs.get(c, 0)) for c in ref.MOTIF_SORTIE.codes()},
        "sorties_par_categorie": {c: int((sor & (cat == c)).sum()) for c in ref.CATEGORIE_SORTIE.codes()},
        "sorties_non_positives_valorisees": valorisees,
        "taux_valorisation_sorties_non_positives": ratio(valorisees, n_sor - positives - neutres),
        "duree_moyenne_parcours_mois": float(days.mean()) if n_sor else None,
        "duree_mediane_parcours_mois": float(days.median()) if n_sor else None,
        "part_femmes": share(p["sexe"] == "F"),
        "part_moins_26_ans": share(age < 26),
        "part_50_ans_et_plus": share(age >= 50),
        "part_rsa": share(has(["RSA"])),
        "part_deld": share(has(["DELD", "DETLD"]) | (p["anciennete_chomage_mois"] >= 12)),
        "part_th": share(has(["TH"])),
        "part_qpv": share(p["qpv"].fillna(False).astype(bool)),
        "part_infra_bac": share(p["niveau_formation"].isin(ref.INFRA_BAC)),
        "etapes_par_participant": ratio(len(e), n_acc),
        "part_accompagnes_avec_etape_emploi": share(emploi),
        "accompagnes_par_epci": {**{k: int(zones.get(k, 0)) for k in epcis},
                                 HORS_TERRITOIRE: int(zones.get(HORS_TERRITOIRE, 0))},
    }
    return {key: result[key] for key in CORE}


# --------------------------------------------------------------------------- DuckDB (hand-written SQL)


def duckdb_connection(dataset) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET threads = {os.cpu_count() or 2}")
    tables = {name: getattr(dataset, name) for name in ("participants", "etapes", "suivi_freins", "acquis",
                                                         "communes")}
    tables["categories"] = pl.DataFrame({"motif": list(MOTIF_CATEGORY), "categorie": list(MOTIF_CATEGORY.values())})
    for name, frame in tables.items():  # copied into DuckDB's own in-memory tables (Arrow C stream, no pyarrow)
        con.from_arrow(_ArrowStream(frame)).create(name)
    return con


class _ArrowStream:
    """Hands a Polars frame to DuckDB through the Arrow PyCapsule interface."""

    def __init__(self, frame: pl.DataFrame):
        self.frame = frame

    def __arrow_c_stream__(self, requested_schema=None):
        return self.frame.__arrow_c_stream__(requested_schema)


DUCKDB_SQL = """
WITH p AS (
  SELECT pa.participant, pa.sexe, pa.qpv, pa.niveau_formation, pa.criteres, pa.anciennete_chomage_mois,
         pa.commune, pa.date_entree, pa.date_sortie, pa.motif_sortie, c.categorie,
         coalesce(pa.age_entree, year(pa.date_entree) - pa.annee_naissance) AS age,
         pa.date_entree <= $fin AND (pa.date_sortie IS NULL OR pa.date_sortie >= $debut) AS acc,
         pa.date_entree BETWEEN $debut AND $fin AS ent,
         coalesce(pa.date_sortie BETWEEN $debut AND $fin, false) AS sor
  FROM participants pa LEFT JOIN categories c ON c.motif = pa.motif_sortie
),
lev AS (
  SELECT DISTINCT participant FROM (
    SELECT s.participant, s.frein, count(*) AS n, arg_min(s.niveau, s.date) AS premier,
           arg_max(s.niveau, s.date) AS dernier
    FROM suivi_freins s JOIN participants pa ON pa.participant = s.participant
    WHERE pa.date_sortie IS NULL OR s.date <= pa.date_sortie
    GROUP BY s.participant, s.frein)
  WHERE n >= 2 AND dernier < premier
),
acq AS (
  SELECT DISTINCT a.participant FROM acquis a JOIN participants pa ON pa.participant = a.participant
  WHERE a.date >= pa.date_entree AND (pa.date_sortie IS NULL OR a.date <= pa.date_sortie)
),
et AS (
  SELECT participant, count(*) AS n, bool_or(type_etape IN ({emploi})) AS emploi
  FROM etapes WHERE date_debut BETWEEN $debut AND $fin GROUP BY participant
),
f AS (
  SELECT p.*, coalesce(et.n, 0) AS n_etapes, coalesce(et.emploi, false) AS emploi,
         p.categorie = 'solution' OR (p.categorie = 'sans_solution'
           AND (acq.participant IS NOT NULL OR lev.participant IS NOT NULL)) AS valorisee
  FROM p LEFT JOIN et USING (participant) LEFT JOIN acq USING (participant) LEFT JOIN lev USING (participant)
)
SELECT
  count(*) FILTER (WHERE acc) AS acc,
  count(*) FILTER (WHERE ent) AS ent,
  count(*) FILTER (WHERE sor) AS sor,
  count(*) FILTER (WHERE sor AND categorie = 'positive') AS positives,
  count(*) FILTER (WHERE sor AND categorie = 'neutre') AS neutres,
  count(*) FILTER (WHERE sor AND categorie = 'solution') AS solution,
  count(*) FILTER (WHERE sor AND categorie = 'sans_solution') AS sans_solution,
  count(*) FILTER (WHERE sor AND valorisee) AS valorisees,
  avg(datediff('day', date_entree, date_sortie) / 30.4375) FILTER (WHERE sor) AS duree_moyenne,
  median(datediff('day', date_entree, date_sortie) / 30.4375) FILTER (WHERE sor) AS duree_mediane,
  count(*) FILTER (WHERE acc AND sexe = 'F') AS femmes,
  count(*) FILTER (WHERE acc AND age < 26) AS moins_26,
  count(*) FILTER (WHERE acc AND age >= 50) AS plus_50,
  count(*) FILTER (WHERE acc AND list_contains(criteres, 'RSA')) AS rsa,
  count(*) FILTER (WHERE acc AND (list_has_any(criteres, ['DELD', 'DETLD'])
                                  OR coalesce(anciennete_chomage_mois >= 12, false))) AS deld,
  count(*) FILTER (WHERE acc AND list_contains(criteres, 'TH')) AS th,
  count(*) FILTER (WHERE acc AND coalesce(qpv, false)) AS qpv,
  count(*) FILTER (WHERE acc AND niveau_formation IN ('INFRA_3', 'NIV_3')) AS infra_bac,
  coalesce(sum(n_etapes) FILTER (WHERE acc), 0) AS etapes,
  count(*) FILTER (WHERE acc AND emploi) AS emploi
FROM f
"""


def duckdb_core(con, debut: dt.date, fin: dt.date) -> dict:
    params = {"debut": debut, "fin": fin}
    sql = DUCKDB_SQL.replace("{emploi}", ", ".join(f"'{c}'" for c in EMPLOI))
    r = con.execute(sql, params).fetchone()
    (acc, ent, sor, positives, neutres, solution, sans_solution, valorisees, moyenne, mediane, femmes, moins_26,
     plus_50, rsa, deld, th, qpv, infra, etapes, emploi) = r
    motifs = dict(con.execute(
        "SELECT motif_sortie, count(*) FROM participants WHERE date_sortie BETWEEN $debut AND $fin GROUP BY 1",
        params).fetchall())
    zones = dict(con.execute(
        "SELECT coalesce(c.epci, 'hors_territoire'), count(*) FROM participants p "
        "LEFT JOIN communes c ON c.commune = p.commune "
        "WHERE p.date_entree <= $fin AND (p.date_sortie IS NULL OR p.date_sortie >= $debut) GROUP BY 1",
        params).fetchall())
    epcis = [e for (e,) in con.execute("SELECT DISTINCT epci FROM communes ORDER BY 1").fetchall()]

    def ratio(n, d):
        return n / d if d else None

    result = {
        "participants_accompagnes": acc, "entrees": ent, "sorties": sor, "sorties_positives": positives,
        "sorties_neutres": neutres, "taux_sorties_positives": ratio(positives, sor),
        "taux_sorties_positives_hors_neutres": ratio(positives, sor - neutres),
        "sorties_par_motif": {c: motifs.get(c, 0) for c in ref.MOTIF_SORTIE.codes()},
        "sorties_par_categorie": {"positive": positives, "solution": solution, "neutre": neutres,
                                  "sans_solution": sans_solution},
        "sorties_non_positives_valorisees": valorisees,
        "taux_valorisation_sorties_non_positives": ratio(valorisees, sor - positives - neutres),
        "duree_moyenne_parcours_mois": moyenne, "duree_mediane_parcours_mois": mediane,
        "part_femmes": ratio(femmes, acc), "part_moins_26_ans": ratio(moins_26, acc),
        "part_50_ans_et_plus": ratio(plus_50, acc), "part_rsa": ratio(rsa, acc), "part_deld": ratio(deld, acc),
        "part_th": ratio(th, acc), "part_qpv": ratio(qpv, acc), "part_infra_bac": ratio(infra, acc),
        "etapes_par_participant": ratio(int(etapes), acc), "part_accompagnes_avec_etape_emploi": ratio(emploi, acc),
        "accompagnes_par_epci": {**{e: zones.get(e, 0) for e in epcis}, HORS_TERRITOIRE: zones.get(HORS_TERRITOIRE, 0)},
    }
    return {key: result[key] for key in CORE}


# --------------------------------------------------------------------------- agreement


def differences(a, b, path="") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return [f"{path}: clés {list(a)} ≠ {list(b)}"]
        return [d for k in a for d in differences(a[k], b[k], f"{path}.{k}" if path else k)]
    if a is None or b is None:
        return [] if a is None and b is None else [f"{path}: {a!r} ≠ {b!r}"]
    if isinstance(a, float | int | np.floating | np.integer) and isinstance(b, float | int | np.floating | np.integer):
        return [] if math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=0) else [f"{path}: {a!r} ≠ {b!r}"]
    return [] if a == b else [f"{path}: {a!r} ≠ {b!r}"]


# --------------------------------------------------------------------------- main


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Banc d'essai des indicateurs (Polars, pandas, DuckDB).")
    parser.add_argument("--participants", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=None, help="dossier des CSV générés (réutilisé s'il existe)")
    parser.add_argument("--annee", type=int, default=2019)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true",
                        help="n'écrire qu'un objet JSON sur la sortie standard (le reste sur la sortie d'erreur)")
    args = parser.parse_args(argv)
    if not args.json:
        return run(args)
    with contextlib.redirect_stdout(sys.stderr):
        status, summary = run(args, summary=True)
    print(json.dumps(summary), flush=True)
    return status


def run(args, summary: bool = False):
    folder = args.dir or Path(tempfile.gettempdir()) / f"reperes-bench-{args.participants}"
    debut, fin = dt.date(args.annee, 1, 1), dt.date(args.annee, 12, 31)
    print(f"Polars {pl.__version__}, pandas {pd.__version__}, DuckDB {duckdb.__version__}, "
          f"{os.cpu_count()} cœurs, Python {sys.version.split()[0]}")

    if not (folder / "participants.csv").exists():
        start = time.perf_counter()
        generate(folder, seed=args.seed, participants=args.participants,
                 progress=lambda m: print(f"  {m}", file=sys.stderr))
        print(f"Génération de {args.participants:,} participants : {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    dataset = read_folder(folder, communes_frame(load_communes()))
    print(f"Lecture des CSV dans Polars : {time.perf_counter() - start:.1f} s — "
          f"{dataset.participants.height:,} participants, {dataset.etapes.height:,} étapes, "
          f"{dataset.suivi_freins.height:,} suivis de freins, {dataset.acquis.height:,} acquis")
    base_rss = rss_mb()
    print(f"Mémoire (RSS) après chargement : {base_rss:,.0f} Mo")

    pack_time, (result, by_epci, by_year) = best_of(args.repeat, lambda: full_pack(dataset, debut, fin), "pack")
    print(f"\nPaquet complet {args.annee} (indicateurs du contrat + FSE+, par EPCI, série par année "
          f"{by_year.table['cle'][0]}–{by_year.table['cle'][-1]}) : {pack_time:.2f} s "
          f"(meilleur de {args.repeat} ; temps CPU {CPU['pack']:.2f} s) — objectif ≤ 2 s")
    print(f"Pic de mémoire du processus : {peak_mb():,.0f} Mo (dont données chargées : {base_rss:,.0f} Mo)")
    ind = result.payload["indicateurs"]
    print(f"  accompagnés {ind['participants_accompagnes']:,}, entrées {ind['entrees']:,}, sorties {ind['sorties']:,}, "
          f"taux de sorties positives {ind['taux_sorties_positives']:.4f}")

    polars_time, polars_values = best_of(args.repeat, lambda: polars_core(dataset, debut, fin), "polars")
    pandas_tables = to_pandas(dataset)
    pandas_time, pandas_values = best_of(args.repeat, lambda: pandas_core(pandas_tables, debut, fin), "pandas")
    con = duckdb_connection(dataset)
    duck_time, duck_values = best_of(args.repeat, lambda: duckdb_core(con, debut, fin), "duckdb")

    print(f"\nIndicateurs du cœur ({len(CORE)} identifiants : effectifs, taux, parts), même processus, mêmes données :")
    load = os.getloadavg()[0]
    print(f"  (charge de la machine : {load:.1f} pour {os.cpu_count()} cœurs ; temps CPU entre crochets)")
    print(f"  Repères (Polars) : {polars_time:.3f} s [{CPU['polars']:.2f} s]")
    print(f"  pandas           : {pandas_time:.3f} s [{CPU['pandas']:.2f} s]   → Polars {pandas_time / polars_time:.1f}× plus rapide "
          f"(objectif ≥ 3×)")
    print(f"  DuckDB (SQL)     : {duck_time:.3f} s [{CPU['duckdb']:.2f} s]   → Polars / DuckDB = {polars_time / duck_time:.2f} "
          f"(objectif ≤ 1,0)")
    problems = differences(polars_values, pandas_values) + differences(polars_values, duck_values)
    pd_diff = differences(polars_values, pandas_values)
    duck_diff = differences(polars_values, duck_values)
    print(f"  Accord Polars = pandas : {'oui' if not pd_diff else 'NON ' + '; '.join(pd_diff[:5])}")
    print(f"  Accord Polars = DuckDB : {'oui' if not duck_diff else 'NON ' + '; '.join(duck_diff[:5])}")
    status = 1 if problems else 0
    if summary:
        return status, {"participants": dataset.participants.height, "pack_s": pack_time,
                        "ratio_duckdb": polars_time / duck_time, "ratio_pandas": pandas_time / polars_time}
    return status


if __name__ == "__main__":
    raise SystemExit(main())
