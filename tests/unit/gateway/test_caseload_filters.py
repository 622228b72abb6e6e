"""The caseload's GET form, turned into the profiles API's query."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from gateway.web.caseload import PAGE_SIZE, api_params
from gateway.web.forms import CaseloadFilters

PROPOSALS: list[dict[str, Any]] = [
    {"profile_id": "p2", "last_proposed_at": "2026-11-20T10:00:00Z", "awaiting": []},
    {"profile_id": "p1", "last_proposed_at": "2026-11-02T10:00:00Z", "awaiting": [{"offer_id": "o1"}]},
]


def test_an_empty_form_lists_the_first_page_by_name() -> None:
    assert api_params(CaseloadFilters(), PROPOSALS) == {"limit": PAGE_SIZE, "offset": 0}


def test_every_filter_reaches_the_api_and_the_page_sets_the_offset() -> None:
    filters = CaseloadFilters(q="gien", frein="logement", famille="N", sans_contact="1", page=3)
    params = api_params(filters, PROPOSALS)
    assert params is not None
    assert (params["q"], params["frein"], params["rome_family"], params["offset"]) == (
        "gien",
        "logement",
        "N",
        50,
    )
    assert len(params["no_contact_since"]) == 10  # a day, 30 days ago


def test_awaiting_becomes_ids_and_nobody_waiting_lists_nobody() -> None:
    assert api_params(CaseloadFilters(en_attente="1"), PROPOSALS) == {
        "limit": PAGE_SIZE,
        "offset": 0,
        "ids": ["p1"],
    }
    assert api_params(CaseloadFilters(en_attente="1"), PROPOSALS[:1]) is None


def test_the_last_proposal_sort_ranks_the_oldest_first() -> None:
    params = api_params(CaseloadFilters(tri="last_proposal"), PROPOSALS)
    assert params is not None and (params["sort"], params["ranked"]) == ("ranked", ["p1", "p2"])
    waiting = api_params(CaseloadFilters(tri="last_proposal", en_attente="1"), PROPOSALS)
    assert waiting is not None and waiting["ranked"] == ["p1"]  # only the files the filter keeps


@pytest.mark.parametrize("field", [{"frein": "inconnu"}, {"famille": "Z"}, {"tri": "age"}, {"page": 0}])
def test_a_value_the_form_never_offers_is_refused(field: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        CaseloadFilters.model_validate(field)


def test_the_link_to_another_page_keeps_the_filters_and_leaves_defaults_out() -> None:
    filters = CaseloadFilters(q="Mme A", frein="mobilite")
    assert filters.link(page=2) == "q=Mme+A&frein=mobilite&page=2"
