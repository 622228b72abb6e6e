"""settle_heap(): what start-up built is out of the full collection's walk; MAILLAGE_GC_FREEZE=0 opts out."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from common.heap import YOUNG_THRESHOLD, settle_heap


@pytest.fixture
def restored_collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("restored_collector")
def test_start_up_objects_are_frozen_and_young_collections_rarer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MAILLAGE_GC_FREEZE", raising=False)
    built_at_start_up = [{"row": i} for i in range(10_000)]
    settle_heap()
    assert gc.get_freeze_count() >= len(built_at_start_up)
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD
    # Later garbage in cycles is still collected.
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1


@pytest.mark.usefixtures("restored_collector")
def test_the_setting_keeps_the_interpreters_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILLAGE_GC_FREEZE", "0")
    gc.unfreeze()
    before = gc.get_threshold()
    settle_heap()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before
