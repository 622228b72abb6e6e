"""The follow-up's API shapes: contacts with the person (kept by the profiles service, as personal data),
the caseload's search and sort, and the proposals a référent is waiting on (from the matching service:
ids and dates only)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from common.schemas import WithoutNul
from common.vocabulary import Contrainte
from contracts.profiles import ProfilePublic

# A short note of the contact, written by the référent: personal data, shown to the référent only.
ContactNote = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), WithoutNul]
# A ROME grand domaine ("N"), domaine professionnel ("N11") or fiche ("N1103"): a prefix of ROME codes.
# Ids in a query string: at most this many per parameter, so that a URL with both lists (2 × 200 × 37
# characters) stays within the 16 KB of request head that HTTP servers (uvicorn's h11) accept.
MAX_IDS = 200
# A file's id in a list of ids (the caseload's `ids` and `ranked` filters).
ProfileId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
RomeFamily = Annotated[str, StringConstraints(pattern=r"^[A-N](\d{2}(\d{2})?)?$")]


class ContactChannel(StrEnum):
    TELEPHONE = "telephone"
    ENTRETIEN = "entretien"
    COURRIEL = "courriel"
    COURRIER = "courrier"
    VISIO = "visio"


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    happened_on: date = Field(description="The day of the contact (today or earlier).")
    channel: ContactChannel
    note: ContactNote = ""


class ContactOut(BaseModel):
    id: str
    profile_id: str
    happened_on: date
    channel: ContactChannel
    note: str
    recorded_by: str
    recorded_at: datetime


class Contacts(BaseModel):
    """The contacts with the person, the most recent first."""

    profile_id: str
    items: list[ContactOut]


class CaseloadEntry(ProfilePublic):
    """A file as the caseload lists it: the file, and the day of the latest contact with the person."""

    last_contact_on: date | None = None


class CaseloadSort(StrEnum):
    """`name`: alphabetical. `last_contact`: the people contacted longest ago first (never contacted
    before them). `ranked`: the order of the `ranked` ids, after every file not listed (by name) — how a
    caller sorts by what another service knows, e.g. the date of the last proposal."""

    NAME = "name"
    LAST_CONTACT = "last_contact"
    RANKED = "ranked"


class CaseloadSearch(BaseModel):
    """The caseload's filters and order (query parameters). Every filter given must hold."""

    q: str = Field(default="", max_length=100, description="Words of the name or the commune.")
    frein: Contrainte | None = Field(default=None, description="A contrainte identified, not yet lifted.")
    rome_family: RomeFamily | None = Field(
        default=None, description="Target jobs in this ROME family: a code prefix (N, N11, N1103)."
    )
    ids: list[ProfileId] | None = Field(default=None, max_length=MAX_IDS, description="Only these files.")
    no_contact_since: date | None = Field(
        default=None, description="No contact recorded on that day or after (never contacted included)."
    )
    sort: CaseloadSort = CaseloadSort.NAME
    ranked: list[ProfileId] = Field(default_factory=list, max_length=MAX_IDS)


class AwaitingProposal(BaseModel):
    offer_id: str
    proposed_at: datetime


class PersonProposals(BaseModel):
    profile_id: str
    last_proposed_at: datetime
    awaiting: list[AwaitingProposal] = Field(
        description="The proposals with no answer yet (latest status `proposed`), the oldest first."
    )


class Proposals(BaseModel):
    """The people the caller proposed offers to: per person, ids and dates only."""

    items: list[PersonProposals]
