"""Access tokens: OAuth2 password flow, HS256 JWTs with issuer, audience and expiry, checked strictly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from common.clock import utcnow
from common.errors import Forbidden, Unauthorized
from common.identity import Caller, Role

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)

ALGORITHM = "HS256"


@dataclass(frozen=True)
class TokenIssuer:
    secret: str
    issuer: str
    audience: str
    ttl: timedelta

    def issue(self, username: str, role: Role) -> str:
        now = utcnow()
        claims = {
            "sub": username,
            "role": role.value,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": int(now.timestamp()),
            "exp": int((now + self.ttl).timestamp()),
        }
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> Caller:
        try:
            # `algorithms` pinned: a token claiming alg=none or another algorithm is refused.
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            )
            return Caller(subject=str(claims["sub"]), role=Role(claims["role"]))
        except (jwt.PyJWTError, KeyError, ValueError) as exc:
            raise Unauthorized("The access token is invalid or expired.") from exc


async def current_caller(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Caller:
    if not token:
        raise Unauthorized()
    issuer: TokenIssuer = request.app.state.tokens
    caller = issuer.verify(token)
    if caller.role == Role.SYSTEM:
        raise Unauthorized("System identities cannot use the public API.")
    return caller


CallerDep = Annotated[Caller, Depends(current_caller)]


def require(caller: Caller, *roles: Role) -> None:
    if caller.role not in roles:
        raise Forbidden(f"This is for: {', '.join(r.value for r in roles)}.")
