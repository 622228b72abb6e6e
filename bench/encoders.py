"""Encode rates of the sentence encoders shipped in registry packages, on this machine.

    python -m bench.encoders [--rounds 3]

Two workloads, as matching meets them: offer texts (title twice, the linked label, skills and up to 400
characters of description, as `services.matching.texts.offer_text` builds them) in batches of 64, and short
titles (the linkers' queries) in batches of 256. Prints texts per second, the best of `rounds`, with the
1-minute load average beside it; writes bench/results/encoders.json.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from typing import Any

from bench.common import load, say, write_result
from services.matching.linking.dense import make_label_encoder

COMMAND = "python -m bench.encoders"
OFFER_TEXT = (
    "Agent de propreté H/F. Agent de propreté H/F. Agent / Agente de propreté de locaux. Nettoyage des "
    "locaux, utilisation d'une autolaveuse. Nettoyage de bureaux et de parties communes dans des "
    "entreprises du Montargois, travail en équipe, horaires décalés tôt le matin, {n} heures par semaine."
)


def rate(encode: Callable[[Sequence[str]], Any], texts: Sequence[str], batch: int, rounds: int) -> float:
    encode(list(texts[:8]))  # warm-up: first call loads and compiles
    best = 0.0
    for _ in range(rounds):
        started = time.perf_counter()
        for i in range(0, len(texts), batch):
            encode(list(texts[i : i + batch]))
        best = max(best, len(texts) / (time.perf_counter() - started))
    return round(best, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    offers = [OFFER_TEXT.format(n=n) for n in range(256)]
    titles = [f"Agent de propreté {n}" for n in range(1024)]
    figures: dict[str, Any] = {}
    for kind, n_offers in (("use", 256), ("minilm", 256), ("e5", 64)):
        encoder = make_label_encoder(kind)
        figures[kind] = {
            "model": encoder.name,
            "offer_texts_per_s": rate(encoder.encode_passages, offers[:n_offers], 64, args.rounds),
            "short_titles_per_s": rate(encoder.encode_queries, titles[: 4 * n_offers], 256, args.rounds),
            "load_1min": round(load()[0], 2),
        }
        say(f"{kind}: {figures[kind]}")
    write_result("encoders", figures, COMMAND)


if __name__ == "__main__":
    main()
