"""The référent's caseload as a work list: search, filters, sort, counts and pages (a GET form, so a
list can be bookmarked), and « À relancer »: the proposals left without an answer too long.

The profiles API filters and counts the files (each file listed is an audited read); what only matching
knows — who has a proposal waiting, when the last one was made — comes from the référent's own proposals
(ids and dates), turned into ids for the profiles API to filter or rank by.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError

from common import french_catalogue as fr
from common.clock import utcnow
from common.identity import Caller
from common.rome import ROME_DOMAINS
from common.territory import territory_today
from common.vocabulary import Contrainte
from contracts.follow_up import MAX_IDS, CaseloadSort
from gateway.web.access import failure_page
from gateway.web.api_client import ApiFailure, api, ok
from gateway.web.forms import CaseloadFilters
from gateway.web.rendering import render

PAGE_SIZE = 25
# « No contact for 30 days »: the wording, and the référent's usual rhythm of follow-up.
NO_CONTACT_DAYS = 30
# The stale proposals shown under « À relancer » (each needs its offer's title).
STALE_SHOWN = 20
DEFAULT_FOLLOW_UP_DAYS = 10


def follow_up_days(request: Request) -> int:
    """After how many days without an answer a proposal is « à relancer » (MAILLAGE_FOLLOW_UP_DAYS)."""
    return int(getattr(request.app.state, "follow_up_days", DEFAULT_FOLLOW_UP_DAYS))


def api_params(filters: CaseloadFilters, proposals: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The profiles API's query for these filters; None when no file can match (nobody is waiting)."""
    params: dict[str, Any] = {"q": filters.q, "limit": PAGE_SIZE, "offset": (filters.page - 1) * PAGE_SIZE}
    params.update(frein=filters.frein or None, rome_family=filters.famille or None)
    if filters.sans_contact:
        params["no_contact_since"] = (territory_today() - timedelta(days=NO_CONTACT_DAYS)).isoformat()
    if filters.en_attente:
        waiting = [p["profile_id"] for p in proposals if p["awaiting"]]
        if not waiting:
            return None
        params["ids"] = waiting[:MAX_IDS]
    if filters.tri == "last_proposal":
        # Only the files the list may show need a rank; beyond MAX_IDS, the most recent proposals keep it.
        shown = set(params.get("ids", [])) or None
        by_date = sorted(proposals, key=lambda p: str(p["last_proposed_at"]))
        ranked = [p["profile_id"] for p in by_date if shown is None or p["profile_id"] in shown]
        params.update(sort=CaseloadSort.RANKED.value, ranked=ranked[-MAX_IDS:])
    elif filters.tri == "last_contact":
        params["sort"] = CaseloadSort.LAST_CONTACT.value
    return {name: value for name, value in params.items() if value not in (None, "")}


async def stale_proposals(
    client: httpx.AsyncClient, proposals: list[dict[str, Any]], days: int
) -> list[dict[str, Any]]:
    """The proposals waiting for an answer for `days` days or more, the oldest first, with the person's
    name (from the caseload: only the référent's own people) and the offer's title."""
    cutoff = utcnow() - timedelta(days=days)
    stale = [
        {"profile_id": p["profile_id"], **a}
        for p in proposals
        for a in p["awaiting"]
        if datetime.fromisoformat(a["proposed_at"]) <= cutoff
    ]
    stale.sort(key=lambda s: str(s["proposed_at"]))
    stale = stale[:STALE_SHOWN]
    if not stale:
        return []
    ids = sorted({s["profile_id"] for s in stale})
    people = ok(await client.get("/api/v1/profiles", params={"ids": ids, "limit": len(ids)}))["items"]
    names = {p["id"]: p["display_name"] for p in people}
    shown = []
    for item in stale:
        if item["profile_id"] not in names:  # no longer in this caseload
            continue
        offer = await client.get(f"/api/v1/offers/{quote(item['offer_id'])}")
        title = offer.json()["title"] if offer.status_code == 200 else None
        shown.append({**item, "display_name": names[item["profile_id"]], "title": title})
    return shown


def rows(people: list[dict[str, Any]], proposals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The work list's rows: the file, its freins, its latest contact and proposal."""
    by_person = {p["profile_id"]: p for p in proposals}
    listed = []
    for person in people:
        freins = [c["code"] for c in person.get("contraintes", []) if c.get("status") == "OUI"]
        mine = by_person.get(person["id"], {})
        listed.append(
            {
                **person,
                "freins": [fr.CONTRAINTE_LABELS[Contrainte(code)] for code in freins],
                "last_proposed_at": mine.get("last_proposed_at"),
                "awaiting": len(mine.get("awaiting", [])),
            }
        )
    return listed


async def caseload_page(request: Request, caller: Caller) -> Response:
    try:
        filters = CaseloadFilters.model_validate(dict(request.query_params))
    except ValidationError:
        message = "Ce filtre n'est pas reconnu : repartez du portefeuille."
        return render(request, "error.html", 400, caller, title=fr.ERROR_PAGE_TITLE, message=message)
    try:
        async with api(request) as client:
            proposals = ok(await client.get("/api/v1/proposals"))["items"]
            everyone = ok(await client.get("/api/v1/profiles", params={"limit": 0}))["total"]
            params = api_params(filters, proposals)
            found = ok(await client.get("/api/v1/profiles", params=params)) if params else None
            stale = await stale_proposals(client, proposals, follow_up_days(request))
            answers = ok(await client.get("/api/v1/referent/employer-answers"))
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    total = found["total"] if found else 0
    return render(
        request,
        "referent.html",
        caller=caller,
        people=rows(found["items"] if found else [], proposals),
        total=total,
        everyone=everyone,
        filters=filters,
        pages=max(1, -(-total // PAGE_SIZE)),
        stale=stale,
        follow_up_days=follow_up_days(request),
        freins=[(c.value, fr.CONTRAINTE_LABELS[c]) for c in Contrainte],
        families=list(ROME_DOMAINS.items()),
        sorts=list(fr.CASELOAD_SORT_LABELS.items()),
        answers_unread=answers["unread"],
    )
