"""Ambiguous job titles on the pages: which ones to ask about, and what confirming a choice changes.

A person's target job (free text) or an offer's title may read as several métiers of the ROME almost
equally ("agent de service"). The pages ask the API (GET /api/v1/reference/occupation-candidates) and,
when the answer is ambiguous, show the candidates for the référent (or the employer) to pick one; the
chosen appellation then wins over linking. Until someone confirms, nothing changes: the product keeps its
best reading. The question is optional: when the API cannot answer, the page is shown without it.

No routes here (see gateway.web.occupations): the employer's and référent's pages build their contexts
with these helpers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

import httpx

from common.french_catalogue import OCCUPATION_HINTS
from common.rome import Appellation, appellation
from common.text import normalise

log = logging.getLogger("maillage.gateway.pages")

CANDIDATES = "/api/v1/reference/occupation-candidates"
MAX_TEXT = 120  # the endpoint's limit: longer texts are not asked about


async def ambiguity_of(client: httpx.AsyncClient, text: str) -> dict[str, Any] | None:
    """The endpoint's answer for `text` when it is ambiguous (with candidates to choose from), else None."""
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        return None
    try:
        answer = await client.get(CANDIDATES, params={"q": text})
    except httpx.HTTPError as exc:
        log.warning("occupation candidates unavailable: %s", exc)
        return None
    if answer.status_code != 200:
        log.warning("occupation candidates answered %s", answer.status_code)
        return None
    body: dict[str, Any] = answer.json()
    if not body.get("ambiguous") or not body.get("candidates"):
        return None
    body["hint"] = OCCUPATION_HINTS.get(str(body.get("reason")), "")
    return body


def chosen_wordings(codes: Iterable[str]) -> set[str]:
    """The normalised labels (short and long) of the appellations already chosen."""
    wordings: set[str] = set()
    for code in codes:
        found = appellation(code)
        if found is not None:
            wordings.update((normalise(found.label), normalise(found.long_label)))
    return wordings


async def person_choices(client: httpx.AsyncClient, profile: dict[str, Any]) -> list[dict[str, Any]]:
    """One question per target job that is not already an appellation the référent chose and reads
    ambiguously, in the order of the target jobs."""
    chosen = chosen_wordings(profile.get("appellation_codes", []))
    jobs = [j for j in dict.fromkeys(profile.get("target_jobs", [])) if normalise(j) not in chosen]
    answers = await asyncio.gather(*(ambiguity_of(client, job) for job in jobs))
    return [answer for answer in answers if answer is not None]


async def offer_choice(client: httpx.AsyncClient, offer: dict[str, Any]) -> dict[str, Any] | None:
    """The question about an offer's title, unless the employer gave its métier already."""
    if offer.get("appellation_code") or offer.get("rome_code"):
        return None
    return await ambiguity_of(client, str(offer.get("title", "")))


def confirmed_project(profile: dict[str, Any], job: str, chosen: Appellation) -> dict[str, list[str]] | None:
    """The profile change that confirms `chosen` for the target job `job`: its text becomes the
    appellation's label and the code joins the chosen ones (once). None when `job` is no longer a target
    job of the person (changed meanwhile): nothing to confirm."""
    jobs: list[str] = list(profile.get("target_jobs", []))
    if job not in jobs:
        return None
    jobs = [chosen.label if j == job else j for j in jobs]
    codes = [*profile.get("appellation_codes", []), chosen.code]
    return {"target_jobs": list(dict.fromkeys(jobs)), "appellation_codes": list(dict.fromkeys(codes))}


def offer_change(chosen: Appellation) -> dict[str, str]:
    """The offer change that confirms `chosen` for its title (the title itself is kept)."""
    return {"appellation_code": chosen.code, "rome_code": chosen.rome_code}
