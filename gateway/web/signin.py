"""What anyone may open: the landing page, sign-in and sign-out, the stylesheet and the script."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from common import french_catalogue as fr
from common.identity import Role
from gateway.session import (
    check_csrf,
    check_login_csrf,
    clear_session,
    login_csrf,
    session_caller,
    session_token,
    set_session,
)
from gateway.web.access import safe_next
from gateway.web.api_client import api
from gateway.web.forms import CsrfBody, LoginBody
from gateway.web.rendering import HOME, render, source

router = APIRouter(include_in_schema=False)

STATIC = {"app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8"}


@router.get("/static/{name}")
def static(name: str) -> Response:
    if name not in STATIC:
        return Response(status_code=404)
    return Response(source(name), media_type=STATIC[name], headers={"cache-control": "public, max-age=300"})


@router.get("/", response_class=HTMLResponse)
def landing(request: Request) -> Response:
    caller = session_caller(request)
    if caller is not None and caller.role in HOME:
        return RedirectResponse(HOME[caller.role], status_code=303)
    return render(request, "landing.html")


@router.get("/connexion", response_class=HTMLResponse)
def login_page(request: Request, suite: str | None = None) -> Response:
    response = HTMLResponse("")
    token = login_csrf(request, response)
    page = render(request, "login.html", login_csrf=token, suite=safe_next(suite) or "", errors={})
    page.raw_headers.extend(h for h in response.raw_headers if h[0] == b"set-cookie")
    return page


@router.post("/connexion", response_class=HTMLResponse)
async def login(request: Request, form: LoginBody) -> Response:
    check_login_csrf(request, form.csrf)
    async with api(request) as client:
        answer = await client.post(
            "/api/v1/auth/token", data={"username": form.username, "password": form.password}
        )
    if answer.status_code != 200:
        return render(
            request,
            "login.html",
            401,
            login_csrf=form.csrf,
            suite=safe_next(form.suite) or "",
            username=form.username,
            errors={"_form": fr.SIGN_IN_REFUSED},
        )
    body = answer.json()
    role = Role(body["role"])
    target = safe_next(form.suite) or HOME.get(role, "/")
    response = RedirectResponse(target, status_code=303)
    set_session(response, request, body["access_token"], int(body["expires_in"]))
    return response


@router.post("/deconnexion")
async def logout(request: Request, form: CsrfBody) -> Response:
    if session_token(request):
        check_csrf(request, form.csrf)
        async with api(request) as client:  # the session's token is refused from now on
            await client.post("/api/v1/auth/logout")
    response = RedirectResponse("/connexion", status_code=303)
    clear_session(response)
    return response
