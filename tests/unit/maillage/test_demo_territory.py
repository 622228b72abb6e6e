"""The Loiret demo is data for the default territory: elsewhere it stays out rather than fail the start."""

from __future__ import annotations

import pytest

from common.territory import build_territory
from maillage import demo


def test_the_demo_places_are_the_loiret_ones_and_need_the_territory_to_reach_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert demo.commune_named("Olivet").insee_code == "45232"
    assert demo.demo_reachable()
    monkeypatch.setattr(demo, "territory", lambda: build_territory("13"))
    assert not demo.demo_reachable()
    assert demo.seed(None, None) == (0, 0)  # type: ignore[arg-type]  # never touches the services
