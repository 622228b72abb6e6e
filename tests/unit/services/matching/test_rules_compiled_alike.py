"""The search rules stated once, compiled twice: the numpy masks select exactly the offers `holds` passes."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from services.matching.adapters.local_columns import OfferColumns
from services.matching.domain.constraints import search_rule, violations
from services.matching.domain.rules import All, Field, NoneOf, OneOf, Rule, holds
from services.matching.ports import IndexedOffer
from tests.factories import indexed_offer
from tests.rule_cases import random_filters, random_offer, random_rule


def columns_of(offers: list[IndexedOffer]) -> OfferColumns:
    row_of = {o.id: row for row, o in enumerate(offers)}
    columns = OfferColumns(row_of)
    columns.grow(len(offers) + 7, 0)  # spare rows past n, as the index keeps them
    for row, offer in enumerate(offers):
        columns.set(row, offer)
    return columns


def selected_by_masks(columns: OfferColumns, offers: list[IndexedOffer], rule: Rule) -> set[str]:
    return {offers[row].id for row in columns.rows_passing(rule, len(offers)).tolist()}


def selected_by_holds(offers: list[IndexedOffer], rule: Rule) -> set[str]:
    return {o.id for o in offers if holds(rule, o)}


@settings(max_examples=150, deadline=None)
@given(rng=st.randoms(use_true_random=False))
def test_a_person_s_hard_filters_select_the_same_offers(rng: random.Random) -> None:
    offers = [random_offer(rng, i) for i in range(rng.randint(0, 60))]
    columns = columns_of(offers)
    for _ in range(5):
        filters = random_filters(rng, offers)
        rule = search_rule(filters)
        expected = selected_by_holds(offers, rule)
        assert selected_by_masks(columns, offers, rule) == expected, filters
        # and the ranking's re-check is the same rule: an offer passes iff it has no violation
        assert {o.id for o in offers if not violations(o, filters)} == expected


@settings(max_examples=150, deadline=None)
@given(rng=st.randoms(use_true_random=False))
def test_any_rule_of_the_algebra_selects_the_same_offers(rng: random.Random) -> None:
    offers = [random_offer(rng, i) for i in range(rng.randint(1, 40))]
    columns = columns_of(offers)
    for _ in range(5):
        rule = random_rule(rng, offers)
        assert selected_by_masks(columns, offers, rule) == selected_by_holds(offers, rule), rule


def test_more_conditions_than_bits_are_checked_row_by_row() -> None:
    rng = random.Random(5)
    many = [f"condition_{i}" for i in range(80)]
    offers = [indexed_offer(id=f"o{i}", conditions=tuple(rng.sample(many, 3))) for i in range(120)]
    columns = columns_of(offers)
    for _ in range(30):
        wanted = frozenset(rng.sample(many, 4))
        for rule in (NoneOf(Field.CONDITIONS, wanted), OneOf(Field.CONDITIONS, wanted)):
            assert selected_by_masks(columns, offers, rule) == selected_by_holds(offers, rule)


def test_an_empty_rule_lets_every_offer_through() -> None:
    offers = [random_offer(random.Random(1), i) for i in range(10)]
    assert selected_by_masks(columns_of(offers), offers, All(())) == {o.id for o in offers}
