"""The catalogue words every value the pages show, and words pydantic's errors from their type."""

from __future__ import annotations

import pytest

from common import french_catalogue as fr
from common.identity import Role
from common.vocabulary import (
    ContractType,
    Contrainte,
    ContrainteStatus,
    OpportunityKind,
    Transport,
    WorkCondition,
)
from contracts.matching import OutcomeStatus, RefusalReason
from contracts.offers import OfferStatus


def test_every_value_of_the_vocabulary_has_its_label() -> None:
    assert list(fr.REFUSAL_REASON_LABELS) == [r.value for r in RefusalReason]  # the form lists them in order
    assert list(fr.OUTCOMES) == [s.value for s in OutcomeStatus]
    assert set(fr.OFFER_STATUS_LABELS) == {s.value for s in OfferStatus}
    assert set(fr.CONTRAINTE_LABELS) == set(Contrainte)
    assert set(fr.CONTRAINTE_STATUS_LABELS) == {s.value for s in ContrainteStatus}
    assert set(fr.CONTRACT_LABELS) == set(ContractType)
    assert set(fr.KIND_LABELS) == set(OpportunityKind)
    assert set(fr.CONDITION_LABELS_FR) == set(WorkCondition)
    assert set(fr.TRANSPORT_LABELS_FR) == set(Transport)
    assert {Role.EMPLOYER, Role.REFERENT, Role.ANALYST, Role.ADMIN} <= set(fr.ROLE_LABELS)


def test_one_outcome_reads_singly_in_a_history_and_as_a_heading_over_a_count() -> None:
    assert fr.OUTCOMES["refused"].single == "Refusée"
    assert fr.OUTCOMES["refused"].tally == "refusées"


@pytest.mark.parametrize(
    ("error_type", "context", "french"),
    [
        ("missing", None, "Ce champ est obligatoire."),
        ("greater_than_equal", {"ge": 1}, "La valeur doit être au moins 1."),
        ("greater_than", {"gt": 0.0}, "La valeur doit être supérieure à 0."),
        ("less_than_equal", {"le": 48.0}, "La valeur doit être au plus 48."),
        ("less_than_equal", {"le": 2.5}, "La valeur doit être au plus 2.5."),
        ("string_too_short", {"min_length": 1}, "Ce champ ne doit pas être vide."),
        ("string_too_short", {"min_length": 3}, "3 caractères au moins."),
        ("string_too_long", {"max_length": 200}, "200 caractères au plus."),
        ("too_long", {"max_length": 10, "actual_length": 11}, "10 éléments au plus."),
        ("enum", {"expected": "'CDI' or 'CDD'"}, "Choisissez une valeur de la liste."),
        ("date_from_datetime_parsing", {"error": "x"}, "Une date est attendue (jj/mm/aaaa)."),
        ("greater_than_equal", {}, "Cette valeur n'est pas acceptée."),  # no limit to show
        ("some_future_type", None, "Cette valeur n'est pas acceptée."),
    ],
)
def test_pydantic_errors_are_worded_from_their_type(
    error_type: str, context: dict[str, object] | None, french: str
) -> None:
    assert fr.input_error_message(error_type, context) == french


def test_an_unknown_code_has_no_french() -> None:
    assert fr.error_message("outcome.refusal_needs_reason") == "Un refus demande un motif."
    assert fr.error_message("nothing.like.this") is None
    assert fr.error_message(None) is None
