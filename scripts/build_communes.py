"""Rebuild reperes/territory/data/communes-france.csv from the official source.

Source: the npm package ``@etalab/decoupage-administratif`` (INSEE COG, DGCL EPCI
membership, INSEE populations; Licence Ouverte 2.0, package MIT).

    python scripts/build_communes.py                 # runs `npm pack` (needs npm and the registry)
    python scripts/build_communes.py --from DIR      # an extracted package (DIR/data/communes.json)

The CSV keeps ``type == "commune-actuelle"`` and takes each commune's EPCI from
``epci.json`` (``membres[].code``). Run it, then review the diff before committing.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

VERSION = "6.0.0"
TARGET = Path(__file__).resolve().parents[1] / "reperes" / "territory" / "data" / "communes-france.csv"
COLUMNS = ["code_insee", "nom", "departement", "region", "codes_postaux", "population_municipale", "code_epci",
           "nom_epci", "type_epci"]


def fetch(workdir: Path) -> Path:
    subprocess.run(["npm", "pack", f"@etalab/decoupage-administratif@{VERSION}"], cwd=workdir, check=True)
    archive = next(workdir.glob("etalab-decoupage-administratif-*.tgz"))
    with tarfile.open(archive) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package"


def build(package: Path, target: Path) -> int:
    communes = json.loads((package / "data" / "communes.json").read_text(encoding="utf-8"))
    epcis = json.loads((package / "data" / "epci.json").read_text(encoding="utf-8"))
    epci_of = {m["code"]: e for e in epcis for m in e["membres"]}
    rows = []
    for c in communes:
        if c.get("type") != "commune-actuelle":
            continue
        e = epci_of.get(c["code"], {})
        rows.append([c["code"], c["nom"], c.get("departement", ""), c.get("region", ""),
                     " ".join(c.get("codesPostaux", [])), "" if c.get("population") is None else c["population"],
                     e.get("code", ""), e.get("nom", ""), e.get("type", "")])
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="source", type=Path, help="dossier du paquet déjà extrait")
    parser.add_argument("--out", type=Path, default=TARGET)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        package = args.source or fetch(Path(tmp))
        print(f"{build(package, args.out)} communes écrites dans {args.out}")


if __name__ == "__main__":
    main()
