"""Factory functions for test data: valid by default, every field overridable."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from common.territory import commune_named


def location(commune: str) -> dict[str, Any]:
    c = commune_named(commune)
    return {"commune": c.name, "lat": c.lat, "lon": c.lon, "insee_code": c.insee_code}


def offer_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "title": "Agent / Agente de propreté et d'hygiène",
        "description": "Nettoyage de bureaux et de parties communes.",
        "location": location("Montargis"),
        "contract_type": "CDI",
        "hours_per_week": 26,
        "skills": ["nettoyage des locaux"],
    }
    payload.update(overrides)
    return payload


def profile_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "display_name": "Mme Test",
        "target_jobs": ["technicien de surface"],
        "skills": ["nettoyage des locaux"],
        "location": location("Amilly"),
        "mobility": {"max_distance_km": 15},
    }
    payload.update(overrides)
    return payload


def indexed_offer(**overrides: Any) -> Any:
    from services.matching.ports import IndexedOffer

    c = commune_named(overrides.pop("commune", "Montargis"))
    fields: dict[str, Any] = {
        "id": "o1",
        "version": 1,
        "title": "Agent de propreté",
        "description": "",
        "skills": (),
        "kind": "job",
        "contract_type": "CDI",
        "hours_per_week": 30.0,
        "lat": c.lat,
        "lon": c.lon,
        "commune": c.name,
        "insee_code": c.insee_code,
        "status": "active",
        "expires_on": date.today() + timedelta(days=30),
        "conditions": (),
        "employer_id": "e1",
        "employer_name": None,
        "rome_code": None,
        "appellation_code": None,
        "openings": 1,
        "updated_at": date.today().isoformat() + "T00:00:00+00:00",
    }
    fields.update(overrides)
    return IndexedOffer(**fields)
