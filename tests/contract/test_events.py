"""The events services exchange: every model has an example payload (contracts/examples), every example
is read by its model and written back byte for byte — so records already in topics and outboxes, written
in this format, still decode — and the offer event stays its own model, mapped from the API's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from contracts.events import (
    EVENT_MODELS,
    EventEnvelope,
    OfferUpsertedV1,
    OfferV1,
    ProfileUpsertedV1,
    ProposalAnswered,
    ProposalAnsweredV1,
    ProposalMade,
    decode_event,
    event_tag,
)
from contracts.offers import OfferPublic
from contracts.proposals import EMPLOYER_REFUSAL_REASONS, EmployerAnswer

EXAMPLES = Path(__file__).resolve().parents[2] / "contracts" / "examples"


def example_name(model: type[EventEnvelope]) -> str:
    """offer.upserted.v1.json for OfferUpsertedV1."""
    fields = model.model_fields
    return f"{fields['type'].default}.v{fields['schema_version'].default}.json"


def compact(path: Path) -> bytes:
    """The example as producers write it: compact JSON, UTF-8, fields in the file's order."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def test_every_event_model_has_an_example_and_every_example_a_model() -> None:
    assert sorted(example_name(m) for m in EVENT_MODELS) == sorted(p.name for p in EXAMPLES.glob("*.json"))


def test_every_tag_names_one_model() -> None:
    tags = [
        event_tag(m.model_fields["type"].default, m.model_fields["schema_version"].default)
        for m in EVENT_MODELS
    ]
    assert len(set(tags)) == len(EVENT_MODELS)


@pytest.mark.parametrize("model", EVENT_MODELS, ids=example_name)
def test_an_example_is_read_by_its_model_and_written_back_byte_for_byte(model: type[EventEnvelope]) -> None:
    raw = compact(EXAMPLES / example_name(model))
    event = decode_event(raw)
    assert type(event) is model
    assert event.to_bytes() == raw
    assert decode_event(event.to_bytes()) == event


@pytest.mark.parametrize("model", EVENT_MODELS, ids=example_name)
def test_an_unknown_schema_version_of_a_known_type_is_refused(model: type[EventEnvelope]) -> None:
    data = json.loads(compact(EXAMPLES / example_name(model)))
    data["schema_version"] = 99
    with pytest.raises(ValidationError):
        decode_event(json.dumps(data).encode())


def test_an_unknown_type_is_refused() -> None:
    data = json.loads(compact(EXAMPLES / "profile.upserted.v1.json"))
    data["type"] = "profile.merged"
    with pytest.raises(ValidationError):
        decode_event(json.dumps(data).encode())


def test_the_offer_event_maps_the_api_offer_both_ways() -> None:
    event = decode_event(compact(EXAMPLES / "offer.upserted.v1.json"))
    assert isinstance(event, OfferUpsertedV1)
    offer = event.offer()
    assert isinstance(offer, OfferPublic)
    again = OfferUpsertedV1.of(offer)
    assert again.key == offer.id == event.key
    assert again.payload == event.payload


def test_the_offer_event_is_not_the_api_model() -> None:
    """A field added to OfferPublic does not reach the event by itself: the event's fields are its own."""
    assert OfferUpsertedV1.model_fields["payload"].annotation is OfferV1
    assert not issubclass(OfferV1, OfferPublic)
    example = json.loads(compact(EXAMPLES / "offer.upserted.v1.json"))
    assert set(example["payload"]) == set(OfferV1.model_fields)


def test_profile_events_carry_an_id_and_a_version_only() -> None:
    event = decode_event(compact(EXAMPLES / "profile.upserted.v1.json"))
    assert isinstance(event, ProfileUpsertedV1)
    assert set(event.payload.model_dump()) == {"profile_id", "version"}


def test_proposal_events_carry_ids_and_codes_only() -> None:
    """Never the card (name, skills), never the employer's question: consumers ask matching for more."""
    assert set(ProposalMade.model_fields) == {"proposal_id", "profile_id", "offer_id", "employer_id"}
    assert set(ProposalAnswered.model_fields) == {
        "proposal_id",
        "profile_id",
        "offer_id",
        "employer_id",
        "answer",
        "reason",
    }
    answered = decode_event(compact(EXAMPLES / "proposal.answered.v1.json"))
    assert isinstance(answered, ProposalAnsweredV1)
    assert answered.payload.answer in {a.value for a in EmployerAnswer}
    assert answered.payload.reason in {r.value for r in EMPLOYER_REFUSAL_REASONS}
