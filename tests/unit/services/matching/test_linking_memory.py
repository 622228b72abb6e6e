"""Linking's memos stay within their memory budgets whatever they are fed (issue 17: the soak saw matching
grow 8.8 MB/min while skill-list profiles of 360 KB each filled a memo bounded only by count).

The skill linker runs on the real ROME referential with the lexical signal alone (no model: fast).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from services.matching.linking import skills
from services.matching.linking.dense import DiskCachedLabelEncoder
from services.matching.linking.memo import ByteBudgetMemo
from services.matching.linking.ranking import FloatArray
from services.matching.linking.skills import SkillLinker, load_referential


def test_the_memo_forgets_the_least_recently_used_to_stay_within_its_bytes() -> None:
    memo: ByteBudgetMemo[str, bytes] = ByteBudgetMemo(100, len)
    for name in "abcd":
        memo.put(name, bytes(30))
    assert len(memo) == 3 and memo.nbytes == 90 and "a" not in memo
    assert memo.get("b") is not None  # b is now the most recent: c goes first
    memo.put("e", bytes(30))
    assert "c" not in memo and "b" in memo
    memo.put("b", bytes(5))  # a value replaced is counted once, at its new size
    assert memo.nbytes == 65
    memo.put("huge", bytes(101))  # larger than the whole budget: not kept, nothing evicted for it
    assert "huge" not in memo and len(memo) == 3


@pytest.fixture(scope="module")
def lexical_linker() -> SkillLinker:
    linker = SkillLinker(encoder=None)
    linker.build()
    return linker


def _wordings(n: int) -> list[str]:
    labels = [c.label for c in load_referential().competences]
    return [f"{label.lower()} en équipe" for label in random.Random(5).sample(labels, n)]


def test_skill_rows_stay_within_their_budget_and_a_larger_batch_still_gets_every_row(
    lexical_linker: SkillLinker,
) -> None:
    row_bytes = 4 * len(lexical_linker.view.competences)
    wordings = _wordings(skills.ROWS_BUDGET_BYTES // row_bytes + 60)  # more than the memo holds
    batch = lexical_linker.similarities(wordings)
    kept = lexical_linker._rows
    assert kept.nbytes <= skills.ROWS_BUDGET_BYTES
    assert kept.nbytes == len(kept) * row_bytes and len(kept) < len(wordings)
    # Rows evicted during the batch were still answered, the same as scoring each wording again.
    first, last = wordings[0], wordings[-1]
    assert first not in kept
    assert np.array_equal(batch[0], lexical_linker.similarities([first])[0])
    assert np.array_equal(batch[-1], lexical_linker.similarities([last])[0])


def test_skill_profiles_stay_within_their_budget_counting_their_computed_arrays(
    lexical_linker: SkillLinker,
) -> None:
    rng = random.Random(9)
    vocabulary = _wordings(40)
    codes = [c.code for c in lexical_linker.view.competences[:50]]
    for _ in range(150):  # lists of 2 to 5 skills: far more than the budget's ~45 lists of two
        profile = lexical_linker.profile(rng.sample(vocabulary, rng.randint(2, 5)))
        profile.fit(codes)  # fills `held` and the macro-competence levels
        profile.inferred_fiches(3, 0.8, 0.1)  # fills the fiche scores
    kept = lexical_linker._profiles
    assert 0 < len(kept) < 150
    assert kept.nbytes <= skills.PROFILES_BUDGET_BYTES
    held = sum(
        p.similarities.nbytes + p.held.nbytes + p.fiche_scores.nbytes + p._group_held.nbytes
        for p in (kept.get(key) for key in list(kept._entries))
        if p is not None
    )
    assert held == kept.nbytes  # what the memo counts is what the profiles hold


class _Encoder:
    name = "fake"

    def encode_queries(self, texts: Sequence[str]) -> FloatArray:
        return np.ones((len(texts), 8), dtype=np.float32)

    def encode_passages(self, texts: Sequence[str]) -> FloatArray:
        return self.encode_queries(texts)


def test_remembered_title_vectors_are_bounded_and_do_not_keep_their_batch_alive(tmp_path: Path) -> None:
    memo = DiskCachedLabelEncoder(_Encoder(), tmp_path, remembered_queries=50)
    batch = np.random.default_rng(1).random((200, 8)).astype(np.float32)
    memo.remember_queries([f"titre {i}" for i in range(200)], batch)
    memo.encode_queries([f"autre titre {i}" for i in range(30)])
    kept = list(memo._queries.values())
    assert len(kept) == 50
    assert not any(np.shares_memory(vector, batch) for vector in kept)
    assert all(vector.base is None for vector in kept)  # own memory: no encoder batch behind a row
