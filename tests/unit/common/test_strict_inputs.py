"""Bad input is a field error (4xx), never stored and never a 5xx further down: strict numbers, no NUL,
bounded free texts, no null for what an offer or a file always has, no JSON nested past any use."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from contracts.offers import OfferCreate, OfferUpdate
from contracts.profiles import ProfileCreate, ProfileUpdate
from services.offers.importing import parse_ft_json
from tests.factories import offer_payload, profile_payload


@pytest.mark.parametrize("hours", ["25", True, "25.5"])
def test_hours_are_numbers_not_strings_or_booleans(hours: object) -> None:
    with pytest.raises(ValidationError):
        OfferCreate(**offer_payload(hours_per_week=hours))
    with pytest.raises(ValidationError):
        OfferUpdate.model_validate({"hours_per_week": hours})
    with pytest.raises(ValidationError):
        ProfileCreate(**profile_payload(max_hours_per_week=hours))


def test_whole_and_decimal_numbers_stay_accepted() -> None:
    assert OfferCreate(**offer_payload(hours_per_week=25, openings=2)).hours_per_week == 25.0
    assert (
        OfferCreate.model_validate_json(
            OfferCreate(**offer_payload(hours_per_week=24.5)).model_dump_json()
        ).hours_per_week
        == 24.5
    )


def test_openings_are_whole_numbers_not_booleans() -> None:
    with pytest.raises(ValidationError):
        OfferCreate(**offer_payload(openings=True))


def test_a_situation_is_a_short_code_not_a_story() -> None:
    entry = {"code": "mobilite", "status": "OUI", "situations": ["x" * 100_000]}
    with pytest.raises(ValidationError):
        ProfileCreate(**profile_payload(contraintes=[entry]))
    with pytest.raises(ValidationError):
        ProfileCreate(**profile_payload(appellation_codes=["1" * 100_000]))


@pytest.mark.parametrize(
    ("model", "payload"),
    [
        (OfferCreate, offer_payload(title="Agent\x00 de propreté")),
        (OfferCreate, offer_payload(description="Nettoyage\x00")),
        (OfferCreate, offer_payload(skills=["nettoyage\x00"])),
        (OfferCreate, offer_payload(employer_name="SARL\x00")),
        (ProfileCreate, profile_payload(display_name="Mme\x00 Test")),
    ],
    ids=["title", "description", "skill", "employer", "display-name"],
)
def test_nul_characters_are_refused_in_texts(model: type[Any], payload: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        model(**payload)


@pytest.mark.parametrize("field", ["skills", "conditions", "title", "hours_per_week", "location"])
def test_a_patch_cannot_null_what_every_offer_has(field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        OfferUpdate.model_validate({field: None})
    assert refused.value.errors()[0]["loc"] == (field,)


def test_a_patch_may_still_clear_what_is_optional() -> None:
    update = OfferUpdate.model_validate({"rome_code": None, "employer_name": None})
    assert update.model_dump(exclude_unset=True) == {"rome_code": None, "employer_name": None}
    assert ProfileUpdate.model_validate({"followup_ended_on": None}).followup_ended_on is None


@pytest.mark.parametrize("field", ["skills", "display_name", "mobility", "contraintes"])
def test_a_patch_cannot_null_what_every_file_has(field: str) -> None:
    with pytest.raises(ValidationError):
        ProfileUpdate.model_validate({field: None})


def test_an_upload_nested_past_any_use_is_a_record_error_not_a_crash() -> None:
    rows = parse_ft_json('{"resultats": ' + "[" * 100_000)
    assert len(rows) == 1 and rows[0].offer is None
    assert "imbrication" in str(rows[0].errors[0].as_dict()["message"])
