"""The administration of accounts: the list (with employers' requests waiting), a new account, and one
account's page (name, role, structure; activate or deactivate; a new password). Every change goes through
/api/v1/admin/users, which ends the account's open sessions when its role changes or it is deactivated."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from common import french_catalogue as fr
from common.http import EntityId
from contracts.accounts import AccountRole
from gateway.session import check_csrf
from gateway.web.access import AdminCaller, failure_page
from gateway.web.admin_forms import AccountBody, AccountStateBody, PasswordBody
from gateway.web.api_client import ApiFailure, api, ok
from gateway.web.rendering import render

router = APIRouter(include_in_schema=False)

ROLES = [role.value for role in AccountRole]
ACCESS_REFUSALS = (401, 403, 404)


def _account_url(username: str, notice: str | None = None) -> str:
    url = f"/admin/comptes/{quote(username)}"
    return f"{url}?ok={notice}" if notice else url


async def fetch_accounts(request: Request, **filters: str) -> list[dict[str, Any]]:
    """The accounts, through the API (an ApiFailure when it refuses)."""
    async with api(request) as client:
        accounts: list[dict[str, Any]] = ok(await client.get("/api/v1/admin/users", params=filters))
    return accounts


@router.get("/admin/comptes", response_class=HTMLResponse)
async def accounts_page(request: Request, caller: AdminCaller) -> Response:
    return await _accounts(request, caller, values={}, errors={})


async def _accounts(
    request: Request, caller: Any, values: dict[str, Any], errors: dict[str, str], status: int = 200
) -> Response:
    try:
        accounts = await fetch_accounts(request)
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    pending = [a for a in accounts if a["pending"]]
    return render(
        request,
        "admin_accounts.html",
        status,
        caller,
        accounts=accounts,
        pending=pending,
        roles=ROLES,
        values=values,
        errors=errors,
    )


@router.post("/admin/comptes", response_class=HTMLResponse)
async def create_account(request: Request, caller: AdminCaller, form: AccountBody) -> Response:
    check_csrf(request, form.csrf)
    async with api(request) as client:
        answer = await client.post("/api/v1/admin/users", json=form.creation())
    if answer.status_code == 201:
        return RedirectResponse(_account_url(form.username.strip(), "compte-cree"), status_code=303)
    failure = ApiFailure(answer)
    if failure.status_code in ACCESS_REFUSALS:
        return failure_page(request, caller, failure)
    return await _accounts(request, caller, form.values(), failure.field_errors(), 422)


@router.get("/admin/comptes/{username}", response_class=HTMLResponse)
async def account_page(request: Request, caller: AdminCaller, username: EntityId) -> Response:
    return await _account(request, caller, username, errors={})


async def _account(
    request: Request, caller: Any, username: str, errors: dict[str, str], status: int = 200
) -> Response:
    try:
        accounts = await fetch_accounts(request)
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    account = next((a for a in accounts if a["username"] == username), None)
    if account is None:
        title, message = fr.ERROR_PAGE_TITLES[404], fr.error_message("account.not_found")
        return render(request, "error.html", 404, caller, title=title, message=message)
    return render(request, "admin_account.html", status, caller, account=account, roles=ROLES, errors=errors)


@router.post("/admin/comptes/{username}", response_class=HTMLResponse)
async def update_account(
    request: Request, caller: AdminCaller, username: EntityId, form: AccountBody
) -> Response:
    check_csrf(request, form.csrf)
    body = {
        name: value.strip()
        for name, value in form.model_dump(include={"display_name", "role", "structure"}).items()
        if value.strip() or name == "structure"
    }
    return await _patch(request, caller, username, body, "compte-modifie")


@router.post("/admin/comptes/{username}/etat", response_class=HTMLResponse)
async def set_state(
    request: Request, caller: AdminCaller, username: EntityId, form: AccountStateBody
) -> Response:
    check_csrf(request, form.csrf)
    active = form.active == "true"
    return await _patch(
        request, caller, username, {"active": active}, "compte-active" if active else "compte-desactive"
    )


async def _patch(request: Request, caller: Any, username: str, body: dict[str, Any], notice: str) -> Response:
    async with api(request) as client:
        answer = await client.patch(f"/api/v1/admin/users/{quote(username)}", json=body)
    if answer.status_code == 200:
        return RedirectResponse(_account_url(username, notice), status_code=303)
    return await _refused(request, caller, username, ApiFailure(answer))


async def _refused(request: Request, caller: Any, username: str, failure: ApiFailure) -> Response:
    """A refused change: the account's page again with the errors, or the error page (no such account)."""
    if failure.status_code in ACCESS_REFUSALS:
        return failure_page(request, caller, failure)
    return await _account(request, caller, username, failure.field_errors(), 422)


@router.post("/admin/comptes/{username}/mot-de-passe", response_class=HTMLResponse)
async def reset_password(
    request: Request, caller: AdminCaller, username: EntityId, form: PasswordBody
) -> Response:
    check_csrf(request, form.csrf)
    async with api(request) as client:
        answer = await client.post(
            f"/api/v1/admin/users/{quote(username)}/password", json={"password": form.password}
        )
    if answer.status_code == 204:
        return RedirectResponse(_account_url(username, "mot-de-passe"), status_code=303)
    return await _refused(request, caller, username, ApiFailure(answer))
