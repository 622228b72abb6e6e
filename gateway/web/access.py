"""Who may open a page, and what a visitor sees when the page or the API turns them away."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response

from common import french_catalogue as fr
from common.identity import Caller, Role
from gateway.session import session_caller
from gateway.web.api_client import ApiFailure
from gateway.web.rendering import render


class PageAccessRefused(Exception):
    """A page turned its visitor away: nobody signed in, or a role the page is not for.

    Raised by the page_caller dependency, before the handler runs; access_refused_page answers it (the app
    registers it as the exception handler), so handlers only ever see an allowed caller.
    """

    def __init__(self, caller: Caller | None, allowed: tuple[Role, ...]) -> None:
        self.caller = caller
        self.allowed = allowed
        super().__init__("not signed in" if caller is None else f"{caller.role.value} may not open this page")


def page_caller(*roles: Role) -> Callable[[Request], Awaitable[Caller]]:
    """A dependency: the session's caller, if their role is one of `roles`; anyone else is refused.

    FastAPI solves dependencies before it validates the route's own fields, so a visitor who may not open
    the page is turned away even when the form they sent is malformed.
    """

    async def allowed_caller(request: Request) -> Caller:  # async: no thread-pool hop for a cookie read
        caller = session_caller(request)
        if caller is None or caller.role not in roles:
            raise PageAccessRefused(caller, roles)
        return caller

    return allowed_caller


# One alias per audience, so each page handler's signature says who may open it.
EmployerCaller = Annotated[Caller, Depends(page_caller(Role.EMPLOYER))]
ReferentCaller = Annotated[Caller, Depends(page_caller(Role.REFERENT))]
DashboardCaller = Annotated[Caller, Depends(page_caller(Role.ANALYST, Role.ADMIN))]
AdminCaller = Annotated[Caller, Depends(page_caller(Role.ADMIN))]
CoordinatorCaller = Annotated[Caller, Depends(page_caller(Role.COORDINATOR))]


def access_refused_page(request: Request, refusal: PageAccessRefused) -> Response:
    """Anonymous visitors go to sign-in, which brings them back here; a wrong role gets a 403 page."""
    if refusal.caller is None:
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        return RedirectResponse(f"/connexion?suite={quote(target)}", status_code=303)
    allowed = ", ".join(fr.ROLE_LABELS[r] for r in refusal.allowed)
    return render(
        request,
        "error.html",
        403,
        refusal.caller,
        title=fr.ACCESS_REFUSED,
        message=fr.RESERVED_PAGE.format(roles=allowed),
    )


def failure_page(request: Request, caller: Caller, exc: ApiFailure) -> Response:
    """The error page for a refusal of the API: an expired session signs in again."""
    if exc.status_code == 401:
        return RedirectResponse("/connexion", status_code=303)
    known = exc.status_code in fr.ERROR_PAGE_TITLES
    return render(
        request,
        "error.html",
        exc.status_code if known else 400,
        caller,
        title=fr.ERROR_PAGE_TITLES.get(exc.status_code, fr.ERROR_PAGE_TITLE),
        message=exc.message(fr.REQUEST_NOT_DONE),
    )


def safe_next(value: str | None) -> str | None:
    """Where to go after signing in, if it is a path of this site (never another host)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return None
