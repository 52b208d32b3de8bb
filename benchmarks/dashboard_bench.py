"""p95 of each analysis page at demo size, with the Django test client.

Usage (on a demo instance built by ``reperes demo --no-serve``)::

    REPERES_ENV=demo REPERES_DATA_DIR=/tmp/x-demo .venv/bin/python benchmarks/dashboard_bench.py [--runs 20]

For each page and role it prints three p95, in milliseconds:

* ``froid``: nothing cached but the dataset already loaded in the process
  (a first visit with new filters: every figure computed). The page comes
  with its figures and tables; its charts not drawn yet come each on its own
  htmx request (``graphique/<clé>/``), timed apart: ``graphique`` is the p95
  of one chart, ``complète`` the p95 of the page plus all its charts fetched
  one after the other (a browser fetches them in parallel);
* ``filtres``: the page computed for new filters, charts already drawn once
  (a filter combination whose charts were seen before);
* ``cache``: the same request again (the page served from the cache, charts
  included).

The target is p95 < 300 ms for a page; the ratio to the target is printed (≤ 1: met).
"""

from __future__ import annotations

import argparse
import html
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reperes.settings")

TARGET_MS = 300.0
PAGES = ("", "publics/", "parcours/", "actions/", "sorties/")


def p95(samples: list[float]) -> float:
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    from reperes.accounts.models import User
    from reperes.analyses import services

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    clients = {}
    for role, email in (("chargé d'étude", "etude@demo.reperes.fr"), ("partenaire", "partenaire@demo.reperes.fr")):
        client = Client()
        client.force_login(User.objects.get(email=email))
        clients[role] = client
    first = clients["chargé d'étude"]
    cache.clear()  # the pages prepared after the import would spare the first calls what they are for
    start = time.perf_counter()
    for page in PAGES:  # imports (lifelines, statsmodels) and the dataset: once per process, not per request
        first.get(f"/analyses/{page}")
    print(f"premiers appels (imports, chargement des données) : {1000 * (time.perf_counter() - start):.0f} ms",
          file=sys.stderr)
    print(f"{'page':<12} {'rôle':<16} {'froid':>9} {'graphique':>10} {'complète':>9} {'filtres':>9} "
          f"{'cache':>9}  ratio froid/cible")
    worst = worst_cold = 0.0
    chart_url = re.compile(r'hx-get="(/analyses/graphique/[0-9a-f]{64}/[^"]*)"')
    for page in PAGES:
        for role, client in clients.items():
            cold, charts, complete, filters, warm = [], [], [], [], []
            for i in range(args.runs):
                years = (2016 + i % 4, 2016 + i % 4)
                query = f"?debut={years[0]}-01-01&fin={years[1]}-12-31"
                cache.clear()
                t = time.perf_counter()
                body = client.get(f"/analyses/{page}{query}").content.decode()
                cold.append(1000 * (time.perf_counter() - t))
                total = cold[-1]
                for url in chart_url.findall(body):
                    t = time.perf_counter()
                    drawn = client.get(html.unescape(url), HTTP_HX_REQUEST="true")
                    charts.append(1000 * (time.perf_counter() - t))
                    total += charts[-1]
                    assert drawn.content.lstrip().startswith(b"<svg"), (page, url)
                complete.append(total)
                services.clear_page_cache()
                t = time.perf_counter()
                client.get(f"/analyses/{page}{query}")
                filters.append(1000 * (time.perf_counter() - t))
                t = time.perf_counter()
                response = client.get(f"/analyses/{page}{query}")
                warm.append(1000 * (time.perf_counter() - t))
                assert response.status_code == 200, (page, response.status_code)
            worst = max(worst, p95(warm))
            worst_cold = max(worst_cold, p95(cold))
            chart_p95 = f"{p95(charts):>8.0f}ms" if charts else f"{'–':>10}"
            print(f"{page or 'accueil':<12} {role:<16} {p95(cold):>7.0f}ms {chart_p95} {p95(complete):>7.0f}ms "
                  f"{p95(filters):>7.0f}ms {p95(warm):>7.0f}ms  {p95(cold) / TARGET_MS:.2f}")
    print(f"pire p95 d'une page calculée à froid : {worst_cold:.0f} ms ; servie par le cache : {worst:.0f} ms "
          f"(cible {TARGET_MS:.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
