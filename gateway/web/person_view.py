"""The référent's page about one person: their file, suggestions, history and the forms about them."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
from fastapi import Request
from fastapi.responses import HTMLResponse

from common import french_catalogue as fr
from common.identity import Caller
from common.rome import appellation
from common.text import normalise
from common.vocabulary import Contrainte, Transport, WorkCondition
from gateway.web.api_client import ok
from gateway.web.occupation_choices import person_choices
from gateway.web.offer_sheet import proposal_dates
from gateway.web.rendering import plain_number, render
from gateway.web.skill_links import skill_links

# A proposal waits for its result while it is proposed, or at the interview the employer offered.
OPEN_STATUSES = ("proposed", "interview")


def contraintes_view(profile: dict[str, Any]) -> list[dict[str, Any]]:
    """The seven contraintes in order, with neutral wording; health details are never shown."""
    entries = {c["code"]: c for c in profile.get("contraintes", [])}
    view = []
    for code in Contrainte:
        entry = entries.get(code.value, {"status": "NON_ABORDEE", "situations": []})
        situations = [] if code == Contrainte.SANTE else entry.get("situations", [])
        view.append(
            {
                "code": code.value,
                "label": fr.CONTRAINTE_LABELS[code],
                "status": entry.get("status", "NON_ABORDEE"),
                "situations": [fr.SITUATION_LABELS.get(s, s.replace("_", " ")) for s in situations],
            }
        )
    return view


async def _titles(
    client: httpx.AsyncClient, suggestions: list[dict[str, Any]], history: list[dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """What to call each offer of the page: suggested ones by their suggestion, others asked for."""
    titles = {s["offer_id"]: s for s in suggestions}
    for offer_id in {h["offer_id"] for h in history} - set(titles):
        answer = await client.get(f"/api/v1/offers/{quote(offer_id)}")
        if answer.status_code == 200:
            offer = answer.json()
            titles[offer_id] = {
                "title": offer["title"],
                "commune": offer["location"]["commune"],
                "employer_name": offer.get("employer_name"),
            }
    return titles


async def person_context(client: httpx.AsyncClient, profile_id: str) -> dict[str, Any]:
    pid = quote(profile_id)
    profile = ok(await client.get(f"/api/v1/profiles/{pid}"))
    # Suggestions ranked from the file this page shows, never from an older version that matching's
    # projection may still hold (right after a save, the consumer may not have caught up yet).
    params = {"limit": 10, "min_version": profile["version"]}
    ranked = ok(await client.get(f"/api/v1/profiles/{pid}/suggestions", params=params))
    suggestions = ranked["items"]
    history = ok(await client.get(f"/api/v1/profiles/{pid}/outcomes"))["items"]
    latest: dict[str, str] = {}
    for item in reversed(history):  # oldest first: the last one written wins
        latest[item["offer_id"]] = item["status"]
    titles = await _titles(client, suggestions, history)
    return {
        "profile": profile,
        "contraintes": contraintes_view(profile),
        "suggestions": suggestions,
        "end_of_list": ranked.get("end_of_list"),
        "history": history,
        "proposed_on": proposal_dates(history),
        "titles": titles,
        "latest": latest,
        "open_proposals": [oid for oid, status in latest.items() if status in OPEN_STATUSES],
        "occupation_choices": await person_choices(client, profile),
        "skill_links": await skill_links(client, profile.get("skills", [])),
        "occupation_errors": {},
        "contacts": ok(await client.get(f"/api/v1/profiles/{pid}/contacts"))["items"],
    }


def project_values(profile: dict[str, Any]) -> dict[str, Any]:
    """The project form's values for a person's file: their target jobs (with the chosen métiers)."""
    jobs = list(profile.get("target_jobs", []))
    for code in profile.get("appellation_codes", []):
        found = appellation(code)
        # « cariste » typed and the appellation « Cariste » chosen are one job: shown (and saved) once.
        if found and normalise(found.label) not in {normalise(job) for job in jobs}:
            jobs.append(found.label)
    mobility = profile["mobility"]
    return {
        "target_jobs": jobs + [""] * max(0, 3 - len(jobs)),
        "radius": plain_number(mobility["max_distance_km"]),
        "transport": mobility.get("transport", []),
        "driving_licence_valid": mobility.get("driving_licence_valid", False),
        "contract_types": profile.get("contract_types", []),
        "min_hours": plain_number(profile["min_hours_per_week"]) if profile.get("min_hours_per_week") else "",
        "max_hours": plain_number(profile["max_hours_per_week"]) if profile.get("max_hours_per_week") else "",
        "skills": "\n".join(profile.get("skills", [])),
        "excluded_conditions": profile.get("excluded_conditions", []),
    }


def person_page(
    request: Request,
    caller: Caller,
    context: dict[str, Any],
    status_code: int = 200,
    project: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    outcome_errors: dict[str, dict[str, str]] | None = None,
    sharing_errors: dict[str, str] | None = None,
    **forms: Any,
) -> HTMLResponse:
    """`forms`: the values and errors of a form posted again with its errors (e.g. `contact_form`)."""
    return render(
        request,
        "person.html",
        status_code,
        caller,
        project=project or project_values(context["profile"]),
        errors=errors or {},
        outcome_errors=outcome_errors or {},
        sharing_errors=sharing_errors or {},
        sharing_labels=fr.EMPLOYER_SHARING_LABELS,
        open_statuses=OPEN_STATUSES,
        reasons=list(fr.REFUSAL_REASON_LABELS.items()),
        contracts=list(fr.CONTRACT_LABELS.items()),
        transports=[(t.value, fr.TRANSPORT_LABELS_FR[t]) for t in Transport],
        conditions=[(c.value, fr.CONDITION_LABELS_FR[c]) for c in WorkCondition],
        **context,
        **forms,
    )
