"""The référent's follow-up of a person, as the profiles service keeps it: the contacts with the person
(personal data: the note is read by the référent only) and the caseload as a work list (what it can be
searched, filtered and sorted by)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from common.clock import utcnow
from common.errors import ValidationFailed
from common.rome import appellation
from common.text import normalise
from common.vocabulary import ContrainteStatus
from contracts.follow_up import CaseloadSort, ContactChannel, ContactIn
from services.profiles.domain import Profile

# The oldest contact worth recording: anything before is a typing slip (e.g. 0202 for 2026).
EARLIEST_CONTACT = date(2000, 1, 1)


@dataclass(frozen=True)
class Contact:
    """One contact of the référent with the person: when, how, and a short note."""

    profile_id: str
    happened_on: date
    channel: ContactChannel
    note: str
    recorded_by: str
    recorded_at: datetime = field(default_factory=utcnow)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @classmethod
    def record(cls, profile_id: str, data: ContactIn, recorded_by: str, today: date) -> Contact:
        """A contact as the référent states it; a date to come or long gone is refused (422)."""
        if data.happened_on > today:
            raise ValidationFailed(
                [{"field": "happened_on", "message": "A contact cannot be recorded ahead of its date."}],
                code="contact.in_the_future",
            )
        if data.happened_on < EARLIEST_CONTACT:
            raise ValidationFailed(
                [{"field": "happened_on", "message": "This date is too far back for a contact."}],
                code="contact.too_old",
            )
        return cls(profile_id, data.happened_on, data.channel, data.note, recorded_by)


@dataclass(frozen=True)
class CaseloadQuery:
    """Which files of the caseload to list, and in what order. Every filter given must hold.

    `text`: words of the name or the commune (case and accents ignored). `frein`: a contrainte of the
    diagnostic identified and not yet lifted. `rome_family`: a prefix of the ROME codes of the target
    jobs. `ids`: only these files. `no_contact_since`: no contact on that day or after (never contacted
    included). `ranked`: the order for `CaseloadSort.RANKED`."""

    text: str = ""
    frein: str | None = None
    rome_family: str | None = None
    ids: tuple[str, ...] | None = None
    no_contact_since: date | None = None
    sort: CaseloadSort = CaseloadSort.NAME
    ranked: tuple[str, ...] = ()

    def words(self) -> list[str]:
        return normalise(self.text).split()


@dataclass(frozen=True)
class SearchTerms:
    """What the caseload is searched by, derived from the file and stored beside it: the normalised name
    and commune, the ROME codes of the target jobs, the freins. Space-delimited, so that a word or a
    code prefix is found by `LIKE '% word%'` on any database."""

    text: str
    rome_codes: str
    freins: str

    @classmethod
    def of(cls, profile: Profile) -> SearchTerms:
        codes = {found.rome_code for found in map(appellation, profile.appellation_codes) if found}
        freins = [c["code"] for c in profile.contraintes if c.get("status") == ContrainteStatus.OUI.value]
        return cls(
            text=f" {normalise(profile.display_name)} {normalise(profile.commune)} ",
            rome_codes=f" {' '.join(sorted(codes))} ",
            freins=f" {' '.join(sorted(freins))} ",
        )

    def matches(self, query: CaseloadQuery) -> bool:
        """The filters of `query` on these terms, as the SQL store applies them (for the memory store)."""
        if not all(f" {word}" in self.text for word in query.words()):
            return False
        if query.frein and f" {query.frein} " not in self.freins:
            return False
        return not (query.rome_family and f" {query.rome_family}" not in self.rome_codes)
