"""Ambiguous job titles in a real browser: the référent (and the employer) pick the métier meant.

Runs after test_surfaces.py (file order) and uses its own person and offer, in Orléans, so that the demand
figures and the demo caseload that test_surfaces.py checks are untouched. "Employé polyvalent" reads as
several fiches almost equally (hotel, restaurant, self-service shop), whatever the curated aliases.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

from tests.browser.conftest import sign_in
from tests.factories import location, offer_payload, profile_payload
from tests.processes import LiveServer


def api_call(
    server: LiveServer, username: str, method: str, path: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        signed = client.post("/api/v1/auth/token", data={"username": username, "password": "demo"})
        headers = {"Authorization": f"Bearer {signed.json()['access_token']}"}
        answer = client.request(method, path, json=body, headers=headers)
        assert answer.status_code in (200, 201), answer.text
        result: dict[str, Any] = answer.json()
        return result


def test_the_referent_confirms_which_metier_an_ambiguous_target_job_means(
    new_page: Any, live_server: LiveServer
) -> None:
    name = f"M. Choix {uuid.uuid4().hex[:6]}"
    person = api_call(
        live_server,
        "referent",
        "POST",
        "/api/v1/profiles",
        profile_payload(
            display_name=name,
            target_jobs=["employé polyvalent", "cariste"],
            skills=[],
            location=location("Orléans"),
        ),
    )
    page = new_page()
    sign_in(page, "referent")
    page.goto(f"/referent/personnes/{person['id']}")
    assert page.get_by_role("heading", level=1).inner_text() == name

    # Only the ambiguous target job is asked about ("cariste" is a ROME appellation, word for word).
    question = "Plusieurs métiers correspondent à « employé polyvalent » — lequel vise la personne ?"
    group = page.get_by_role("group", name=question)
    assert group.count() == 1
    assert page.locator("form.occupation-choice").count() == 1
    radios = group.get_by_role("radio")
    assert 2 <= radios.count() <= 5
    # Not the linker's best reading: the référent's choice is what counts.
    radios.nth(1).check()
    chosen = group.locator("label").nth(1).inner_text().split(" — ")[0].strip()
    code = radios.nth(1).get_attribute("value")
    page.get_by_role("button", name="Confirmer").click()

    page.wait_for_url(re.compile(r"ok=metier"))
    assert "Le métier visé est confirmé" in page.locator(".notice").inner_text()
    assert page.locator("form.occupation-choice").count() == 0
    assert page.get_by_label("Métier visé 1").input_value() == chosen
    assert page.get_by_label("Métier visé 2").input_value() == "cariste"
    saved = api_call(live_server, "referent", "GET", f"/api/v1/profiles/{person['id']}")
    assert saved["target_jobs"] == [chosen, "cariste"]
    assert saved["appellation_codes"] == [code]


def test_the_employer_confirms_which_metier_an_ambiguous_offer_title_means(
    new_page: Any, live_server: LiveServer
) -> None:
    offer = api_call(
        live_server,
        "employer",
        "POST",
        "/api/v1/offers",
        offer_payload(title="Employé polyvalent H/F", location=location("Orléans"), skills=[]),
    )
    page = new_page()
    sign_in(page, "employer")
    page.goto(f"/employeur/offres/{offer['id']}")
    group = page.get_by_role(
        "group",
        name="Plusieurs métiers correspondent à « Employé polyvalent H/F » — lequel correspond à l'offre ?",
    )
    group.get_by_role("radio").first.check()
    chosen = group.locator("label").first.inner_text().split(" — ")[0].strip()
    page.get_by_role("button", name="Confirmer").click()

    page.wait_for_url(re.compile(r"ok=metier-offre"))
    assert "Le métier de l'offre est confirmé." in page.locator(".notice").inner_text()
    assert page.locator("form.occupation-choice").count() == 0
    assert page.get_by_label("Métier (ROME)").input_value() == chosen
    assert page.get_by_label("Intitulé du poste").input_value() == "Employé polyvalent H/F"
