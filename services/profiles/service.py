"""Profiles use cases. Each change commits with its outbox event (an id and a version, nothing personal)
and its audit entry, in one unit of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from common.clock import as_utc, utcnow
from common.errors import Forbidden, NotFound, ValidationFailed
from common.identity import Caller, Role
from common.schemas import Page
from contracts.audit import AuditLine, AuditSearch
from contracts.caseloads import CaseloadSizes, Handover, HandoverResult, ReferentChange
from contracts.follow_up import CaseloadEntry, ContactIn, ContactOut
from contracts.profiles import (
    CandidateCard,
    Consultation,
    MatchingView,
    ProfileCreate,
    ProfilePublic,
    ProfileUpdate,
)
from services.profiles.domain import (
    AuditCriteria,
    Profile,
    check_can_count_caseloads,
    check_can_create,
    check_can_hand_over,
    check_can_read,
    check_can_search_audit,
    check_can_write,
)
from services.profiles.follow_up import CaseloadQuery, Contact
from services.profiles.ports import ProfilesUnitOfWork, ProfilesUnitOfWorkFactory

AccessRule = Callable[[Caller, str, str | None], None]


class ProfilesService:
    """`units_of_work`: a new unit of work per call (adapters/sql.py's `sql_units_of_work(engine)`)."""

    def __init__(self, units_of_work: ProfilesUnitOfWorkFactory) -> None:
        self._units_of_work = units_of_work

    def create(self, caller: Caller, data: ProfileCreate, request_id: str | None = None) -> ProfilePublic:
        check_can_create(caller)
        with self._units_of_work() as uow:
            profile = Profile.open(caller.subject, data)
            uow.profiles.save(profile)
            uow.audit.record(caller.subject, caller.role, "create", profile.id, request_id)
            uow.commit()
        return profile.to_public()

    def get(self, caller: Caller, profile_id: str, request_id: str | None = None) -> ProfilePublic:
        with self._units_of_work() as uow:
            profile = uow.profiles.get(profile_id)
            referent = profile.referent_id if profile else None
            _checked(uow, check_can_read, caller, profile_id, referent, "read", request_id)
            assert profile is not None
            uow.audit.record(caller.subject, caller.role, "read", profile_id, request_id)
            uow.commit()
        return profile.to_public()

    def consult(
        self, caller: Caller, profile_id: str, consultation: Consultation, request_id: str | None = None
    ) -> None:
        """Allow (and audit) a read about the person made at another service, or refuse it as a read of
        the file would be refused. Lighter than `get`: the file itself is not loaded."""
        with self._units_of_work() as uow:
            referent = uow.profiles.referent_of(profile_id)
            action = consultation.audit_action
            _checked(uow, check_can_read, caller, profile_id, referent, action, request_id)
            uow.audit.record(caller.subject, caller.role, action, profile_id, request_id)
            uow.commit()

    def update(
        self, caller: Caller, profile_id: str, data: ProfileUpdate, request_id: str | None = None
    ) -> ProfilePublic:
        with self._units_of_work() as uow:
            profile = uow.profiles.get(profile_id, for_update=True)
            referent = profile.referent_id if profile else None
            _checked(uow, check_can_write, caller, profile_id, referent, "update", request_id)
            assert profile is not None
            profile.revise(data, utcnow())
            uow.profiles.save(profile)
            uow.audit.record(caller.subject, caller.role, "update", profile_id, request_id)
            uow.commit()
        return profile.to_public()

    def caseload(
        self, caller: Caller, limit: int, offset: int, query: CaseloadQuery = CaseloadQuery()
    ) -> Page[CaseloadEntry]:
        if caller.role not in (Role.REFERENT, Role.ADMIN):
            check_can_read(caller, "-", None)
        referent = caller.subject if caller.role == Role.REFERENT else None
        with self._units_of_work() as uow:
            profiles, total = uow.profiles.caseload(referent, limit, offset, query)
            last = uow.contacts.last_contacts([p.id for p in profiles])
            for profile in profiles:  # a bulk read is a read of every file it returns
                uow.audit.record(caller.subject, caller.role, "list", profile.id)
            uow.commit()
        items = [
            CaseloadEntry(**p.to_public().model_dump(), last_contact_on=last.get(p.id)) for p in profiles
        ]
        return Page(items=items, total=total, limit=limit, offset=offset)

    def record_contact(
        self, caller: Caller, profile_id: str, data: ContactIn, request_id: str | None = None
    ) -> ContactOut:
        """A contact of the référent with the person, in the person's history (audited as a change)."""
        # The person may live up to UTC+12 (Wallis-et-Futuna): their today is at most UTC's tomorrow.
        latest_day = utcnow().date() + timedelta(days=1)
        with self._units_of_work() as uow:
            referent = uow.profiles.referent_of(profile_id)
            _checked(uow, check_can_write, caller, profile_id, referent, "record contact", request_id)
            contact = Contact.record(profile_id, data, caller.subject, latest_day)
            uow.contacts.add(contact)
            uow.audit.record(caller.subject, caller.role, "record contact", profile_id, request_id)
            uow.commit()
        return _contact_out(contact)

    def contacts(self, caller: Caller, profile_id: str, request_id: str | None = None) -> list[ContactOut]:
        """The contacts with the person, the most recent first; a read of the file, audited as such."""
        with self._units_of_work() as uow:
            referent = uow.profiles.referent_of(profile_id)
            _checked(uow, check_can_read, caller, profile_id, referent, "read contacts", request_id)
            contacts = uow.contacts.for_profile(profile_id)
            uow.audit.record(caller.subject, caller.role, "read contacts", profile_id, request_id)
            uow.commit()
        return [_contact_out(c) for c in contacts]

    def hand_over(self, caller: Caller, handover: Handover, request_id: str | None = None) -> HandoverResult:
        """Move the people named (or the whole caseload of `from_referent`) to `to_referent`, all or none:
        each move is kept in the person's history of référents and written to the audit log."""
        check_can_hand_over(caller)
        with self._units_of_work() as uow:
            wanted = handover.profile_ids or uow.profiles.followed_by(str(handover.from_referent))
            if not wanted:
                raise ValidationFailed(
                    [{"field": "from_referent", "message": "Nobody to move."}], code="handover.nothing"
                )
            for profile_id in dict.fromkeys(wanted):
                profile = uow.profiles.get(profile_id, for_update=True)
                if profile is None or handover.from_referent not in (None, profile.referent_id):
                    raise NotFound(f"No profile {profile_id}.", code="profile.not_found")
                previous = profile.hand_over(handover.to_referent)
                uow.profiles.save(profile)
                uow.referent_history.record(profile_id, previous, handover.to_referent, caller.subject)
                uow.audit.record(caller.subject, caller.role, "handover", profile_id, request_id)
            uow.commit()
        return HandoverResult(moved=list(dict.fromkeys(wanted)), to_referent=handover.to_referent)

    def referent_history(
        self, caller: Caller, profile_id: str, request_id: str | None = None
    ) -> list[ReferentChange]:
        """Who followed the person before whom, oldest first (the person's référent and admins)."""
        with self._units_of_work() as uow:
            referent = uow.profiles.referent_of(profile_id)
            _checked(uow, check_can_read, caller, profile_id, referent, "read history", request_id)
            history = uow.referent_history.for_profile(profile_id)
            uow.audit.record(caller.subject, caller.role, "read history", profile_id, request_id)
            uow.commit()
        return [ReferentChange.model_validate(line) for line in history]

    def search_audit(self, caller: Caller, criteria: AuditCriteria, limit: int) -> AuditSearch:
        """The audit log, newest first (admins). A search about one person's file is itself audited."""
        check_can_search_audit(caller)
        with self._units_of_work() as uow:
            found = uow.audit.search(criteria, limit + 1)
            if criteria.profile_id is not None:
                uow.audit.record(caller.subject, caller.role, "read audit", criteria.profile_id)
                uow.commit()
        lines = [AuditLine.model_validate(line) for line in found[:limit]]
        return AuditSearch(items=lines, truncated=len(found) > limit)

    def caseload_sizes(self, caller: Caller, referent_ids: list[str]) -> CaseloadSizes:
        """Counts only (no file is read, so nothing to audit)."""
        check_can_count_caseloads(caller)
        with self._units_of_work() as uow:
            return CaseloadSizes(sizes=uow.profiles.caseload_sizes(referent_ids))

    def purge_ended(self, cutoff: date, batch: int = 500) -> int:
        """Delete every profile whose follow-up ended before `cutoff`, here and — through the
        profile.deleted event — in matching's projections and outcomes. The audit log keeps its rows
        (ids only, no content) so that past access stays accountable."""
        purged = 0
        while True:
            with self._units_of_work() as uow:
                ended = uow.profiles.ended_before(cutoff, batch)
                for profile in ended:
                    profile.forget()
                    uow.profiles.delete(profile)
                    uow.contacts.delete_for_profile(profile.id)
                    uow.audit.record("system", Role.SYSTEM, "purge", profile.id)
                uow.commit()
            purged += len(ended)
            if len(ended) < batch:
                return purged

    def audit_trail(
        self, caller: Caller, profile_id: str, request_id: str | None = None
    ) -> list[dict[str, object]]:
        """Newest first; this reading is itself written to the trail (after it, so it is not shown)."""
        with self._units_of_work() as uow:
            referent = uow.profiles.referent_of(profile_id)
            _checked(uow, check_can_read, caller, profile_id, referent, "read audit", request_id)
            trail = uow.audit.for_profile(profile_id)
            uow.audit.record(caller.subject, caller.role, "read audit", profile_id, request_id)
            uow.commit()
        return trail

    def matching_view(self, caller: Caller, profile_id: str) -> MatchingView:
        """For the matching service only (system caller): criteria, no identity."""
        with self._units_of_work() as uow:
            return _for_the_system(uow, caller, profile_id).matching_view()

    def candidate_card(self, caller: Caller, profile_id: str) -> CandidateCard | None:
        """For the matching service only (system caller), when a référent proposes an offer: the card the
        person agreed to show the employer, or None when they did not agree. The sharing is audited."""
        with self._units_of_work() as uow:
            card = _for_the_system(uow, caller, profile_id).candidate_card()
            if card is not None:
                uow.audit.record(caller.subject, caller.role, "share card", profile_id)
                uow.commit()
            return card


def _for_the_system(uow: ProfilesUnitOfWork, caller: Caller, profile_id: str) -> Profile:
    """The file, for a read only a sibling service makes (the system caller); anyone else is refused as
    a read of someone else's file would be."""
    if caller.role != Role.SYSTEM:
        check_can_read(caller, profile_id, None)
    profile = uow.profiles.get(profile_id)
    if profile is None:
        raise NotFound(f"No profile {profile_id}.", code="profile.not_found")
    return profile


def _contact_out(contact: Contact) -> ContactOut:
    return ContactOut(
        id=contact.id,
        profile_id=contact.profile_id,
        happened_on=contact.happened_on,
        channel=contact.channel,
        note=contact.note,
        recorded_by=contact.recorded_by,
        recorded_at=as_utc(contact.recorded_at),
    )


def _checked(
    uow: ProfilesUnitOfWork,
    rule: AccessRule,
    caller: Caller,
    profile_id: str,
    referent_id: str | None,
    action: str,
    request_id: str | None,
) -> None:
    """Apply the access rule. A refusal about a file that exists is written to the file's audit trail
    (and committed, since the refusal ends the unit of work) before it reaches the caller."""
    try:
        rule(caller, profile_id, referent_id)
    except (Forbidden, NotFound):
        if referent_id is not None:
            uow.audit.record(caller.subject, caller.role, f"refused {action}", profile_id, request_id)
            uow.commit()
        raise
