"""Bulk import endpoint of the offers service: the file's text in, every row validated, one transaction."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from common.errors import Forbidden, ValidationFailed
from common.http import CallerDep
from common.identity import Caller, Role
from contracts.offer_import import ImportFormat, ImportReport, ImportRequest, ImportRowError, ReasonCount
from services.offers.importing import errors_of, parse, summary_by_reason, warnings_of
from services.offers.service import OffersService


def get_service(request: Request) -> OffersService:
    service: OffersService = request.app.state.offers
    return service


ServiceDep = Annotated[OffersService, Depends(get_service)]

router = APIRouter(prefix="/offers", tags=["offers"])


MAX_WARNINGS = 500


def run_import(
    service: OffersService, caller: Caller, text: str, fmt: ImportFormat, partial: bool, dry_run: bool = False
) -> ImportReport:
    """Validate everything first; write nothing when a row is bad, unless `partial` (then the good rows)."""
    if not text.strip():
        empty = {"record": 0, "line": 1, "source_id": "", "reason": "fichier vide"}
        raise ValidationFailed([{**empty, "field": "fichier", "message": "le fichier est vide"}])
    rows = parse(text, fmt)
    errors = errors_of(rows)
    if errors and not partial and not dry_run:
        raise ValidationFailed([e.as_dict() for e in errors])
    good = [row.offer for row in rows if row.offer is not None]
    result = service.create_many(caller, good) if good and not dry_run else None
    return ImportReport(
        dry_run=dry_run,
        warnings=[ImportRowError(**w.as_dict()) for w in warnings_of(rows)[:MAX_WARNINGS]],
        summary=[ReasonCount(reason=r, records=n) for r, n in summary_by_reason(errors)],
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
    return await run_in_threadpool(
        run_import, service, owner, body.content, body.format, body.partial, body.dry_run
    )
