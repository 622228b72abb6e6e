"""The référent's caseload as a work list, and the follow-up, in Chromium: search and filter the caseload
(a GET form: the address is the list), record a contact and find it in the person's history, and see a
proposal left unanswered under « À relancer ».

This platform runs with MAILLAGE_FOLLOW_UP_DAYS=0: every proposal without an answer is already to be
followed up, so no test waits for days to pass.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from common.clock import utcnow
from tests.browser.conftest import served_platform, sign_in
from tests.browser.test_surfaces_occupation_choice import api_call
from tests.factories import location, profile_payload
from tests.processes import LiveServer

COUNT = re.compile(r"(\d+) personnes? sur (\d+)")


@pytest.fixture(scope="module")
def follow_up_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MAILLAGE_FOLLOW_UP_DAYS", "0")
        data_dir = tmp_path_factory.mktemp("caseload-var")
        with served_platform(data_dir, "uvicorn-caseload") as server:
            yield server


@pytest.fixture
def new_page(browser: Any, follow_up_server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(base_url=follow_up_server.url, locale="fr-FR")
    context.set_default_timeout(15_000)
    try:
        yield context.new_page
    finally:
        context.close()


def counts(page: Any) -> tuple[int, int]:
    found = COUNT.search(page.locator(".caseload-count").inner_text())
    assert found, page.locator(".caseload-count").inner_text()
    return int(found[1]), int(found[2])


def listed(page: Any) -> list[str]:
    names: list[str] = page.locator("#portefeuille tbody th").all_inner_texts()
    return names


def test_the_referent_searches_and_filters_the_caseload(new_page: Any) -> None:
    page = new_page()
    sign_in(page, "referent")
    page.goto("/referent")
    shown, everyone = counts(page)
    assert shown == everyone == len(listed(page)) >= 3

    page.get_by_label("Nom ou commune").fill("GIEN")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"q=GIEN"))
    names = listed(page)
    assert names and all("Gien" in row for row in page.locator("#portefeuille tbody tr").all_inner_texts())
    assert counts(page) == (len(names), everyone) and len(names) < everyone

    page.get_by_label("Nom ou commune").fill("")
    page.get_by_label("Frein").select_option(label="Mobilité")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"frein=mobilite"))
    assert "Mme A. — Amilly" in listed(page)
    freins = page.locator("#portefeuille tbody tr td:nth-child(4)").all_inner_texts()
    assert freins and all("Mobilité" in cell for cell in freins)
    bookmarked = page.url
    assert counts(page)[0] == len(freins) < everyone

    # The address is the list: opened again, it shows the same people, the form filled in.
    again = new_page()
    sign_in(again, "referent")
    again.goto(bookmarked)
    assert listed(again) == listed(page)
    assert again.get_by_label("Frein").input_value() == "mobilite"

    page.get_by_label("Famille de métiers visés").select_option(label="Banque, assurance, immobilier")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"famille=C"))
    assert counts(page) == (0, everyone)
    assert page.get_by_text("Personne ne correspond à ces filtres.").is_visible()


def test_a_contact_recorded_shows_in_the_history_and_in_the_caseload(
    new_page: Any, follow_up_server: LiveServer
) -> None:
    name = f"Mme Contact {uuid.uuid4().hex[:6]}"
    person = api_call(
        follow_up_server,
        "referent",
        "POST",
        "/api/v1/profiles",
        profile_payload(display_name=name, location=location("Briare")),
    )
    page = new_page()
    sign_in(page, "referent")
    page.goto(f"/referent?q={name.split()[-1]}&sans_contact=1")
    assert listed(page) == [name]  # never contacted

    page.goto(f"/referent/personnes/{person['id']}")
    assert page.get_by_text("Aucun contact enregistré.").is_visible()
    form = page.locator("form.contact-form")
    assert form.get_by_label("Date du contact").input_value() == utcnow().date().isoformat()
    form.get_by_label("Moyen").select_option(label="Entretien")
    form.get_by_label("Note").fill("Point sur la recherche : deux candidatures envoyées.")
    form.get_by_role("button", name="Enregistrer le contact").click()
    page.wait_for_url(re.compile(r"ok=contact"))
    assert page.get_by_text("Le contact est enregistré.").is_visible()
    first = page.locator("#contacts-table tbody tr").first
    assert "Entretien" in first.inner_text()
    assert "deux candidatures envoyées" in first.inner_text()
    assert utcnow().date().strftime("%d/%m/%Y") in first.inner_text()

    # A date to come is refused, in French, next to the field; nothing is added.
    form = page.locator("form.contact-form")
    form.get_by_label("Date du contact").fill("2999-01-01")
    form.get_by_role("button", name="Enregistrer le contact").click()
    assert "avant sa date" in page.locator("#contact-date-error").inner_text()
    assert page.locator("#contacts-table tbody tr").count() == 1

    page.goto(f"/referent?q={name.split()[-1]}&sans_contact=1")
    assert listed(page) == []
    page.goto(f"/referent?q={name.split()[-1]}")
    assert utcnow().date().strftime("%d/%m/%Y") in page.locator("#portefeuille tbody tr").first.inner_text()


def test_a_proposal_left_unanswered_is_to_be_followed_up(new_page: Any, follow_up_server: LiveServer) -> None:
    name = f"M. Relance {uuid.uuid4().hex[:6]}"
    person = api_call(
        follow_up_server,
        "referent",
        "POST",
        "/api/v1/profiles",
        profile_payload(display_name=name, location=location("Montargis")),
    )
    offer = api_call(follow_up_server, "referent", "GET", "/api/v1/offers?limit=1")["items"][0]
    path = f"/api/v1/profiles/{person['id']}/outcomes"
    api_call(follow_up_server, "referent", "POST", path, {"offer_id": offer["id"], "status": "proposed"})

    page = new_page()
    sign_in(page, "referent")
    page.goto("/referent")
    stale = page.locator("#a-relancer li", has_text=name)
    assert stale.count() == 1
    assert offer["title"] in stale.inner_text()
    assert "depuis 0 jours" in page.locator("#a-relancer").inner_text()

    page.get_by_label("propositions en attente de réponse").check()
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"en_attente=1"))
    assert name in listed(page)
    assert "1 en attente" in page.locator("#portefeuille tbody tr", has_text=name).inner_text()

    page.goto("/referent")
    page.locator("#a-relancer li", has_text=name).get_by_role("link", name=name).click()
    page.wait_for_url(re.compile(person["id"]))
    proposal = page.locator(f"li.proposal[data-offer-id='{offer['id']}']")
    proposal.get_by_label("Résultat").select_option("accepted")
    proposal.get_by_role("button", name="Enregistrer le résultat").click()
    page.wait_for_url(re.compile(r"ok=resultat"))
    page.goto("/referent")
    assert page.locator("#a-relancer li", has_text=name).count() == 0
