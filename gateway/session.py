"""Browser sessions: the access token in an HttpOnly, SameSite=Strict cookie, and CSRF tokens.

Pages never hold the JWT in JavaScript. The session cookie carries the same token the API issues; the
gateway's pages forward it, as a bearer token, to the same public API that partners use (so every role,
ownership and caseload rule applies unchanged). State-changing forms carry a CSRF token derived from the
session token with HMAC (synchroniser token without server state); the sign-in form, which has no session
yet, uses a double-submit cookie. SameSite=Strict on both cookies is the second line of defence.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from common.errors import Forbidden, Unauthorized
from common.identity import Caller
from gateway.auth import TokenIssuer, admitted_caller, oauth2_scheme

SESSION_COOKIE = "maillage_session"
LOGIN_CSRF_COOKIE = "maillage_login_csrf"


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def session_caller(request: Request) -> Caller | None:
    """The caller of a valid session cookie, or None (expired, forged, absent, signed out, revoked)."""
    token = session_token(request)
    if not token:
        return None
    try:
        return admitted_caller(request, token)
    except Unauthorized:
        return None


async def bearer_or_session(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Caller:
    """For read-only helper endpoints the pages fetch (autocomplete): a bearer token or the session cookie.
    Only GET endpoints use this; state changes need the bearer token or a CSRF-checked form."""
    if token:
        return admitted_caller(request, token)
    caller_from_cookie = session_caller(request)
    if caller_from_cookie is None:
        raise Unauthorized()
    return caller_from_cookie


BearerOrSessionDep = Annotated[Caller, Depends(bearer_or_session)]


def _secure(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "")
    return request.url.scheme == "https" or forwarded == "https"


def set_session(response: Response, request: Request, token: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/",
    )


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")


def csrf_for(request: Request, token: str) -> str:
    issuer: TokenIssuer = request.app.state.tokens
    return hmac.new(issuer.secret.encode(), b"csrf:" + token.encode(), hashlib.sha256).hexdigest()


def check_csrf(request: Request, submitted: str | None) -> None:
    token = session_token(request)
    if not token or not submitted or not hmac.compare_digest(csrf_for(request, token), submitted):
        raise Forbidden(
            "Le jeton de sécurité du formulaire est absent ou périmé ; rechargez la page.",
            code="form.expired",
        )


def login_csrf(request: Request, response: Response) -> str:
    value = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        value,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/",
    )
    return value


def check_login_csrf(request: Request, submitted: str | None) -> None:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise Forbidden(
            "Le jeton de sécurité du formulaire est absent ou périmé ; rechargez la page.",
            code="form.expired",
        )
