"""Write a CSV of N generated Loiret offers for import tests and timings:
python -m scripts.make_offers_csv 5000 offres.csv [--broken 3]"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from common.territory import communes

TITLES = [
    ("Agent / Agente de propreté de locaux", "K2205", "nettoyage des locaux;tri des déchets", "81.21Z"),
    ("Préparateur / Préparatrice de commandes", "N1103", "préparation de commandes;manutention", "52.10B"),
    ("Aide à domicile", "K1304", "entretien du logement;aide aux repas", "88.10A"),
    ("Plongeur / Plongeuse en restauration", "G1605", "plonge;entretien de la cuisine", "56.10A"),
    ("Caissier / Caissière", "D1505", "encaissement;accueil de la clientèle", "47.11F"),
    ("Ouvrier / Ouvrière du paysage", "A1203", "entretien des espaces verts;plantation", ""),
]
CONTRACTS = ["CDI", "CDD", "interim", "saisonnier", "CDDI"]
COLUMNS = [
    "source_id",
    "title",
    "description",
    "commune",
    "insee_code",
    "contract_type",
    "hours_per_week",
    "skills",
    "openings",
    "conditions",
    "rome_code",
    "employer_name",
    "naf_code",
]


def rows(count: int, broken: int = 0, seed: int = 45) -> list[dict[str, str]]:
    rng = random.Random(seed)
    places = communes()
    out = []
    for i in range(count):
        title, rome, skills, naf = TITLES[i % len(TITLES)]
        commune = places[rng.randrange(len(places))]
        out.append(
            {
                "source_id": f"gen-{i:06d}",
                "title": title,
                "description": f"{title} à {commune.name}.",
                "commune": commune.name,
                "insee_code": commune.insee_code,
                "contract_type": CONTRACTS[i % len(CONTRACTS)],
                "hours_per_week": str(20 + i % 16),
                "skills": skills,
                "openings": str(1 + i % 3),
                "conditions": "early_morning" if i % 4 == 0 else "",
                "rome_code": rome,
                "employer_name": f"Employeur {i % 97}",
                "naf_code": naf,
            }
        )
    for j in range(broken):  # spread the broken rows through the file
        row = out[(j + 1) * count // (broken + 1)]
        row["hours_per_week"] = "90" if j % 2 == 0 else row["hours_per_week"]
        row["contract_type"] = "CDX" if j % 2 else row["contract_type"]
    return out


def write(path: Path, count: int, broken: int = 0) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows(count, broken))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", type=int)
    parser.add_argument("path", type=Path)
    parser.add_argument("--broken", type=int, default=0)
    args = parser.parse_args()
    write(args.path, args.count, args.broken)


if __name__ == "__main__":
    main()
