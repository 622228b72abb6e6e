"""The rules about accounts: the SIRET's checksum, which changes end the open sessions, and what an
administrator may not do to their own account."""

from __future__ import annotations

import pytest

from common.errors import ValidationFailed
from gateway.account_rules import AccountChange, check_siret, luhn_valid, siren_of, siret_valid

# Real establishments, as published in the Sirene register.
KNOWN_SIRETS = ["73282932000074", "44306184100047", "35600000000048"]


@pytest.mark.parametrize("siret", KNOWN_SIRETS)
def test_registered_sirets_are_valid(siret: str) -> None:
    assert siret_valid(siret)
    assert check_siret(siret) == siret


@pytest.mark.parametrize("siret", KNOWN_SIRETS[:2])
def test_any_single_wrong_digit_is_caught(siret: str) -> None:
    for position in range(14):
        for digit in "0123456789":
            if digit != siret[position]:
                typo = siret[:position] + digit + siret[position + 1 :]
                assert not siret_valid(typo), typo


@pytest.mark.parametrize(
    "text", ["", "7328293200007", "732829320000740", "7328293200007A", " 73282932000074"]
)
def test_anything_but_fourteen_digits_is_refused(text: str) -> None:
    assert not siret_valid(text)


def test_a_refused_siret_is_a_coded_422_on_its_field() -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_siret("73282932000075")
    assert refused.value.code == "account.siret_invalid"
    assert refused.value.detail[0]["field"] == "siret"


def test_la_poste_establishments_follow_the_sum_of_digits_rule() -> None:
    establishment = "35600000049107"  # not a Luhn number; its digits add up to 35
    assert not luhn_valid(establishment)
    assert siret_valid(establishment)
    assert not siret_valid("35600000049108")  # neither Luhn nor a multiple of 5


def test_luhn_itself() -> None:
    assert luhn_valid("79927398713")  # the textbook example
    assert not luhn_valid("79927398710")


def test_the_company_is_the_first_nine_digits() -> None:
    assert siren_of("73282932000074") == "732829320"
    assert siren_of(None) is None


@pytest.mark.parametrize(
    ("change", "ends"),
    [
        (AccountChange(role="analyst"), True),
        (AccountChange(role="referent"), False),  # the same role
        (AccountChange(active=False), True),
        (AccountChange(active=True), False),
        (AccountChange(display_name="Camille B.", structure="Mission locale"), False),
    ],
)
def test_a_new_role_or_a_deactivation_ends_the_sessions(change: AccountChange, ends: bool) -> None:
    assert change.ends_sessions(current_role="referent", currently_active=True) is ends


def test_an_admin_cannot_lock_themselves_out() -> None:
    for change in (AccountChange(active=False), AccountChange(role="referent")):
        with pytest.raises(ValidationFailed) as refused:
            change.check_allowed_on_self("root", "root")
        assert refused.value.code == "account.self"
    AccountChange(display_name="Root", role="admin").check_allowed_on_self("root", "root")
    AccountChange(active=False).check_allowed_on_self("root", "camille")
