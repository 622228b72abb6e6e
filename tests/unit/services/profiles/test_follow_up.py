"""The follow-up's domain: what a contact may be, and what the caseload is searched by."""

from __future__ import annotations

from datetime import date

import pytest

from common.errors import ValidationFailed
from common.rome import search_appellations
from contracts.follow_up import ContactChannel, ContactIn
from contracts.profiles import ProfileCreate
from services.profiles.domain import Profile
from services.profiles.follow_up import CaseloadQuery, Contact, SearchTerms
from tests.factories import location, profile_payload

TODAY = date(2026, 11, 30)


def test_a_contact_keeps_its_day_channel_note_and_author() -> None:
    data = ContactIn(happened_on=TODAY, channel=ContactChannel.ENTRETIEN, note="  Bilan du mois  ")
    contact = Contact.record("p1", data, "r1", TODAY)
    assert (contact.happened_on, contact.channel, contact.note, contact.recorded_by) == (
        TODAY,
        ContactChannel.ENTRETIEN,
        "Bilan du mois",
        "r1",
    )


@pytest.mark.parametrize(
    ("day", "code"), [(date(2026, 12, 1), "contact.in_the_future"), (date(1999, 12, 31), "contact.too_old")]
)
def test_a_contact_dated_ahead_or_long_gone_is_refused(day: date, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        Contact.record("p1", ContactIn(happened_on=day, channel=ContactChannel.COURRIEL), "r1", TODAY)
    assert refused.value.code == code


def _terms(**fields: object) -> SearchTerms:
    return SearchTerms.of(Profile.open("r1", ProfileCreate(**profile_payload(**fields))))


def test_search_terms_are_normalised_words_codes_and_open_freins() -> None:
    cariste = search_appellations("cariste")[0]
    terms = _terms(
        display_name="Mme Éloïse N'Diaye",
        location=location("Châlette-sur-Loing"),
        appellation_codes=[cariste.code, "inconnu"],
        contraintes=[
            {"code": "logement", "status": "OUI"},
            {"code": "mobilite", "status": "CLOTUREE"},
            {"code": "difficultes_financieres", "status": "OUI"},
        ],
    )
    assert terms.text == " mme eloise n diaye chalette sur loing "
    assert terms.rome_codes == f" {cariste.rome_code} "
    assert terms.freins == " difficultes_financieres logement "


def test_every_filter_must_hold() -> None:
    terms = _terms(display_name="Jean Dupont", contraintes=[{"code": "logement", "status": "OUI"}])
    assert terms.matches(CaseloadQuery(text="jean dup", frein="logement"))
    assert not terms.matches(CaseloadQuery(text="jean", frein="mobilite"))
    assert not terms.matches(CaseloadQuery(text="upont"))
    assert not terms.matches(CaseloadQuery(rome_family="N"))
