from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from common.errors import Unauthorized
from common.identity import Role
from gateway.auth import CallerDep, TokenIssuer, admitted_session, oauth2_scheme
from gateway.client_address import request_client
from gateway.ratelimit import RateLimits
from gateway.users import UserStore

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    role: Role


@router.post("/token", response_model=Token)
def login(request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    users: UserStore = request.app.state.users
    tokens: TokenIssuer = request.app.state.tokens
    limits: RateLimits = request.app.state.rate_limits
    # Per real client address (X-Forwarded-For only from a trusted proxy) and per account whatever the
    # address, with a lockout that grows with repeated failures of that account alone.
    limits.login_per_ip.hit(request_client(request), "sign-in attempts")
    limits.login_lockout.check(form.username)
    limits.login_per_user.hit(form.username, "sign-in attempts")
    user = users.authenticate(form.username, form.password)
    if user is None:
        limits.login_lockout.failed(form.username)
        raise Unauthorized("Wrong username or password.")
    limits.login_lockout.succeeded(form.username)
    role = Role(user.role)
    token = tokens.issue(user.username, role, user.token_epoch)
    return Token(access_token=token, expires_in=int(tokens.ttl.total_seconds()), role=role)


@router.post("/logout", status_code=204, response_class=Response)
def logout(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Response:
    """End this token's session: it is refused from now on (the account's other sessions go on)."""
    if not token:
        raise Unauthorized()
    users: UserStore = request.app.state.users
    users.end_session(admitted_session(request, token))
    return Response(status_code=204)


@router.get("/me")
def me(
    request: Request, caller: CallerDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> dict[str, Any]:
    users: UserStore = request.app.state.users
    username = admitted_session(request, token or "").caller.subject  # the account, not its company
    user = users.get(username)
    return {
        "username": username,
        "role": caller.role,
        "display_name": user.display_name if user else None,
        "acts_as": caller.subject,
    }
