"""The people grids are computed once per generation of the projections, and again as soon as it changes."""

from __future__ import annotations

from services.matching.domain.people import PeopleGrids, PeopleGridsCache, PersonFacts, people_grids


def test_grids_are_kept_while_the_generation_holds_and_recomputed_when_it_changes() -> None:
    computed: list[int] = []

    def compute(n: int) -> PeopleGrids:
        computed.append(n)
        return people_grids([PersonFacts(insee_code="45208", project="G1602")] * n)

    cache = PeopleGridsCache()
    first = cache.grids((6, 1), lambda: compute(6))
    assert cache.grids((6, 1), lambda: compute(99)) is first
    after_a_write = cache.grids((6, 2), lambda: compute(7))
    assert computed == [6, 7]
    assert after_a_write is not first
    assert cache.grids((6, 2), lambda: compute(99)) is after_a_write
