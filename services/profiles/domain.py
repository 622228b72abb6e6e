"""Who may see and change a person's file — Carnet de bord's rule — and how far a person can go.

A professional sees a person's file only while they follow that person (here: the référent whose caseload
holds it). Employers and analysts never see a file. Admins may, for support, and every such read is
audited like any other.

`Profile` is the aggregate: its changes bump its version and record the events they cause (an id and a
version, nothing personal), which the unit of work writes to the outbox with the file.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from common.clock import as_utc, utcnow
from common.errors import Forbidden, NotFound, ValidationFailed
from common.identity import Caller, Role
from common.text import normalise
from contracts.events import ProfileDeletedV1, ProfileUpsertedV1
from contracts.profiles import (
    CandidateCard,
    EmployerSharing,
    MatchingView,
    ProfileCreate,
    ProfilePublic,
    ProfileUpdate,
)

# Words of a display name that are no first name: with them the card falls back to initials.
_CIVILITIES = {"m", "m.", "mme", "mme.", "mlle", "mlle.", "monsieur", "madame", "mademoiselle"}


def check_can_read(caller: Caller, profile_id: str, referent_id: str | None) -> None:
    if caller.role in (Role.EMPLOYER, Role.ANALYST):
        raise Forbidden(
            "Personal files are only open to the person's référent.", code="profile.referent_only"
        )
    if referent_id is None:
        raise NotFound(f"No profile {profile_id}.", code="profile.not_found")
    if caller.role == Role.REFERENT and caller.subject != referent_id:
        # Same answer as for a missing profile: the caseload of others is not revealed.
        raise NotFound(f"No profile {profile_id}.", code="profile.not_found")


def check_can_write(caller: Caller, profile_id: str, referent_id: str | None) -> None:
    check_can_read(caller, profile_id, referent_id)
    if caller.role not in (Role.REFERENT, Role.ADMIN, Role.SYSTEM):
        raise Forbidden(
            "Only the person's référent can change their file.", code="profile.write_referent_only"
        )


def check_can_create(caller: Caller) -> None:
    if caller.role != Role.REFERENT:
        raise Forbidden(
            "Only référents create profiles; the profile joins their caseload.",
            code="profile.create_referent_only",
        )


def check_can_hand_over(caller: Caller) -> None:
    """Who follows whom is changed by the administration (a référent leaves, a caseload is rebalanced)."""
    if caller.role not in (Role.ADMIN, Role.SYSTEM):
        raise Forbidden(
            "Only administrators move people between caseloads.", code="profile.handover_admin_only"
        )


def check_can_count_caseloads(caller: Caller) -> None:
    """Caseload sizes are counts about référents, never about a person: admins and coordinators."""
    if caller.role not in (Role.ADMIN, Role.COORDINATOR, Role.SYSTEM):
        raise Forbidden("Caseload sizes are for coordinators and admins.", code="profile.counts_only")


@dataclass(frozen=True)
class AuditCriteria:
    """What an administrator searches the audit log by: a person's file, a user, a period (ends included)."""

    profile_id: str | None = None
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def holds_for(self, profile_id: str, actor: str, at: datetime) -> bool:
        return (
            self.profile_id in (None, profile_id)
            and self.actor in (None, actor)
            and (self.since is None or at >= self.since)
            and (self.until is None or at <= self.until)
        )


def check_can_search_audit(caller: Caller) -> None:
    if caller.role not in (Role.ADMIN, Role.SYSTEM):
        raise Forbidden("The audit log is searched by administrators.", code="audit.admin_only")


@dataclass(eq=False)
class Profile:
    """A person's file as the profiles service keeps it (the stored columns, the place flattened). It
    records the events its changes cause — an id and a version, nothing personal — for the unit of work."""

    referent_id: str
    display_name: str
    commune: str
    lat: float
    lon: float
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    target_jobs: list[str] = field(default_factory=list)
    appellation_codes: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    insee_code: str | None = None
    mobility: dict[str, Any] = field(default_factory=dict)
    contract_types: list[str] = field(default_factory=list)
    min_hours_per_week: float | None = None
    max_hours_per_week: float | None = None
    contraintes: list[dict[str, Any]] = field(default_factory=list)
    excluded_conditions: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    employer_sharing: str = EmployerSharing.NONE.value
    available_from: date | None = None
    followup_ended_on: date | None = None
    version: int = 1
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    events: list[ProfileUpsertedV1 | ProfileDeletedV1] = field(default_factory=list, init=False, repr=False)

    @classmethod
    def open(cls, referent_id: str, data: ProfileCreate) -> Profile:
        """A new file, in its référent's caseload."""
        profile = cls(referent_id=referent_id, **_columns(data.model_dump(mode="json")))
        profile.events.append(ProfileUpsertedV1.of(profile.id, profile.version))
        return profile

    def revise(self, data: ProfileUpdate, now: datetime) -> None:
        """Apply the update — refused (422) when the file it would make is not a valid one."""
        changes = data.model_dump(mode="json", exclude_unset=True)
        merged = {**self.to_public().model_dump(mode="json"), **changes}
        ProfileCreate.model_validate({k: v for k, v in merged.items() if k in ProfileCreate.model_fields})
        for name, value in _columns(changes).items():
            setattr(self, name, value)
        self.version += 1
        self.updated_at = now
        self.events.append(ProfileUpsertedV1.of(self.id, self.version))

    def hand_over(self, to_referent: str) -> str:
        """The person is followed by `to_referent` from now on; returns who followed them until now.
        Matching does not know who follows whom, so nothing is published."""
        if to_referent == self.referent_id:
            raise ValidationFailed(
                [{"field": "to_referent", "message": "The person is already followed by this référent."}],
                code="handover.same_referent",
            )
        previous, self.referent_id = self.referent_id, to_referent
        return previous

    def forget(self) -> None:
        """The follow-up ended long enough ago: the file goes, and matching forgets the person too."""
        self.version += 1  # the deletion is the newest version of the profile
        self.events.append(ProfileDeletedV1.of(self.id, self.version))

    def stored_fields(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.init}

    def _location(self) -> dict[str, Any]:
        return {"commune": self.commune, "lat": self.lat, "lon": self.lon, "insee_code": self.insee_code}

    def to_public(self) -> ProfilePublic:
        columns = {k: v for k, v in self.stored_fields().items() if k not in _PLACE_AND_TIMES}
        return ProfilePublic.model_validate(
            {
                **columns,
                "location": self._location(),
                "created_at": as_utc(self.created_at),
                "updated_at": as_utc(self.updated_at),
            }
        )

    def matching_view(self) -> MatchingView:
        """What matching needs of the person: criteria, no identity."""
        return MatchingView.model_validate(
            {
                "profile_id": self.id,
                "version": self.version,
                "target_jobs": self.target_jobs,
                "appellation_codes": self.appellation_codes,
                "skills": self.skills,
                "location": self._location(),
                "mobility": self.mobility,
                "contract_types": self.contract_types,
                "min_hours_per_week": self.min_hours_per_week,
                "max_hours_per_week": self.max_hours_per_week,
                "excluded_conditions": self.excluded_conditions,
            }
        )

    def candidate_card(self) -> CandidateCard | None:
        """The card an employer may see when the person is proposed to them; None without consent."""
        sharing = EmployerSharing(self.employer_sharing)
        if sharing == EmployerSharing.NONE:
            return None
        return CandidateCard(
            profile_id=self.id,
            shown_name=shown_name(self.display_name, sharing),
            skills=list(self.skills),
            available_from=self.available_from,
        )


def shown_name(display_name: str, sharing: EmployerSharing) -> str | None:
    """The name as far as the person allowed: 'Sophie Martin' → 'S. M.' (initials) or 'Sophie' (first
    name). A display name that starts with a civility ('M. B.') has no first name to give: initials."""
    words = [w for w in display_name.replace("-", " ").split() if w]
    if sharing == EmployerSharing.FIRST_NAME and words and words[0].lower() not in _CIVILITIES:
        return words[0]
    if sharing in (EmployerSharing.FIRST_NAME, EmployerSharing.INITIALS):
        letters = [w[0].upper() for w in words if w.lower() not in _CIVILITIES and w[0].isalpha()]
        return " ".join(f"{letter}." for letter in letters) or None
    return None


_PLACE_AND_TIMES = ("commune", "insee_code", "lat", "lon", "created_at", "updated_at")


def distinct_target_jobs(jobs: list[str]) -> list[str]:
    """Each target job once, whatever its case or accents: « cariste » and « Cariste », « Électricien »
    and « electricien » are one job (the first wording is kept). Two spellings of one job would count
    twice in matching and read as two jobs on every page."""
    seen: set[str] = set()
    kept: list[str] = []
    for job in jobs:
        key = normalise(job) or job
        if key not in seen:
            seen.add(key)
            kept.append(job)
    return kept


def _columns(fields: dict[str, Any]) -> dict[str, Any]:
    """Flatten the API shape (JSON mode) into the file's columns, each target job and métier once."""
    location = fields.pop("location", None)
    if location is not None:
        fields.update(
            commune=location["commune"],
            lat=location["lat"],
            lon=location["lon"],
            insee_code=location.get("insee_code"),
        )
    for name in ("followup_ended_on", "available_from"):
        if fields.get(name) is not None:
            fields[name] = date.fromisoformat(fields[name])
    if "target_jobs" in fields:
        fields["target_jobs"] = distinct_target_jobs(fields["target_jobs"])
    if "appellation_codes" in fields:
        fields["appellation_codes"] = list(dict.fromkeys(fields["appellation_codes"]))
    return fields
