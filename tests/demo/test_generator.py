"""The demo generator: valid per the exchange format, plausible, deterministic, streamed.

Runs without Django: ``pytest -p no:django tests/demo``.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from reperes.demo import ACTIONS, TERRES_DE_LORRAINE_EPCI, generate, load_communes
from reperes.demo.generator import EXTRACTION, block_size
from reperes.referentiel.codes import (
    CATEGORIE_SORTIE,
    FAMILLE_ETAPE,
    MOTIF_SORTIE,
    category_of,
    family_of,
)
from reperes.referentiel.tables import IDENTIFYING_COLUMNS, TABLES

TABLE_NAMES = ("participants", "actions", "etapes", "suivi_freins", "acquis")
DATE_RE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
TOUL = "54528"


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


@functools.cache
def day(text: str) -> dt.date:
    assert DATE_RE.match(text), text
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


def age_at_entry(p: dict[str, str]) -> int:
    entree = day(p["date_entree"])
    if p["date_naissance"]:
        birth = day(p["date_naissance"])
        return entree.year - birth.year - ((entree.month, entree.day) < (birth.month, birth.day))
    return entree.year - int(p["annee_naissance"])


def multi(cell: str) -> list[str]:
    return cell.split("|") if cell else []


class Demo:
    def __init__(self, folder: Path, summary):
        self.folder = folder
        self.summary = summary
        self.tables = {name: read(folder, name) for name in TABLE_NAMES}
        self.participants = {p["id_participant"]: p for p in self.tables["participants"]}
        self.exits = [p for p in self.tables["participants"] if p["date_sortie"]]

    def positive_rate(self, rows) -> float:
        rows = list(rows)
        return sum(category_of(p["motif_sortie"]) == "positive" for p in rows) / len(rows)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Demo:
    folder = tmp_path_factory.mktemp("demo")
    return Demo(folder, generate(folder))


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> Demo:
    """30,000 parcours written in small chunks: streaming, and enough rows for the correlations."""
    folder = tmp_path_factory.mktemp("large")
    messages: list[str] = []
    summary = generate(folder, seed=7, participants=30_000, chunk_size=2_000, progress=messages.append)
    demo = Demo(folder, summary)
    demo.messages = messages
    return demo


# --- the communes -----------------------------------------------------------------


def test_terres_de_lorraine_communes():
    communes = load_communes(TERRES_DE_LORRAINE_EPCI)
    assert len(communes) == 153
    assert sum(c.population for c in communes) == 97_992
    assert {c.epci_siren for c in communes} == set(TERRES_DE_LORRAINE_EPCI)
    rural = {c.epci_siren for c in communes if c.rural}
    assert rural == {"200035772", "245400510"}
    assert {c.nom for c in communes if c.code == TOUL} == {"Toul"}


def test_unknown_epci_is_refused():
    with pytest.raises(ValueError, match="999999999"):
        load_communes(("999999999",))


# --- format ----------------------------------------------------------------------


def test_files_and_headers(demo):
    assert set(demo.summary.files) == set(TABLE_NAMES)
    for name in TABLE_NAMES:
        path = demo.summary.files[name]
        assert path == demo.folder / f"{name}.csv"
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        raw.decode("utf-8")
        header = raw.split(b"\n", 1)[0].decode()
        assert header.split(";") == TABLES[name].column_names
        assert not set(header.split(";")) & set(IDENTIFYING_COLUMNS)
        assert demo.summary.counts[name] == len(demo.tables[name]) == raw.count(b"\n") - 1


def test_every_code_is_in_the_referentiel(both):
    demo = both
    for name, rows in demo.tables.items():
        for column in TABLES[name].columns:
            if column.codes is None:
                continue
            for row in rows:
                values = multi(row[column.name]) if column.multi else [row[column.name]]
                for value in values:
                    assert value == "" or value in column.codes, (name, column.name, value)
                if column.required:
                    assert row[column.name], (name, column.name)


def test_every_date_cell_is_jj_mm_aaaa(both):
    demo = both
    for name, rows in demo.tables.items():
        dates = [c.name for c in TABLES[name].columns if c.kind == "date"]
        for row in rows:
            for column in dates:
                if row[column]:
                    day(row[column])


def test_no_cell_needs_quoting(demo):
    for name in ("participants", "etapes", "suivi_freins", "acquis"):
        text = (demo.folder / f"{name}.csv").read_text(encoding="utf-8")
        assert '"' not in text and "\r" not in text


# --- participants ----------------------------------------------------------------


@pytest.fixture(params=["demo", "large"])
def both(request) -> Demo:
    """The rules hold at the default size and on 30,000 parcours written in small chunks."""
    return request.getfixturevalue(request.param)


def test_participant_rules(both):
    demo = both
    communes = {c.code for c in load_communes(TERRES_DE_LORRAINE_EPCI)}
    ids = [p["id_participant"] for p in demo.tables["participants"]]
    assert len(ids) == len(set(ids)) == demo.summary.participants
    for p in demo.tables["participants"]:
        assert re.fullmatch(r"P20(1[4-9]|20)-\d{5,}", p["id_participant"]), p["id_participant"]
        assert p["id_participant"][1:5] == p["date_entree"][-4:]
        entree = day(p["date_entree"])
        assert dt.date(2014, 1, 1) <= entree <= dt.date(2020, 12, 31)
        assert bool(p["date_naissance"]) != bool(p["annee_naissance"])
        assert 18 <= age_at_entry(p) <= 64
        assert p["commune_residence"] in communes
        assert p["qpv"] in ("oui", "non")
        assert p["qpv"] == "non" or p["commune_residence"] == TOUL
        # Seniority of job search: for every job seeker, only for them.
        assert (p["situation_entree"] == "DE") == (p["anciennete_chomage_mois"] != "")
        assert len(multi(p["freins_entree"])) <= 4
        assert re.fullmatch(r"REF0[1-8]", p["referent"])
        # A motif iff an exit date.
        assert bool(p["date_sortie"]) == bool(p["motif_sortie"])
        if p["date_sortie"]:
            sortie = day(p["date_sortie"])
            assert entree <= sortie <= EXTRACTION
        else:
            assert not (p["duree_emploi_mois"] or p["situation_6_mois"] or p["date_situation_6_mois"])
        if p["duree_emploi_mois"]:
            assert float(p["duree_emploi_mois"].replace(",", ".")) >= 0
        assert bool(p["situation_6_mois"]) == bool(p["date_situation_6_mois"])
        if p["date_situation_6_mois"]:
            assert day(p["date_situation_6_mois"]) >= day(p["date_sortie"])
            assert day(p["date_sortie"]) < dt.date(2020, 1, 1)


def test_reentries_are_the_same_person_later(both):
    demo = both
    parcours = defaultdict(list)
    for p in demo.tables["participants"]:
        if p["id_personne"]:
            parcours[p["id_personne"]].append(p)
    twice = [rows for rows in parcours.values() if len(rows) == 2]
    assert len(twice) >= 5
    assert all(len(rows) <= 2 for rows in parcours.values())
    for first, second in (sorted(rows, key=lambda p: day(p["date_entree"])) for rows in twice):
        assert first["sexe"] == second["sexe"]
        assert (first["date_naissance"], first["annee_naissance"]) == (second["date_naissance"],
                                                                       second["annee_naissance"])
        assert first["date_sortie"] and day(first["date_sortie"]) < day(second["date_entree"])


# --- actions ---------------------------------------------------------------------


def test_actions(demo):
    actions = demo.tables["actions"]
    assert 25 <= len(actions) <= 35
    assert len({a["id_action"] for a in actions}) == len(actions)
    experimental = [a for a in actions if a["experimentale"] == "oui"]
    assert len(experimental) == 2
    assert {a["theme_experimentation"] for a in experimental} == {"Déterminants de la mobilisation", "Santé"}
    assert all(a["experimentale"] in ("oui", "non") for a in actions)
    territory = set(TERRES_DE_LORRAINE_EPCI) | {c.code for c in load_communes(TERRES_DE_LORRAINE_EPCI)}
    for a in actions:
        assert a["intitule"] and a["operateur"] and a["axe"].startswith("Axe ")
        assert a["famille"] in FAMILLE_ETAPE
        assert set(multi(a["territoire"])) <= territory
        assert day(a["date_debut"]) <= day(a["date_fin"])
        total, fse, other = (int(a[c]) for c in ("budget_total", "financement_fse", "autres_financements"))
        assert fse + other == total and min(fse, other) >= 0
        assert int(a["places_prevues"]) > 0
    assert any(multi(a["territoire"]) for a in actions)


# --- étapes ----------------------------------------------------------------------


def test_etape_rules(both):
    demo = both
    actions = {a["id_action"]: a for a in demo.tables["actions"]}
    etapes = demo.tables["etapes"]
    assert len({e["id_etape"] for e in etapes}) == len(etapes)
    linked = 0
    for e in etapes:
        assert re.fullmatch(r"E\d{7}", e["id_etape"])
        p = demo.participants[e["id_participant"]]
        entree = day(p["date_entree"])
        end = day(p["date_sortie"]) if p["date_sortie"] else EXTRACTION
        debut = day(e["date_debut"])
        assert entree - dt.timedelta(days=31) <= debut <= end
        if e["date_fin"]:
            assert debut <= day(e["date_fin"]) <= end
        # Still running only in an open parcours, and then without an end.
        assert (e["resultat"] == "EN_COURS") == (not e["date_fin"])
        assert e["resultat"] != "EN_COURS" or not p["date_sortie"]
        if e["id_action"]:
            linked += 1
            action = actions[e["id_action"]]
            assert action["famille"] == family_of(e["type_etape"])
            assert day(action["date_debut"]) <= debut <= day(action["date_fin"])
            assert e["operateur"] == action["operateur"]
    assert linked / len(etapes) > 0.5


def test_positive_exits_close_with_the_matching_step(both):
    demo = both
    steps = defaultdict(list)
    for e in demo.tables["etapes"]:
        steps[e["id_participant"]].append(e["type_etape"])
    for p in demo.exits:
        if p["motif_sortie"] == "EMPLOI_CDI":
            assert "EMPLOI_CDI" in steps[p["id_participant"]]
        if p["motif_sortie"] == "FORMATION_QUALIFIANTE":
            assert "FORMATION_QUALIFIANTE" in steps[p["id_participant"]]


# --- suivi des freins and acquis -----------------------------------------------------


def test_suivi_freins_rules(both):
    demo = both
    rows = demo.tables["suivi_freins"]
    identities = [(r["id_participant"], r["frein"], r["date"]) for r in rows]
    assert len(identities) == len(set(identities))
    by_pair = defaultdict(list)
    for r in rows:
        p = demo.participants[r["id_participant"]]
        entree = day(p["date_entree"])
        end = day(p["date_sortie"]) if p["date_sortie"] else EXTRACTION
        assert entree - dt.timedelta(days=20) <= day(r["date"]) <= end
        by_pair[(r["id_participant"], r["frein"])].append((day(r["date"]), int(r["niveau"])))
    # Every barrier at entry is assessed at entry (or just before), then followed.
    for p in demo.tables["participants"]:
        for frein in multi(p["freins_entree"]):
            history = sorted(by_pair[(p["id_participant"], frein)])
            assert history and history[0][0] <= day(p["date_entree"])
    histories = [sorted(h) for h in by_pair.values() if len(h) >= 2]
    assert len(histories) > 0.7 * len(by_pair)
    assert max(len(h) for h in by_pair.values()) == 4
    first = statistics.mean(h[0][1] for h in histories)
    last = statistics.mean(h[-1][1] for h in histories)
    assert last < first - 0.5  # levels tend to drop
    lifted = sum(h[-1][1] < h[0][1] for h in histories) / len(histories)
    assert 0.3 < lifted < 0.9


def test_acquis_rules(both):
    demo = both
    rows = demo.tables["acquis"]
    assert rows
    identities = [(r["id_participant"], r["type_acquis"], r["date"]) for r in rows]
    assert len(identities) == len(set(identities))
    for r in rows:
        p = demo.participants[r["id_participant"]]
        end = day(p["date_sortie"]) if p["date_sortie"] else EXTRACTION
        assert day(p["date_entree"]) <= day(r["date"]) <= end
        assert len(r["commentaire"]) <= 500 and not re.search(r"\d{5}", r["commentaire"])
    comments = [r["commentaire"] for r in rows if r["commentaire"]]
    assert comments and len(comments) < 0.2 * len(rows)
    # Achievements are more frequent where no lasting job came.
    with_acquis = {r["id_participant"] for r in rows}
    positive = [p for p in demo.exits if category_of(p["motif_sortie"]) == "positive"]
    other = [p for p in demo.exits if category_of(p["motif_sortie"]) in ("solution", "sans_solution")]
    share = lambda group: sum(p["id_participant"] in with_acquis for p in group) / len(group)  # noqa: E731
    assert share(other) > share(positive)


# --- distributions at the default size -----------------------------------------------


def test_distributions_match_the_national_figures(demo):
    participants = demo.tables["participants"]
    n, exits = len(participants), demo.exits
    motifs = Counter(p["motif_sortie"] for p in exits)
    assert 0.40 <= demo.positive_rate(exits) <= 0.50
    assert 0.14 <= motifs["ABANDON"] / len(exits) <= 0.22
    assert 0.40 <= sum("RSA" in multi(p["criteres"]) for p in participants) / n <= 0.48
    assert 2.5 <= len(demo.tables["etapes"]) / n <= 3.5
    months = [(day(p["date_sortie"]) - day(p["date_entree"])).days / 30.4375 for p in exits]
    assert 20 <= statistics.mean(months) <= 28
    assert set(motifs) == set(MOTIF_SORTIE.codes())  # every motif at least once
    assert {category_of(m) for m in motifs} == set(CATEGORIE_SORTIE.codes())


def test_population_profile(demo):
    participants = demo.tables["participants"]
    n = len(participants)
    ages = [age_at_entry(p) for p in participants]
    assert 0.15 <= sum(a < 26 for a in ages) / n <= 0.25
    assert 0.15 <= sum(a >= 50 for a in ages) / n <= 0.25
    assert 0.45 <= sum(p["sexe"] == "F" for p in participants) / n <= 0.55
    assert 0.05 <= sum(not p["date_naissance"] for p in participants) / n <= 0.15
    assert 0.02 <= sum(p["qpv"] == "oui" for p in participants) / n <= 0.08
    assert sum(p["situation_entree"] == "DE" for p in participants) / n > 0.6
    assert sum(p["niveau_formation"] in ("INFRA_3", "NIV_3") for p in participants) / n > 0.6
    assert Counter(len(multi(p["freins_entree"])) for p in participants).keys() == {0, 1, 2, 3, 4}
    # Weighted by population: Toul, Neuves-Maisons and Écrouves first.
    top = [code for code, _ in Counter(p["commune_residence"] for p in participants).most_common(3)]
    assert top[0] == TOUL and set(top) == {TOUL, "54397", "54174"}
    # Late entries are mostly still open, early ones mostly closed.
    by_year = defaultdict(list)
    for p in participants:
        by_year[p["date_entree"][-4:]].append(not p["date_sortie"])
    assert statistics.mean(by_year["2020"]) > 0.8 and statistics.mean(by_year["2014"]) < 0.1
    assert any(p["situation_6_mois"] for p in demo.exits)


def test_correlations_at_the_default_size(demo):
    rural = {c.code for c in load_communes(TERRES_DE_LORRAINE_EPCI) if c.rural}
    mobility = lambda rows: statistics.mean("MOBILITE" in multi(p["freins_entree"]) for p in rows)  # noqa: E731
    participants = demo.tables["participants"]
    assert mobility(p for p in participants if p["commune_residence"] in rural) > mobility(
        p for p in participants if p["commune_residence"] not in rural) + 0.1
    sante = [p for p in demo.exits if "SANTE" in multi(p["freins_entree"])]
    others = [p for p in demo.exits if "SANTE" not in multi(p["freins_entree"])]
    assert demo.positive_rate(sante) < demo.positive_rate(others) - 0.1


def test_correlations_hold_on_a_large_population(large):
    rural = {c.code for c in load_communes(TERRES_DE_LORRAINE_EPCI) if c.rural}
    participants = large.tables["participants"]
    mobility = lambda rows: statistics.mean("MOBILITE" in multi(p["freins_entree"]) for p in rows)  # noqa: E731
    assert mobility(p for p in participants if p["commune_residence"] in rural) > mobility(
        p for p in participants if p["commune_residence"] not in rural) + 0.15
    sante = [p for p in large.exits if "SANTE" in multi(p["freins_entree"])]
    others = [p for p in large.exits if "SANTE" not in multi(p["freins_entree"])]
    assert large.positive_rate(sante) < large.positive_rate(others) - 0.1
    # The experimental actions: a modest gain, overall and among people with a health barrier.
    experimental = {e["id_participant"] for e in large.tables["etapes"] if e["id_action"] in ("A11", "A12")}
    went = [p for p in large.exits if p["id_participant"] in experimental]
    did_not = [p for p in large.exits if p["id_participant"] not in experimental]
    assert 0.02 < large.positive_rate(went) - large.positive_rate(did_not) < 0.15
    went_sante = [p for p in sante if p["id_participant"] in experimental]
    other_sante = [p for p in sante if p["id_participant"] not in experimental]
    assert large.positive_rate(went_sante) > large.positive_rate(other_sante) + 0.03


# --- determinism and streaming ---------------------------------------------------------


def test_same_seed_same_bytes_other_seed_other_bytes(demo, tmp_path):
    again = generate(tmp_path / "again")
    for name in TABLE_NAMES:
        assert again.files[name].read_bytes() == demo.summary.files[name].read_bytes(), name
    other = generate(tmp_path / "other", seed=2020)
    assert other.files["participants"].read_bytes() != demo.summary.files["participants"].read_bytes()
    assert other.files["etapes"].read_bytes() != demo.summary.files["etapes"].read_bytes()


def test_chunk_size_does_not_change_the_files(tmp_path):
    one = generate(tmp_path / "one", participants=3_000, seed=11, chunk_size=100_000)
    small = generate(tmp_path / "small", participants=3_000, seed=11, chunk_size=50)
    for name in TABLE_NAMES:
        assert one.files[name].read_bytes() == small.files[name].read_bytes(), name


def test_streaming_in_chunks(large):
    counts = large.summary.counts
    assert counts["participants"] == 30_000
    for name in TABLE_NAMES:
        assert counts[name] == len(large.tables[name])
    progress = [m for m in large.messages if m.startswith("Participants")]
    assert len(progress) == 15
    assert progress[-1] == "Participants : 30\u202f000 / 30\u202f000"
    ids = [p["id_participant"] for p in large.tables["participants"]]
    assert len(set(ids)) == len(ids)
    etapes = large.tables["etapes"]
    assert len({e["id_etape"] for e in etapes}) == len(etapes)
    assert {e["id_participant"] for e in etapes} <= set(large.participants)
    suivi = [(r["id_participant"], r["frein"], r["date"]) for r in large.tables["suivi_freins"]]
    assert len(suivi) == len(set(suivi))
    # Entry dates follow the order of the file.
    entrees = [day(p["date_entree"]) for p in large.tables["participants"]]
    assert entrees == sorted(entrees)
    assert block_size(30_000) == 150 and block_size(1_000_000) == 1_000 and block_size(1_500) == 50


def test_small_and_odd_sizes(tmp_path):
    summary = generate(tmp_path / "one", participants=1, seed=3)
    assert summary.counts["participants"] == 1
    summary = generate(tmp_path / "odd", participants=77, seed=3, chunk_size=7)
    assert len(read(tmp_path / "odd", "participants")) == 77
    with pytest.raises(ValueError):
        generate(tmp_path / "none", participants=0)


def test_other_communes(tmp_path):
    communes = [c for c in load_communes(TERRES_DE_LORRAINE_EPCI) if c.epci_siren == "200035772"]
    generate(tmp_path / "saintois", participants=200, communes=communes)
    rows = read(tmp_path / "saintois", "participants")
    assert {p["commune_residence"] for p in rows} <= {c.code for c in communes}
    assert all(p["qpv"] == "non" for p in rows)


def test_action_catalogue_is_fictitious_and_consistent():
    assert len(ACTIONS) == 30
    for action in ACTIONS:
        for code in action.types:
            assert family_of(code) == action.famille


def test_imports_nothing_from_django():
    code = "import sys, reperes.demo; sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
