"""Bulk import of offers through the gateway: a multipart upload (admins), relayed to the offers service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from common.errors import BadRequest
from common.identity import Role
from contracts.offer_import import ImportFormat, ImportReport, detect_format
from gateway.auth import CallerDep, require
from gateway.upstream import Upstream

router = APIRouter(prefix="/api/v1/offers", tags=["offers"])


async def read_upload(file: UploadFile) -> str:
    try:
        return (await file.read()).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest("The file is not UTF-8 text.") from exc


@router.post("/import", response_model=ImportReport)
async def import_offers(
    request: Request,
    caller: CallerDep,
    file: Annotated[UploadFile, File(description="CSV, or France Travail Offres d'emploi v2 JSON")],
    format: Annotated[ImportFormat | None, Form()] = None,
    partial: Annotated[bool, Form()] = False,
    dry_run: Annotated[bool, Form()] = False,
    employer: Annotated[str | None, Form(max_length=64)] = None,
) -> Response:
    """Every record is validated first; with a bad record nothing is written (422, errors by record
    number and offer id) unless `partial`; `dry_run` checks and writes nothing. Re-importing the same
    file changes nothing (idempotent by source id)."""
    require(caller, Role.ADMIN)
    text = await read_upload(file)
    fmt = format or detect_format(file.filename or "", text[:200])
    body = {
        "content": text,
        "format": fmt.value,
        "partial": partial,
        "dry_run": dry_run,
        "employer": employer or None,
    }
    services: dict[str, Upstream] = request.app.state.upstreams
    return await services["offers"].relay("POST", "/offers/import", caller, request, json_body=body)
