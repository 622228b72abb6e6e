"""Who may see and change a person's file — Carnet de bord's rule — and how far a person can go.

A professional sees a person's file only while they follow that person (here: the référent whose caseload
holds it). Employers and analysts never see a file. Admins may, for support, and every such read is
audited like any other.
"""

from __future__ import annotations

from common.errors import Forbidden, NotFound
from common.identity import Caller, Role


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
