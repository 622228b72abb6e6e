"""The habit that decides whether the second search is asked beside the first."""

from __future__ import annotations

from services.matching.domain.second_search import SecondSearchHabit


def test_a_new_service_asks_both_at_once() -> None:
    assert SecondSearchHabit().ask_together()


def test_it_follows_what_recent_requests_needed() -> None:
    habit = SecondSearchHabit()
    for _ in range(20):
        habit.record(needed=False)
    assert not habit.ask_together()
    for _ in range(20):
        habit.record(needed=True)
    assert habit.ask_together()


def test_one_odd_request_does_not_flip_a_settled_habit() -> None:
    habit = SecondSearchHabit()
    for _ in range(40):
        habit.record(needed=True)
    habit.record(needed=False)
    assert habit.ask_together()
