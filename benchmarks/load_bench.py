"""Bounded loopback load test: N partner sessions with think time against a real server.

Usage (on a demo instance built by ``reperes demo --no-serve``)::

    REPERES_ENV=demo REPERES_DATA_DIR=/tmp/x-demo .venv/bin/python benchmarks/load_bench.py \
        [--users 50] [--duration 60] [--think 1-5]

or against a server already running: ``--url http://127.0.0.1:8000``.

Without ``--url`` the script starts ``reperes serve`` on a free loopback port
for the data directory of ``REPERES_DATA_DIR``, and stops it (SIGTERM) at the
end. Each simulated user logs in as the demo partner (its own session, opened
before the clock starts), then loops over the pages every partner sees — dashboard, analyses, offer — waiting
a random think time between requests (1 to 5 s by default), until the duration
is over (60 s at most). Before that, one user alone fetches each page without
think time: the baseline.

It prints the requests, the errors (HTTP status ≥ 400 or no answer), the
throughput and p50 / p95 / p99 latencies of the baseline and of the load, and
the ratio load / baseline, with the machine's load average before and after
(other processes on the machine change the figures: say so when you record
a run). Target (issue « Hardening »): 0 errors, p95 under 500 ms at demo size.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("/", "/analyses/", "/analyses/publics/", "/analyses/parcours/", "/analyses/actions/",
         "/analyses/sorties/", "/offre/", "/offre/territoire/", "/offre/matrice/", "/offre/acteurs/")
EMAIL = "partenaire@demo.reperes.fr"
PASSWORD = "demo-reperes-2019"
MAX_DURATION = 60.0
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    if len(samples) < 2:
        value = samples[0] if samples else float("nan")
        return value, value, value
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples), cuts[94], cuts[98]


def login(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60.0, follow_redirects=False)
    page = client.get("/comptes/connexion/")
    token = CSRF.search(page.text).group(1)
    answer = client.post("/comptes/connexion/", data={"username": EMAIL, "password": PASSWORD,
                                                      "csrfmiddlewaretoken": token},
                         headers={"Referer": f"{base}/comptes/connexion/"})
    if answer.status_code != 302:
        raise SystemExit(f"Connexion refusée ({answer.status_code}) : la démo a-t-elle le compte {EMAIL} ?")
    return client


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.retries = 0  # requests sent again on a new connection (see fetch)

    def add(self, seconds: float, error: str | None) -> None:
        with self.lock:
            if error:
                self.errors.append(error)
            else:
                self.latencies.append(seconds)


def fetch(client: httpx.Client, page: str, results: Results) -> None:
    start = time.perf_counter()
    error = None
    for attempt in range(2):
        try:
            response = client.get(page)
            error = None if response.status_code < 400 else f"{page} : HTTP {response.status_code}"
            break
        except (httpx.ReadError, httpx.RemoteProtocolError) as exc:
            # A kept-alive connection the server closed during the think time (gunicorn keeps idle ones
            # 2 s): a browser sends the request again on a new connection; so does this script, once.
            error = f"{page} : {exc.__class__.__name__}"
            if attempt == 0:
                with results.lock:
                    results.retries += 1
        except httpx.HTTPError as exc:
            error = f"{page} : {exc.__class__.__name__}"
            break
    results.add(time.perf_counter() - start, error)


def user(client: httpx.Client, deadline: float, think: tuple[float, float], results: Results, seed: int) -> None:
    rng = random.Random(seed)
    try:
        time.sleep(rng.uniform(0, think[1]))  # users do not all arrive at the same instant
        while time.monotonic() < deadline:
            fetch(client, rng.choice(PAGES), results)
            time.sleep(rng.uniform(*think))
    finally:
        client.close()


def start_server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-m", "reperes", "serve", "--port", str(port)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/comptes/connexion/", timeout=2)
            return server, base
        except httpx.HTTPError:
            if server.poll() is not None:
                raise SystemExit("Le serveur s'est arrêté au démarrage (REPERES_DATA_DIR : une démo ?).") from None
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("Le serveur n'a pas répondu en 3 minutes.")


def report(label: str, results: Results, seconds: float) -> tuple[float, float, float]:
    p50, p95, p99 = percentiles([1000 * s for s in results.latencies])
    total = len(results.latencies) + len(results.errors)
    print(f"{label:<28} {total:>7} {len(results.errors):>7} {total / seconds:>8.1f} {p50:>8.0f} {p95:>8.0f} "
          f"{p99:>8.0f}")
    return p50, p95, p99


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="serveur déjà lancé (sinon : reperes serve sur REPERES_DATA_DIR)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="secondes (60 au plus)")
    parser.add_argument("--think", default="1-5", help="temps de réflexion, en secondes : MIN-MAX")
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    duration = min(args.duration, MAX_DURATION)
    think = tuple(float(x) for x in args.think.split("-", 1))
    server = None
    base = args.url
    if base is None:
        server, base = start_server()
    load_before = os.getloadavg()
    try:
        client = login(base)
        for page in PAGES:  # first visits: caches filled, modules imported — not measured
            client.get(page)
        baseline = Results()
        start = time.perf_counter()
        for _ in range(5):
            for page in PAGES:
                fetch(client, page, baseline)
        baseline_seconds = time.perf_counter() - start
        client.close()

        # Every session is opened before the clock starts: 50 password checks at once (PBKDF2, deliberately
        # slow) are not what a partner's page costs, and real users do not all log in at the same second.
        print(f"Ouverture de {args.users} sessions…", file=sys.stderr)
        clients = [login(base) for _ in range(args.users)]
        loaded = Results()
        deadline = time.monotonic() + duration
        threads = [threading.Thread(target=user, args=(clients[i], deadline, think, loaded, args.seed + i),
                                    daemon=True) for i in range(args.users)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=duration + 60)
        load_seconds = time.perf_counter() - start
    finally:
        if server is not None:
            os.kill(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    load_after = os.getloadavg()

    print(f"{len(PAGES)} pages de partenaire ; {args.users} utilisateurs, réflexion {args.think} s, "
          f"{duration:.0f} s ; {os.cpu_count()} cœurs")
    print(f"charge de la machine (1, 5, 15 min) : avant {load_before[0]:.2f} {load_before[1]:.2f} "
          f"{load_before[2]:.2f}, après {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    print(f"{'':<28} {'requêtes':>7} {'erreurs':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    base_p = report("1 utilisateur, sans pause", baseline, baseline_seconds)
    load_p = report(f"{args.users} utilisateurs", loaded, load_seconds)
    print(f"requêtes renvoyées sur une nouvelle connexion (connexion gardée fermée par le serveur) : "
          f"{loaded.retries}")
    print(f"ratio charge / 1 utilisateur : p50 {load_p[0] / base_p[0]:.1f}, p95 {load_p[1] / base_p[1]:.1f}, "
          f"p99 {load_p[2] / base_p[2]:.1f}")
    for error in sorted(set(loaded.errors + baseline.errors))[:10]:
        print(f"erreur : {error}")
    verdict = not loaded.errors and load_p[1] < 500
    print("cible (0 erreur, p95 < 500 ms) : " + ("atteinte" if verdict else "non atteinte"))
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
