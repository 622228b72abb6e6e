"""The administration of accounts (admins), an employer's request for an account (anyone), and caseload
handovers (admins: the gateway checks that the receiving account is an active référent, the profiles
service moves the people, keeps their history of référents and audits each move)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from common.errors import Conflict, NotFound, ValidationFailed
from common.http import EntityId
from common.identity import Role
from contracts.accounts import (
    AccountCreate,
    AccountPublic,
    AccountRole,
    AccountUpdate,
    EmployerAccountRequest,
    EmployerRequestReceived,
    PasswordReset,
)
from contracts.caseloads import Handover, HandoverResult, ReferentHistory
from gateway.account_rules import AccountChange, check_siret, siren_of
from gateway.auth import CallerDep, require
from gateway.client_address import request_client
from gateway.ratelimit import RateLimits
from gateway.upstream import Upstream
from gateway.users import UserRow, UserStore

router = APIRouter(prefix="/api/v1", tags=["admin"])

UsernamePath = Annotated[str, EntityId]


def _users(request: Request) -> UserStore:
    users: UserStore = request.app.state.users
    return users


def public(user: UserRow) -> AccountPublic:
    return AccountPublic(
        username=user.username,
        display_name=user.display_name,
        role=AccountRole(user.role),
        structure=user.structure,
        active=user.active,
        pending=user.pending,
        siret=user.siret,
        siren=siren_of(user.siret),
        created_at=user.created_at,
    )


def _new_account(users: UserStore, body: AccountCreate | EmployerAccountRequest, row: UserRow) -> UserRow:
    if users.exists(body.username):
        raise Conflict(f"The username {body.username} is taken.", code="account.exists")
    return users.create(row, body.password)


@router.get("/admin/users", response_model=list[AccountPublic])
def list_accounts(
    request: Request,
    caller: CallerDep,
    role: AccountRole | None = None,
    structure: Annotated[str | None, Query(max_length=120)] = None,
    pending: bool | None = None,
) -> list[AccountPublic]:
    require(caller, Role.ADMIN)
    found = _users(request).list_accounts(role.value if role else None, structure)
    return [public(u) for u in found if pending is None or u.pending == pending]


@router.post("/admin/users", status_code=201, response_model=AccountPublic)
def create_account(body: AccountCreate, request: Request, caller: CallerDep) -> AccountPublic:
    require(caller, Role.ADMIN)
    siret = check_siret(body.siret) if body.siret else None
    row = UserRow(
        username=body.username,
        password_hash="",
        role=body.role.value,
        display_name=body.display_name,
        structure=body.structure,
        siret=siret,
    )
    return public(_new_account(_users(request), body, row))


@router.patch("/admin/users/{username}", response_model=AccountPublic)
def update_account(
    username: UsernamePath, body: AccountUpdate, request: Request, caller: CallerDep
) -> AccountPublic:
    """A new role or a deactivation ends the account's open sessions at once; activating an employer's
    request validates it."""
    require(caller, Role.ADMIN)
    change = AccountChange(
        display_name=body.display_name,
        role=body.role.value if body.role else None,
        structure=body.structure,
        active=body.active,
    )
    change.check_allowed_on_self(caller.subject, username)

    def apply(user: UserRow) -> bool:
        ends = change.ends_sessions(user.role, user.active)
        for name in ("display_name", "role", "structure", "active"):
            value = getattr(change, name)
            if value is not None:
                setattr(user, name, value)
        if change.active:
            user.pending = False
        return ends

    try:
        return public(_users(request).update(username, apply))
    except KeyError as exc:
        raise NotFound(f"No account {username}.", code="account.not_found") from exc


@router.post("/admin/users/{username}/password", status_code=204, response_class=Response)
def reset_password(
    username: UsernamePath, body: PasswordReset, request: Request, caller: CallerDep
) -> Response:
    """A new password, told to its holder out of band; the account's open sessions end."""
    require(caller, Role.ADMIN)
    try:
        _users(request).change_password(username, body.password)
    except KeyError as exc:
        raise NotFound(f"No account {username}.", code="account.not_found") from exc
    return Response(status_code=204)


@router.post(
    "/accounts/employer-requests", status_code=202, response_model=EmployerRequestReceived, tags=["auth"]
)
def request_employer_account(body: EmployerAccountRequest, request: Request) -> EmployerRequestReceived:
    """Anyone may ask: the account waits, inactive, until an administrator validates it. Counted against
    the sign-in limit of the client's address, so requests cannot be sprayed."""
    limits: RateLimits = request.app.state.rate_limits
    limits.login_per_ip.hit(request_client(request), "account requests")
    row = UserRow(
        username=body.username,
        password_hash="",
        role=Role.EMPLOYER.value,
        display_name=body.display_name,
        siret=check_siret(body.siret),
        active=False,
        pending=True,
    )
    created = _new_account(_users(request), body, row)
    return EmployerRequestReceived(username=created.username, siren=body.siret[:9], pending=True)


@router.post("/admin/caseloads/handover", response_model=HandoverResult)
async def hand_over(body: Handover, request: Request, caller: CallerDep) -> Response:
    """Move people, or a whole caseload, to another référent: history kept, every move audited."""
    require(caller, Role.ADMIN)
    target = _users(request).get(body.to_referent)
    if target is None or target.role != Role.REFERENT.value or not target.active:
        raise ValidationFailed(
            [{"field": "to_referent", "message": "Not an active référent account."}],
            code="account.not_referent",
        )
    services: dict[str, Upstream] = request.app.state.upstreams
    return await services["profiles"].relay(
        "POST", "/profiles/handover", caller, request, json_body=body.model_dump(mode="json")
    )


@router.get("/profiles/{profile_id}/referents", response_model=ReferentHistory, tags=["profiles"])
async def referent_history(profile_id: EntityId, request: Request, caller: CallerDep) -> Response:
    """Who followed the person before whom (the person's référent and admins; the read is audited)."""
    require(caller, Role.REFERENT, Role.ADMIN)
    services: dict[str, Upstream] = request.app.state.upstreams
    return await services["profiles"].relay("GET", f"/profiles/{profile_id}/referents", caller, request)
