"""Derive the ROME skills extracts shipped in services/matching/linking/data/ from shared/data/rome/.

Run once when the ROME version changes: `python -m scripts.vendor_rome_skills ../shared/data/rome`.
The product reads only the extracts (never shared/ at run time); the columns kept are listed in
services/matching/linking/data/README.md.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "services" / "matching" / "linking" / "data"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _write(name: str, header: list[str], rows: list[list[str]]) -> None:
    with (OUT / name).open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    print(f"{name}: {len(rows)} rows")


def main(rome_dir: Path) -> None:
    links = _read(rome_dir / "fiche_competences_v460.csv")
    used = {row["code_ogr"] for row in links}
    items: dict[str, list[str]] = {}
    for row in _read(rome_dir / "referentiel_competence_v460.csv"):
        if row["code_ogr"] in used:
            macro = row["code_ogr"] if row["nature"] == "Macro-compétence" else row["code_ogr_macro_comp"]
            kind = "savoir_etre" if row["cat_comp"].startswith("Savoir-être") else "savoir_faire"
            items[row["code_ogr"]] = [row["code_ogr"], kind, row["libelle_competence"], macro]
    for row in _read(rome_dir / "referentiel_savoir_v460.csv"):
        if row["code_ogr_savoir"] in used:
            group = "savoir:" + row["sous_categorie_savoir"]
            items[row["code_ogr_savoir"]] = [row["code_ogr_savoir"], "savoir", row["libelle_savoir"], group]
    for row in links:  # a few savoir-être exist only in the links file: keep them with their label
        if row["code_ogr"] not in items:
            items[row["code_ogr"]] = [row["code_ogr"], row["kind"], row["libelle"], ""]
    _write("rome_competences.csv", ["code_ogr", "kind", "label", "group"], sorted(items.values()))
    fiche_links = sorted(
        {
            (row["code_rome"], row["code_ogr"], "1" if row["coeur_metier"] == "Principale" else "0")
            for row in links
        }
    )
    _write("rome_fiche_competences.csv", ["code_rome", "code_ogr", "core"], [list(r) for r in fiche_links])


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data/rome"))
