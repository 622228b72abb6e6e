"""The follow-up of a structure's référents (coordinators: their own structure; admins: any), in counts.

The gateway knows who works where (its accounts), the profiles service how many people each référent
follows, matching what came of their proposals. Every number of people from 1 to the disclosure
threshold - 1 is hidden here, before it leaves; no id or name of a person is ever asked for."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request

from common.errors import ValidationFailed
from common.identity import Role
from common.territory import territory_today
from contracts.caseloads import CaseloadSizes
from contracts.coordination import (
    DEFAULT_FOLLOWUP_MONTHS,
    DISCLOSURE_THRESHOLD,
    OutcomesByReferent,
    ReferentFollowUp,
    StructureFollowUp,
    period_start,
)
from gateway.auth import CallerDep, require
from gateway.upstream import Upstream
from gateway.users import UserStore

router = APIRouter(prefix="/api/v1/coordination", tags=["coordination"])


def _structure_of(request: Request, username: str) -> str:
    users: UserStore = request.app.state.users
    account = users.get(username)
    return account.structure if account else ""


@router.get("/followup", response_model=StructureFollowUp)
async def followup(
    request: Request,
    caller: CallerDep,
    structure: Annotated[str | None, Query(max_length=120, description="Admins: which structure.")] = None,
    months: Annotated[
        int, Query(ge=0, le=120, description="The proposals of the last N months; 0: since the beginning.")
    ] = DEFAULT_FOLLOWUP_MONTHS,
) -> StructureFollowUp:
    """Caseload sizes (hidden below the threshold), and the proposals made over the period with what came
    of them and the median time to an outcome, for each référent of the structure."""
    require(caller, Role.COORDINATOR, Role.ADMIN)
    if caller.role == Role.COORDINATOR:
        structure = _structure_of(request, caller.subject)  # a coordinator sees their own structure only
    if not structure:
        raise ValidationFailed(
            [{"field": "structure", "message": "Name a structure."}], code="coordination.no_structure"
        )
    users: UserStore = request.app.state.users
    referents = users.list_accounts(Role.REFERENT.value, structure)
    since = period_start(territory_today(), months)
    answer = partial(StructureFollowUp, structure=structure, threshold=DISCLOSURE_THRESHOLD, months=months)
    if not referents:
        return answer(since=since, referents=[])
    names = {"referents": ",".join(r.username for r in referents)}
    period = {**names, "since": since.isoformat() if since else None}
    services: dict[str, Upstream] = request.app.state.upstreams
    sizes_answer, outcomes_answer = await asyncio.gather(
        services["profiles"].call("GET", "/profiles/caseload-sizes", caller, request, params=names),
        services["matching"].call("GET", "/followup", caller, request, params=period),
    )
    sizes = CaseloadSizes.model_validate(sizes_answer.json()).sizes
    outcomes = {o.referent: o for o in OutcomesByReferent.model_validate(outcomes_answer.json()).items}
    rows = []
    for account in referents:
        size = sizes.get(account.username, 0)
        hidden = 0 < size < DISCLOSURE_THRESHOLD
        counts = outcomes[account.username]
        rows.append(
            ReferentFollowUp(
                referent=account.username,
                referent_name=account.display_name,
                caseload=None if hidden else size,
                caseload_suppressed=hidden,
                proposals=counts.proposals,
                answered=counts.answered,
                accepted=counts.accepted,
                median_days_to_outcome=counts.median_days_to_outcome,
            )
        )
    return answer(since=since, referents=rows)
