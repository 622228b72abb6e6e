"""The administrator's page of territory groups (/admin/territoires): the named groups of EPCI and
communes the demand dashboard filters and compares (the Montargois, the Giennois, the Pithiverais…)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from gateway.session import check_csrf
from gateway.web.access import AdminCaller, failure_page
from gateway.web.api_client import ApiFailure, api, ok
from gateway.web.rendering import render

router = APIRouter(include_in_schema=False)

KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class GroupForm(BaseModel):
    key: str = Field(default="", max_length=40)
    name: str = Field(default="", max_length=80)
    epcis: list[str] = Field(default_factory=list, max_length=200)
    communes: str = Field(default="", max_length=20000)
    csrf: str = ""


GroupBody = Annotated[GroupForm, Form()]


async def _page(
    request: Request, caller: AdminCaller, status: int = 200, errors: list[str] | None = None
) -> Response:
    try:
        async with api(request) as client:
            groups = ok(await client.get("/api/v1/analytics/territory-groups"))
            areas = ok(await client.get("/api/v1/analytics/areas"))
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    epcis = [(a["key"].removeprefix("epci:"), a["label"]) for a in areas if a["key"].startswith("epci:")]
    names = dict(epcis)
    return render(
        request,
        "territory_groups.html",
        status,
        caller,
        groups=groups,
        epcis=epcis,
        names=names,
        errors=errors or [],
    )


@router.get("/admin/territoires", response_class=HTMLResponse)
async def territory_groups(request: Request, caller: AdminCaller) -> Response:
    return await _page(request, caller)


@router.post("/admin/territoires", response_class=HTMLResponse)
async def save_territory_group(request: Request, caller: AdminCaller, form: GroupBody) -> Response:
    check_csrf(request, form.csrf)
    key = form.key.strip().lower()
    if not KEY.match(key):
        return await _page(
            request, caller, 422, ["La clé d'un groupe : 1 à 40 lettres minuscules, chiffres ou tirets."]
        )
    body = {
        "name": form.name,
        "epcis": form.epcis,
        "communes": [c for c in re.split(r"[\s,;]+", form.communes) if c],
    }
    async with api(request) as client:
        answer = await client.put(f"/api/v1/analytics/territory-groups/{key}", json=body)
    if answer.status_code != 200:
        failure = ApiFailure(answer)
        return await _page(
            request, caller, failure.status_code, [failure.message("Le groupe n'a pas été enregistré.")]
        )
    return RedirectResponse("/admin/territoires?ok=territoire", status_code=303)


@router.post("/admin/territoires/{key}/supprimer", response_class=HTMLResponse)
async def delete_territory_group(
    request: Request, caller: AdminCaller, key: str, form: GroupBody
) -> Response:
    check_csrf(request, form.csrf)
    if not KEY.match(key):
        return await _page(request, caller, 404, ["Ce groupe de territoires est introuvable."])
    async with api(request) as client:
        answer = await client.delete(f"/api/v1/analytics/territory-groups/{key}")
    if answer.status_code != 204:
        failure = ApiFailure(answer)
        return await _page(
            request, caller, failure.status_code, [failure.message("Le groupe n'a pas été supprimé.")]
        )
    return RedirectResponse("/admin/territoires?ok=territoire-supprime", status_code=303)
