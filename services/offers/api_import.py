"""Bulk import endpoint of the offers service: the file's text in, every row validated, one transaction."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from common.errors import Forbidden, ValidationFailed
from common.http import CallerDep
from common.identity import Caller, Role
from services.offers.importing import ImportFormat, errors_of, parse
from services.offers.service import OffersService


def get_service(request: Request) -> OffersService:
    service: OffersService = request.app.state.offers
    return service


ServiceDep = Annotated[OffersService, Depends(get_service)]

router = APIRouter(prefix="/offers", tags=["offers"])


class ImportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content: str = Field(description="The file's text (UTF-8).")
    format: ImportFormat = ImportFormat.CSV
    partial: bool = Field(default=False, description="Import the good rows even if some are bad.")
    employer: str | None = Field(default=None, max_length=64, description="Admins: the owning account.")


class ImportRowError(BaseModel):
    line: int
    field: str
    message: str


class ImportReport(BaseModel):
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    errors: list[ImportRowError]


def run_import(
    service: OffersService, caller: Caller, text: str, fmt: ImportFormat, partial: bool
) -> ImportReport:
    """Validate everything first; write nothing when a row is bad, unless `partial` (then the good rows)."""
    if not text.strip():
        raise ValidationFailed([{"line": 1, "field": "fichier", "message": "le fichier est vide"}])
    rows = parse(text, fmt)
    errors = errors_of(rows)
    if errors and not partial:
        raise ValidationFailed([e.as_dict() for e in errors])
    good = [row.offer for row in rows if row.offer is not None]
    result = service.create_many(caller, good) if good else None
    return ImportReport(
        rows=len(rows),
        created=result.created if result else 0,
        updated=result.updated if result else 0,
        unchanged=result.unchanged if result else 0,
        rejected=len(rows) - len(good),
        errors=[ImportRowError(**e.as_dict()) for e in errors],
    )


@router.post("/import", response_model=ImportReport)
async def import_offers(body: ImportRequest, caller: CallerDep, service: ServiceDep) -> ImportReport:
    """Admins may import on behalf of an employer account; employers import their own offers."""
    if caller.role not in (Role.ADMIN, Role.EMPLOYER, Role.SYSTEM):
        raise Forbidden("Imports are for employers and admins.")
    owner = caller
    if body.employer:
        if not caller.is_admin:
            raise Forbidden("Only admins import on behalf of another account.")
        owner = Caller(body.employer, Role.EMPLOYER)
    # Parsing and the one-transaction write are synchronous work: keep them off the event loop.
    return await run_in_threadpool(run_import, service, owner, body.content, body.format, body.partial)
