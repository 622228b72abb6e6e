"""Occupation linking: normalisation, linking on a slice of the real taxonomies, the eval command, the scorer.

Fast: no embedding model is loaded (the lexical signals alone), the taxonomies are cut to a few fiches.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from maillage.eval_linking import add_parser, read_tsv
from services.matching.linking import OccupationLinker, rank_labels
from services.matching.linking.dense import DiskCachedLabelEncoder
from services.matching.linking.linker import System
from services.matching.linking.normalize import clean, key, tokens
from services.matching.linking.ranking import FloatArray, top_indices
from services.matching.linking.taxonomy import Taxonomies, load

ROOT = Path(__file__).resolve().parents[4]


def _trec_eval() -> ModuleType:
    spec = importlib.util.spec_from_file_location("trec_eval", ROOT / "scripts" / "trec_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["trec_eval"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def small_taxonomies() -> Taxonomies:
    """Cleaning, building upkeep, green spaces, butchery and road fiches, with their ESCO neighbours."""
    full = load()
    families = ("K22", "I12", "A12", "K23", "D11")
    fiches = {c: f for c, f in full.fiches.items() if c.startswith(families)}
    appellations = tuple(a for a in full.appellations if a.code_rome in fiches)
    esco = tuple(o for o in full.esco if o.isco_group[:3] in {"911", "515", "751", "611", "962", "921"})
    return Taxonomies(appellations, fiches, {}, esco, full.isco_labels, full.aliases)


@pytest.fixture(scope="module")
def linker(small_taxonomies: Taxonomies) -> OccupationLinker:
    linker = OccupationLinker(encoder=None, taxonomies=small_taxonomies)
    linker.build()
    return linker


def test_gender_markers_and_forms_normalise_to_one_key() -> None:
    assert clean("Agent de propreté H/F") == "Agent de propreté"
    assert clean("Boucher (h/f/x)") == "Boucher"
    assert key("Agent / Agente de propreté") == key("agente de propreté") == key("AGENTS DE PROPRETE")
    assert key("Technicienne de surface (F/H)") == key("technicien de surface")
    assert key("Vendeur(se) en boulangerie") == key("vendeuse en boulangerie")
    assert key("Conductrice de bus") == key("conducteur de bus")
    assert tokens("Agent d'entretien") == ["agent", "entretien"]


@pytest.mark.parametrize(
    "title", ["agent d'entretien", "agent / agente de propreté et d'hygiène", "technicien de surface"]
)
def test_three_spellings_link_to_the_cleaning_fiche_k2204(linker: OccupationLinker, title: str) -> None:
    fiches = linker.link(title, top=3, systems=("rome_fiche",))
    # ROME 4.0 files "propreté de locaux" (K2205) under the parent fiche K2204.
    assert fiches[0].rome_parent_code == "K2204", fiches
    assert fiches[0].system == "rome_fiche"


def test_exact_wording_gives_full_confidence_and_an_explanation(linker: OccupationLinker) -> None:
    matches = linker.link("Technicienne de surface H/F", top=3, systems=("rome_appellation",))
    assert matches[0].label == "Technicien / Technicienne de surface"
    assert matches[0].confidence == 1.0 and matches[0].how == "intitulé identique"
    assert matches[0].rome_code == "K2205"
    esco = linker.link("bouchère", top=2, systems=("esco",))
    assert esco[0].system == "esco" and esco[0].how in {"intitulé identique", "synonyme ESCO"}
    assert esco[0].code.startswith("http://data.europa.eu/esco/occupation/")


def test_confidence_is_ordered_and_bounded(linker: OccupationLinker) -> None:
    for title in ["boucher", "agent d'entretien des espaces verts", "cantonnier", "xyzzy"]:
        for system in ("rome_appellation", "rome_fiche", "esco"):
            confidences = [m.confidence for m in linker.link(title, top=5, systems=(system,))]
            assert all(0.0 <= c <= 1.0 for c in confidences)
            assert confidences == sorted(confidences, reverse=True), (title, system, confidences)
    exact = linker.link("Boucher / Bouchère", top=1, systems=("rome_fiche",))[0].confidence
    vague = linker.link("travail manuel", top=1, systems=("rome_fiche",))[0].confidence
    assert exact > vague
    assert linker.link("   ") == []


def test_rank_groups_labels_of_one_concept_together() -> None:
    corpus = {"a1": "boucher", "a2": "bouchère", "b1": "boulanger", "c1": "charcutier traiteur"}
    groups = {"a1": "A", "a2": "A", "b1": "B", "c1": "C"}
    run = rank_labels({"q": "Boucher (h/f/x)"}, corpus, top=3, groups=groups)
    docs = [d for d, _ in run["q"]]
    assert docs[:2] in (["a1", "a2"], ["a2", "a1"]) and len(docs) == 3
    scores = [s for _, s in run["q"]]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == len(scores)


def test_eval_linking_writes_a_trec_run(tmp_path: Path) -> None:
    (tmp_path / "q.tsv").write_text("id\ttext\nQ1\tBoucher (h/f/x)\nQ2\tBoulangère H/F\n", encoding="utf-8")
    (tmp_path / "c.tsv").write_text(
        "C1_0\tboucher/bouchère\nC1_1\tboucher\nC2_0\tboulanger/boulangère\nC3_0\tmaçon\n", encoding="utf-8"
    )
    (tmp_path / "m.tsv").write_text("C1_0\tu1\nC1_1\tu1\nC2_0\tu2\nC3_0\tu3\n", encoding="utf-8")
    assert list(read_tsv(tmp_path / "q.tsv")) == ["Q1", "Q2"]
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    out = tmp_path / "run.txt"
    args = parser.parse_args(
        [
            "eval-linking",
            str(tmp_path / "q.tsv"),
            str(tmp_path / "c.tsv"),
            "--out",
            str(out),
            "--top",
            "2",
            "--mapping",
            str(tmp_path / "m.tsv"),
            "--encoder",
            "none",
        ]
    )
    assert args.func(args) == 0
    lines = [line.split() for line in out.read_text(encoding="utf-8").splitlines()]
    assert all(len(parts) == 6 and parts[1] == "Q0" for parts in lines)
    assert {p[2] for p in lines if p[0] == "Q1"} == {"C1_1", "C1_0"}
    assert [p[3] for p in lines if p[0] == "Q1"] == ["1", "2"]
    assert next(p[2] for p in lines if p[0] == "Q2") == "C2_0"
    trec = _trec_eval()
    qrels = {"Q1": {"C1_0", "C1_1"}, "Q2": {"C2_0"}}
    assert trec.evaluate(qrels, trec.read_run(out))["all"]["map"] == pytest.approx(1.0)


def test_scorer_computes_known_map_mrr_and_success(tmp_path: Path) -> None:
    trec = _trec_eval()
    (tmp_path / "qrels").write_text("q1 0 a 1\nq1 0 c 1\nq1 0 z 1\nq2 0 b 1\nq3 0 x 1\n", encoding="utf-8")
    # q1: a (rel) at 1, c (rel) at 3, z never retrieved → AP = (1/1 + 2/3) / 3.
    # q2: b at rank 2 → AP = 1/2. q3 absent from the run → 0.
    (tmp_path / "run").write_text(
        "q1 Q0 a 1 3.0 t\nq1 Q0 b 2 2.0 t\nq1 Q0 c 3 1.0 t\nq2 Q0 a 1 0.9 t\nq2 Q0 b 2 0.5 t\n",
        encoding="utf-8",
    )
    result = trec.evaluate(trec.read_qrels(tmp_path / "qrels"), trec.read_run(tmp_path / "run"), 100)
    assert result["q1"]["map"] == pytest.approx((1 + 2 / 3) / 3)
    assert result["all"]["map"] == pytest.approx(((1 + 2 / 3) / 3 + 0.5 + 0) / 3)
    assert result["all"]["recip_rank"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert result["all"]["success_1"] == pytest.approx(1 / 3)
    # Depth cuts the ranking: at depth 1 only "a" counts for q1.
    assert trec.evaluate({"q1": {"a", "c"}}, trec.read_run(tmp_path / "run"), 1)["q1"]["map"] == 0.5


def test_a_batch_links_each_title_as_linking_it_alone_would(small_taxonomies: Taxonomies) -> None:
    """`link_many` scores new titles together (and past the kept-scores window, chunk by chunk)."""
    wordings = ["agent d'entretien", "bouchère", "technicien de surface", "jardinier", "chauffeur"]
    # 300 distinct titles (more than a chunk), one repeated in the batch, one empty.
    titles = [
        "agent d'entretien",
        "",
        *(f"{w} {n}" for n in range(60) for w in wordings),
        "agent d'entretien",
    ]
    systems: tuple[System, ...] = ("rome_appellation", "rome_fiche", "esco")
    batched = OccupationLinker(encoder=None, taxonomies=small_taxonomies).link_many(titles, 3, systems)
    alone = OccupationLinker(encoder=None, taxonomies=small_taxonomies)
    assert batched == [alone.link(title, 3, systems) for title in titles]
    assert batched[1] == [] and batched[0] == batched[-1]


class _CountingEncoder:
    """Character-n-gram vectors (deterministic, no model), counting the query texts it encodes."""

    name = "counting-hashing"

    def __init__(self) -> None:
        from services.matching.adapters.encoders import HashingEncoder

        self._inner = HashingEncoder(64)
        self.queries_encoded: list[str] = []

    def encode_queries(self, texts: Sequence[str]) -> FloatArray:
        self.queries_encoded.extend(texts)
        return self._inner.encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> FloatArray:
        return self._inner.encode(texts)


def test_title_vectors_lent_by_the_index_are_not_encoded_again(
    small_taxonomies: Taxonomies, tmp_path: Path
) -> None:
    """One encoder pass per title: the offer index encodes it, linking reuses that vector."""
    titles = ["Agent d'entretien H/F", "bouchère", "jaridnier paysagiste", "chauffeur poids lourd"]
    systems: tuple[System, ...] = ("rome_appellation", "esco")
    encoding_itself = _CountingEncoder()
    alone = OccupationLinker(DiskCachedLabelEncoder(encoding_itself, tmp_path), small_taxonomies)
    expected = alone.link_many(titles, 1, systems)

    lending = _CountingEncoder()
    linker = OccupationLinker(DiskCachedLabelEncoder(lending, tmp_path), small_taxonomies)
    forms = [linker.linking_form(t) for t in titles]
    assert "jardinier paysagiste" in forms  # typos corrected before anything is encoded
    linker.remember_vectors(forms, lending.encode_passages(forms))  # what the index computed
    assert linker.link_many(titles, 1, systems) == expected
    assert lending.queries_encoded == []
    assert sorted(set(encoding_itself.queries_encoded)) == sorted(forms)


@pytest.mark.parametrize("seed", range(20))
def test_top_indices_is_the_stable_sort_cut_short(seed: int) -> None:
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 6, size=int(rng.integers(1, 400))).astype(np.float32)  # many ties
    for k in (0, 1, 3, 12, 50, scores.size, scores.size + 5):
        expected = np.argsort(-scores, kind="stable")[:k]
        assert top_indices(scores, k).tolist() == expected.tolist()
