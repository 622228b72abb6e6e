"""`maillage eval-linking`: rank a corpus of occupation labels for each query, write a TREC run.

    maillage eval-linking QUERIES CORPUS --out RUN --top K [--mapping concept_mapping.tsv] [--encoder e5]

QUERIES and CORPUS are `id<TAB>text` files (a header line is detected and skipped); the optional
mapping (`corpus id<TAB>concept URI`) groups the labels of one concept. The run has one line per
(query, document): `qid Q0 docid rank score tag`. It never reads relevance judgements: score the run
with `scripts/trec_eval.py QRELS RUN`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

HEADER_IDS = {"id", "qid", "query_id", "docid", "doc_id", "cid", "corpus_id", "element_id", "label_id"}


def read_tsv(path: Path) -> dict[str, str]:
    """`id<TAB>text` lines → {id: text}; a first line whose id column looks like a header is skipped."""
    out: dict[str, str] = {}
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            key, _, text = line.partition("\t")
            key, text = key.strip(), text.strip()
            if number == 0 and _looks_like_header(key, text):
                continue
            out[key] = text
    return out


def _looks_like_header(key: str, text: str) -> bool:
    return key.lower() in HEADER_IDS or (
        key.lower().endswith("id") and text.lower() in {"text", "label", "query"}
    )


def write_run(path: Path, run: dict[str, list[tuple[str, float]]], tag: str) -> None:
    with path.open("w", encoding="utf-8") as f:
        for qid, docs in run.items():
            for position, (doc, score) in enumerate(docs, start=1):
                f.write(f"{qid} Q0 {doc} {position} {score:.6f} {tag}\n")


def cmd_eval_linking(args: argparse.Namespace) -> int:
    from services.matching.linking.dense import DiskCachedLabelEncoder, LabelEncoder, make_label_encoder
    from services.matching.linking.ranking import Timings, Weights, rank_labels

    started = time.perf_counter()
    queries = read_tsv(args.queries)
    corpus = read_tsv(args.corpus)
    groups = read_tsv(args.mapping) if args.mapping else None
    encoder: LabelEncoder | None = None
    if args.encoder != "none":
        encoder = DiskCachedLabelEncoder(make_label_encoder(args.encoder), args.cache_dir)
    weights = Weights(char=args.w_char, dense=args.w_dense, bm25=args.w_bm25)
    timings = Timings()
    run = rank_labels(queries, corpus, args.top, groups, encoder=encoder, weights=weights, timings=timings)
    tag = args.tag or f"maillage-{args.encoder}"
    write_run(args.out, run, tag)
    total = time.perf_counter() - started
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in timings.seconds.items())
    print(
        f"{len(queries)} queries × {len(corpus)} corpus texts → {args.out} (top {args.top}, {tag}); "
        f"{total:.1f}s wall-clock ({steps})"
    )
    return 0


def add_parser(subparsers: Any) -> None:
    """Register `eval-linking` on the `maillage` command's subparsers."""
    p = subparsers.add_parser(
        "eval-linking",
        help="rank occupation labels for job titles and write a TREC run (no relevance judgements read)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("queries", type=Path, help="id<TAB>text file of job titles")
    p.add_argument("corpus", type=Path, help="id<TAB>text file of occupation labels")
    p.add_argument("--out", type=Path, required=True, help="TREC run file to write")
    p.add_argument("--top", type=int, default=100, help="documents per query (default 100)")
    p.add_argument("--mapping", type=Path, help="corpus id<TAB>concept URI: labels of one concept")
    p.add_argument(
        "--encoder",
        choices=["e5", "use", "minilm", "none"],
        default="use",
        help="dense model (default use: the product's own linker, char n-grams + multilingual USE)",
    )
    p.add_argument("--w-char", type=float, default=1.0, help="weight of char n-gram TF-IDF (default 1)")
    p.add_argument("--w-dense", type=float, default=1.0, help="weight of the dense cosine (default 1)")
    p.add_argument("--w-bm25", type=float, default=0.0, help="weight of word BM25 (default 0)")
    p.add_argument("--cache-dir", type=Path, help="cache of corpus vectors (default $MAILLAGE_LINKING_CACHE)")
    p.add_argument("--tag", default="", help="run tag (default maillage-<encoder>)")
    p.set_defaults(func=cmd_eval_linking)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="eval-linking")
    add_parser(parser.add_subparsers(dest="command", required=True))
    namespace = parser.parse_args(["eval-linking", *sys.argv[1:]])
    sys.exit(namespace.func(namespace))
