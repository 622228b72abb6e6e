"""The référent's view of one offer for one person of their caseload (the offer's full page, with how far
it is from the person), and « Mes pistes »: the printable sheet of the offers the référent picked for that
person, with the next steps and how to reach the référent.

Both are reads: the selection travels in the query string of a GET form, nothing is stored. The person's
file is read first, so that someone else's person is refused (404) before anything about them is shown;
neither page shows anything of the diagnostic (the person may hand the sheet to an employer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from common import french_catalogue as fr
from common.geo import haversine_km
from common.territory import territory_today
from common.vocabulary import Transport
from gateway.web.access import ReferentCaller, failure_page
from gateway.web.api_client import ApiFailure, api, ok
from gateway.web.rendering import render

router = APIRouter(include_in_schema=False)

MAX_PISTES = 8  # what one A4 page or two holds, readably
MAX_STEPS_CHARS = 1_000
MAX_CONTACT_CHARS = 200
OFFER_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # the API's EntityId
WEB_LINK = re.compile(r"^https?://\S+$")  # shown as links: never javascript: or data:
SUGGESTIONS_LOOKED_AT = 20  # the person's page shows 10; a little more finds an offer that just moved down
CONTRACT_LABELS = {c.value: label for c, label in fr.CONTRACT_LABELS.items()}


# -- what the pages show, from the API's answers (plain functions: unit-tested without a server) ----------
def contact_lines(contact: dict[str, str] | None) -> list[dict[str, str]]:
    """How to apply, one line per part of the offer's contact: a French label, the value as given, and a
    link when the value is one (web address, e-mail, phone number)."""
    lines = []
    for key, raw in (contact or {}).items():
        value = raw.strip()
        if not value:
            continue
        href = ""
        if WEB_LINK.match(value):
            href = value
        elif key == "courriel" and "@" in value and " " not in value:
            href = f"mailto:{value}"
        elif key == "telephone" and (digits := re.sub(r"[^\d+]", "", value)):
            href = f"tel:{digits}"
        lines.append({"label": fr.CONTACT_LABELS.get(key, key), "value": value, "href": href})
    return lines


def journey(profile: dict[str, Any], offer: dict[str, Any]) -> dict[str, Any]:
    """How far the offer lies from the person's commune (as the crow flies), against their radius, and the
    ways they can get about, from their mobility."""
    home, work = profile["location"], offer["location"]
    distance = haversine_km(home["lat"], home["lon"], work["lat"], work["lon"])
    mobility = profile.get("mobility") or {}
    radius = float(mobility.get("max_distance_km") or 0)
    known = {t.value: t for t in Transport}
    means = [fr.TRANSPORT_LABELS_FR[known[t]] for t in mobility.get("transport", []) if t in known]
    return {
        "distance_km": distance,
        "from_commune": home["commune"],
        "radius_km": radius,
        "within_radius": distance <= radius,
        "means": means,
        "driving_licence": bool(mobility.get("driving_licence_valid")),
    }


def proposal_dates(history: list[dict[str, Any]]) -> dict[str, str]:
    """{offer id: when it was first proposed to the person}, from the history (newest first)."""
    first: dict[str, str] = {}
    for item in history:  # newest first: the oldest proposal is written last
        if item["status"] == "proposed":
            first[item["offer_id"]] = item["recorded_at"]
    return first


def offer_facts(offer: dict[str, Any]) -> dict[str, Any]:
    """What the offer's page and the sheet show of the offer itself, in French where it is coded."""
    return {
        "id": offer["id"],
        "title": offer["title"],
        "employer_name": offer.get("employer_name") or "",
        "commune": offer["location"]["commune"],
        "contract": CONTRACT_LABELS.get(offer["contract_type"], offer["contract_type"]),
        "source_contract": offer.get("source_contract") or "",
        "hours_per_week": offer["hours_per_week"],
        "how_to_apply": contact_lines(offer.get("contact")),
        "origin_url": offer.get("origin_url") if WEB_LINK.match(offer.get("origin_url") or "") else "",
        "active": offer["status"] == "active",
    }


@dataclass(frozen=True)
class PistesRequest:
    """What the référent asked the sheet to hold: offers (in the order they were ticked), next steps (one
    per line) and their own contact details."""

    offer_ids: list[str]
    steps: list[str]
    contact: str


def read_selection(offers: list[str], steps: str, contact: str) -> tuple[PistesRequest, list[str]]:
    """The form's values as a request for the sheet, and what is wrong with them, in French."""
    chosen = list(dict.fromkeys(o.strip() for o in offers if o.strip()))  # ticked twice: once
    errors = []
    if not chosen:
        errors.append(fr.PISTES_NEED_AN_OFFER)
    elif len(chosen) > MAX_PISTES:
        errors.append(fr.PISTES_TOO_MANY.format(max=MAX_PISTES))
    if not all(OFFER_ID.match(o) for o in chosen):
        errors.append(fr.PISTES_UNKNOWN_OFFER)
    if len(steps) > MAX_STEPS_CHARS:
        errors.append(fr.PISTES_STEPS_TOO_LONG.format(max=MAX_STEPS_CHARS))
    if len(contact) > MAX_CONTACT_CHARS:
        errors.append(fr.PISTES_CONTACT_TOO_LONG.format(max=MAX_CONTACT_CHARS))
    lines = [line.strip() for line in steps.splitlines() if line.strip()]
    return PistesRequest(chosen, lines, contact.strip()), errors


# -- the pages --------------------------------------------------------------------------------------------
async def _suggestion_of(
    client: httpx.AsyncClient, profile: dict[str, Any], offer_id: str
) -> dict[str, Any] | None:
    """The offer as a suggestion for the person today (with its reasons), if it is among their best."""
    params = {"limit": SUGGESTIONS_LOOKED_AT, "min_version": profile["version"]}
    answer = await client.get(f"/api/v1/profiles/{quote(profile['id'])}/suggestions", params=params)
    if answer.status_code != 200:  # the reasons are a help, not the page: the offer is shown without them
        return None
    return next((s for s in answer.json()["items"] if s["offer_id"] == offer_id), None)


@router.get("/referent/personnes/{profile_id}/offres/{offer_id}", response_class=HTMLResponse)
async def offer_page(request: Request, caller: ReferentCaller, profile_id: str, offer_id: str) -> Response:
    try:
        async with api(request) as client:
            profile = ok(await client.get(f"/api/v1/profiles/{quote(profile_id)}"))  # their caseload only
            offer = ok(await client.get(f"/api/v1/offers/{quote(offer_id)}"))
            suggestion = await _suggestion_of(client, profile, offer["id"])
            history = ok(await client.get(f"/api/v1/profiles/{quote(profile_id)}/outcomes"))["items"]
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return render(
        request,
        "offer_sheet.html",
        caller=caller,
        profile=profile,
        offer=offer,
        facts=offer_facts(offer),
        journey=journey(profile, offer),
        suggestion=suggestion,
        history=[h for h in history if h["offer_id"] == offer["id"]],
    )


@router.get("/referent/personnes/{profile_id}/pistes", response_class=HTMLResponse)
async def pistes_sheet(
    request: Request,
    caller: ReferentCaller,
    profile_id: str,
    offre: Annotated[list[str] | None, Query()] = None,
    etapes: str = "",
    contact: str = "",
) -> Response:
    """« Mes pistes »: the sheet the person takes home, printed on A4 from the browser."""
    wanted, errors = read_selection(offre or [], etapes, contact)
    try:
        async with api(request) as client:
            profile = ok(await client.get(f"/api/v1/profiles/{quote(profile_id)}"))  # their caseload only
            if errors:
                return render(request, "pistes.html", 422, caller, profile=profile, errors=errors)
            offers = [ok(await client.get(f"/api/v1/offers/{quote(o)}")) for o in wanted.offer_ids]
            me = ok(await client.get("/api/v1/auth/me"))
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    pistes = [{**offer_facts(o), "journey": journey(profile, o)} for o in offers]
    return render(
        request,
        "pistes.html",
        caller=caller,
        profile=profile,
        errors=[],
        pistes=pistes,
        steps=wanted.steps,
        referent_name=me.get("display_name") or caller.subject,
        referent_contact=wanted.contact,
        today=territory_today().isoformat(),  # the date the person reads, on the territory's clock
    )
