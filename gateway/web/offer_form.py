"""The employer's offer form: the values it shows, and the API body it makes from what was posted.

The page makes the checks only it can make (a commune of the territory, a métier of the ROME, typed
numbers), then checks the body against the API's own model, so that every wrong field is reported at once;
the API checks again, and its envelope's details land next to the same fields.
"""

from __future__ import annotations

import re
from typing import Any

from common import french_catalogue as fr
from common.communes_search import search_communes
from common.rome import appellation, search_appellations
from common.territory import Commune, commune_by_code, commune_named
from common.text import normalise
from contracts.offers import OfferCreate, OfferUpdate
from gateway.web.forms import REQUIRED_NUMBER, REQUIRED_WHOLE_NUMBER, OfferForm, checked, read_numbers
from gateway.web.rendering import plain_number

NEW_OFFER_VALUES: dict[str, Any] = {
    "kind": "job",
    "contract_type": "CDI",
    "openings": "1",
    "skills": "",
    "conditions": [],
}


def offer_form_values(offer: dict[str, Any] | None) -> dict[str, Any]:
    """What the form shows: a new offer's defaults, or an offer of the API as its fields read."""
    if offer is None:
        return dict(NEW_OFFER_VALUES)
    found = appellation(str(offer["appellation_code"])) if offer.get("appellation_code") else None
    return {
        "title": offer["title"],
        "description": offer.get("description", ""),
        # "Nemours (77333)": the code keeps a same-named commune elsewhere from being picked on save.
        "commune": "{commune} ({insee_code})".format(**offer["location"])
        if offer["location"].get("insee_code")
        else offer["location"]["commune"],
        "metier": found.label if found else "",
        "kind": offer["kind"],
        "contract_type": offer["contract_type"],
        "hours_per_week": plain_number(offer["hours_per_week"]),
        "skills": "\n".join(offer.get("skills", [])),
        "openings": str(offer.get("openings", 1)),
        "expires_on": offer.get("expires_on", ""),
        "conditions": offer.get("conditions", []),
    }


def resolve_commune(text: str) -> Commune | None:
    text = text.strip()
    if not text:
        return None
    match = re.match(r"^(.*?)\s*\((\d{5})\)$", text)  # "Montargis (45208)" from the autocomplete
    if match:
        by_code = commune_by_code(match.group(2))
        if by_code is not None:
            return by_code
        text = match.group(1)
    try:
        return commune_named(text)
    except KeyError:
        found = search_communes(text, 2)
        return found[0] if len(found) == 1 else None


def commune_location(text: str) -> dict[str, Any] | None:
    """The API's location for the commune typed (or picked from the autocomplete), if it is one."""
    commune = resolve_commune(text)
    if commune is None:
        return None
    return {"commune": commune.name, "lat": commune.lat, "lon": commune.lon, "insee_code": commune.insee_code}


def resolve_appellation(text: str) -> tuple[str, str] | None:
    """The (appellation, ROME) codes of the ROME appellation worded exactly `text`, if any."""
    wanted = normalise(text)
    for item in search_appellations(text, 50):
        if normalise(item.label) == wanted:
            return item.code, item.rome_code
    return None


def skill_list(text: str) -> list[str]:
    """Skills typed one per line (or separated by semicolons)."""
    return [s.strip() for s in re.split(r"[\n;]", text) if s.strip()]


def _place(form: OfferForm, body: dict[str, Any], errors: dict[str, str]) -> None:
    """The commune and the métier, resolved against the territory and the ROME."""
    located = commune_location(form.commune)
    if located is None:
        errors["commune"] = fr.COMMUNE_NOT_FOUND
    else:
        body["location"] = located
    if form.metier.strip():
        found = resolve_appellation(form.metier)
        if found is None:
            errors["metier"] = fr.METIER_NOT_FOUND
        else:
            body["appellation_code"], body["rome_code"] = found


def offer_payload(form: OfferForm, creating: bool) -> tuple[dict[str, Any], dict[str, str]]:
    """The API body from the form, and {form field: French message} for what is wrong with it."""
    errors: dict[str, str] = {}
    body: dict[str, Any] = {
        "title": form.title,
        "description": form.description,
        "kind": form.kind,
        "contract_type": form.contract_type,
        "skills": skill_list(form.skills),
        "conditions": form.conditions,
    }
    _place(form, body, errors)
    numbers, unread = read_numbers(
        {"hours_per_week": form.hours_per_week, "openings": form.openings},
        {"hours_per_week": REQUIRED_NUMBER, "openings": REQUIRED_WHOLE_NUMBER},
        unreadable={"hours_per_week": fr.NUMBER_EXPECTED, "openings": fr.NUMBER_EXPECTED},
    )
    body.update(numbers)
    errors.update(unread)
    if form.expires_on:
        body["expires_on"] = form.expires_on
    probe = {k: v for k, v in body.items() if k not in errors}
    probe.setdefault("location", {"commune": "-", "lat": 47.9, "lon": 2.3})
    for name, message in checked(OfferCreate if creating else OfferUpdate, probe).items():
        errors.setdefault(name, message)
    return body, errors
