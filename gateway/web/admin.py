"""The admin's page: a bulk import of offers (CSV or a France Travail JSON file), with its report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from gateway.session import check_csrf
from gateway.web.access import AdminCaller
from gateway.web.api_client import ApiFailure, api
from gateway.web.forms import ImportBody
from gateway.web.rendering import render

router = APIRouter(include_in_schema=False)

IMPORT_FORMATS = ("csv", "ft-json")


@router.get("/admin", response_class=HTMLResponse)
def admin_home(request: Request, caller: AdminCaller) -> Response:
    return render(request, "admin.html", caller=caller, report=None, errors={})


@router.post("/admin/import", response_class=HTMLResponse)
async def admin_import(
    request: Request, caller: AdminCaller, file: Annotated[UploadFile, File()], form: ImportBody
) -> Response:
    check_csrf(request, form.csrf)
    content = await file.read()
    data = {"partial": "true" if form.partial else "false"}
    if form.format in IMPORT_FORMATS:
        data["format"] = form.format
    if form.employer.strip():
        data["employer"] = form.employer.strip()
    files = {"file": (file.filename or "offres.csv", content, file.content_type or "text/plain")}
    async with api(request) as client:
        answer = await client.post("/api/v1/offers/import", data=data, files=files)
    if answer.status_code == 200:
        return render(request, "admin.html", caller=caller, report=answer.json(), errors={}, rejected=[])
    failure = ApiFailure(answer)
    by_line = isinstance(failure.detail, list) and all(
        isinstance(item, dict) and "line" in item for item in failure.detail
    )
    if failure.status_code == 422 and by_line:
        return render(request, "admin.html", 422, caller, report=None, errors={}, rejected=failure.detail)
    return render(
        request, "admin.html", failure.status_code, caller, report=None, errors=failure.field_errors()
    )
