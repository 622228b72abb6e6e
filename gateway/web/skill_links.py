"""How matching understands a person's skills: each free-text skill with the ROME competence it is linked
to (« lié à : … »), shown under the skills field so the référent can reword a skill read the wrong way.

Asked of the API (GET /api/v1/reference/skill-links) like every page's data. A page never fails for it: when
matching cannot answer (or links nothing, MAILLAGE_LINKER=none), the skills are shown without links.
"""

from __future__ import annotations

from typing import Any

import httpx

SKILL_LINKS = "/api/v1/reference/skill-links"
# Below this confidence the link is a guess, and the page says so (the occupation linker's own bound).
UNCERTAIN_BELOW = 0.45


async def skill_links(client: httpx.AsyncClient, skills: list[str]) -> dict[str, dict[str, Any]]:
    """{skill: {"label": the competence's wording, "uncertain": bool}} for each skill that links."""
    wanted = [s for s in dict.fromkeys(skills) if s.strip()]
    if not wanted:
        return {}
    answer = await client.get(SKILL_LINKS, params={"q": wanted})
    if answer.status_code != 200:
        return {}
    return {
        item["text"]: {
            "label": item["competences"][0]["label"],
            "uncertain": item["competences"][0]["confidence"] < UNCERTAIN_BELOW,
        }
        for item in answer.json()
        if item["competences"]
    }
