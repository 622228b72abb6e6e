"""Access tokens: OAuth2 password flow, HS256 JWTs with issuer, audience and expiry, checked strictly;
each carries a session id and its account's token epoch, checked against the account store on every
call (gateway/users.py, through a cache), so that a token can be revoked."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from common.clock import utcnow
from common.errors import Forbidden, Unauthorized
from common.identity import Caller, Role

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)

if TYPE_CHECKING:
    from gateway.users import UserStore

ALGORITHM = "HS256"


@dataclass(frozen=True)
class SessionClaims:
    """What a well-signed token says: who, in which session, at which epoch of the account, until when."""

    caller: Caller
    session_id: str
    epoch: int
    expires_at: datetime


@dataclass(frozen=True)
class TokenIssuer:
    secret: str
    issuer: str
    audience: str
    ttl: timedelta

    def issue(self, username: str, role: Role, epoch: int = 0) -> str:
        """A token for a new session of the account (`epoch`: the account's current token epoch)."""
        now = utcnow()
        claims = {
            "sub": username,
            "role": role.value,
            "sid": secrets.token_urlsafe(16),
            "ep": epoch,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": int(now.timestamp()),
            "exp": int((now + self.ttl).timestamp()),
        }
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    def claims(self, token: str) -> SessionClaims:
        """The token's claims if its signature, issuer, audience and expiry hold (not whether the
        account still admits it: see `admitted_caller`)."""
        try:
            # `algorithms` pinned: a token claiming alg=none or another algorithm is refused.
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "sub", "aud", "iss", "sid", "ep"]},
            )
            return SessionClaims(
                caller=Caller(subject=str(claims["sub"]), role=Role(claims["role"])),
                session_id=str(claims["sid"]),
                epoch=int(claims["ep"]),
                expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
            )
        except (jwt.PyJWTError, KeyError, ValueError, TypeError) as exc:
            raise Unauthorized("The access token is invalid or expired.") from exc

    def verify(self, token: str) -> Caller:
        return self.claims(token).caller


def admitted_session(request: Request, token: str) -> SessionClaims:
    """The token's session if it is well signed, not a system identity, and still admitted by its
    account (active, same role and epoch, not signed out)."""
    issuer: TokenIssuer = request.app.state.tokens
    session = issuer.claims(token)
    if session.caller.role == Role.SYSTEM:
        raise Unauthorized("System identities cannot use the public API.")
    users: UserStore = request.app.state.users
    if not users.admits(session):
        raise Unauthorized("This session has ended; sign in again.")
    return session


def admitted_caller(request: Request, token: str) -> Caller:
    return admitted_session(request, token).caller


async def current_caller(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Caller:
    """The API's caller, as the services will know them (an employer of a company acts as the company)."""
    if not token:
        raise Unauthorized()
    users: UserStore = request.app.state.users
    return users.acting_caller(admitted_caller(request, token))


CallerDep = Annotated[Caller, Depends(current_caller)]


def require(caller: Caller, *roles: Role) -> None:
    if caller.role not in roles:
        raise Forbidden(f"This is for: {', '.join(r.value for r in roles)}.")
