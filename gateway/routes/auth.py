from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from common.errors import Unauthorized
from common.identity import Role
from gateway.auth import CallerDep, TokenIssuer
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
    client = request.client.host if request.client else "unknown"
    limits.login_per_ip.hit(client, "sign-in attempts")
    limits.login_per_user.hit(f"{form.username}|{client}", "sign-in attempts")
    user = users.authenticate(form.username, form.password)
    if user is None:
        raise Unauthorized("Wrong username or password.")
    role = Role(user.role)
    return Token(
        access_token=tokens.issue(user.username, role), expires_in=int(tokens.ttl.total_seconds()), role=role
    )


@router.get("/me")
def me(request: Request, caller: CallerDep) -> dict[str, Any]:
    users: UserStore = request.app.state.users
    user = users.get(caller.subject)
    return {
        "username": caller.subject,
        "role": caller.role,
        "display_name": user.display_name if user else None,
    }
