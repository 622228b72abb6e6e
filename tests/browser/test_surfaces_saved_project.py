"""Right after a save, the référent's next page reflects it; errors read as French pages.

The platform here never relays profile events to matching: its consumer stays behind for good, the worst
case of the lag that follows every save. The pages must not depend on it catching up.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from maillage.platform import EmbeddedPlatform
from tests.browser.conftest import served_platform, sign_in
from tests.browser.test_surfaces_occupation_choice import api_call
from tests.factories import location, profile_payload
from tests.processes import LiveServer

CODES_OR_SCORES = re.compile(r"\b[A-N]\d{4}\b|\d[.,]\d\d|similarit|proximité lexicale")


def distances(page: Any) -> list[float]:
    return [
        float(t.replace(" km", "").replace(",", "."))
        for t in page.locator(".facts .distance").all_inner_texts()
    ]


def hold_back_profile_events(platform: EmbeddedPlatform) -> None:
    platform.profiles.relay.start = lambda name: None  # type: ignore[method-assign]  # they stay in the outbox


@pytest.fixture(scope="module")
def lagging_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("lagging-var")
    with served_platform(data_dir, "uvicorn-lagging-consumer", hold_back_profile_events) as server:
        yield server


@pytest.fixture
def new_page(browser: Any, lagging_server: LiveServer) -> Iterator[Any]:
    """A page of the lagging platform, in a fresh context of its own."""
    context = browser.new_context(base_url=lagging_server.url, locale="fr-FR")
    context.set_default_timeout(15_000)
    try:
        yield context.new_page
    finally:
        context.close()


@pytest.fixture(scope="module")
def person(lagging_server: LiveServer) -> dict[str, Any]:
    return api_call(
        lagging_server,
        "referent",
        "POST",
        "/api/v1/profiles",
        profile_payload(
            display_name=f"M. Rayon {uuid.uuid4().hex[:6]}",
            target_jobs=["magasinier", "cariste"],
            skills=[],
            location=location("Gien"),
            mobility={"max_distance_km": 30, "transport": ["car"], "driving_licence_valid": True},
            excluded_conditions=["night_work"],
        ),
    )


def test_the_list_after_saving_a_smaller_radius_respects_it(new_page: Any, person: dict[str, Any]) -> None:
    page = new_page()
    sign_in(page, "referent")
    page.goto(f"/referent/personnes/{person['id']}")
    before = distances(page)
    assert len(set(before)) >= 2, f"the scenario needs offers at several distances from Gien: {before}"
    radius = int(max(before))  # below the farthest suggestion, above the nearest
    assert min(before) <= radius < max(before), before

    page.get_by_label("Rayon de mobilité (km)").fill(str(radius))
    page.get_by_role("button", name="Enregistrer le projet").click()
    page.wait_for_url(re.compile(r"ok=projet"))
    assert "Le projet professionnel est enregistré." in page.locator(".notice").inner_text()

    # The very next page: no reload, no waiting for the consumer.
    after = distances(page)
    assert after and max(after) <= radius, (radius, after)
    for card in page.locator("li.suggestion").all():
        assert f"rayon de recherche {radius} km" in (card.locator("details").text_content() or "")


def test_reasons_are_sentences_and_the_figures_sit_behind_a_keyboard_disclosure(
    new_page: Any, person: dict[str, Any]
) -> None:
    page = new_page()
    sign_in(page, "referent")
    page.goto(f"/referent/personnes/{person['id']}")
    card = page.locator("li.suggestion").first
    reasons = card.locator(".reasons li").all_inner_texts()
    assert any(re.search(r"km — accessible en voiture", text) for text in reasons), reasons
    assert any("sans travail de nuit" in text for text in reasons), reasons
    assert not [text for text in reasons if CODES_OR_SCORES.search(text)], reasons
    assert not CODES_OR_SCORES.search(card.locator(".suggestion-head").inner_text())

    details = card.locator("details.reason-details")
    assert details.get_attribute("open") is None
    details.locator("summary").focus()
    page.keyboard.press("Enter")
    assert details.get_attribute("open") is not None
    assert "score de classement" in details.inner_text()


def test_a_missing_page_is_a_french_page_with_a_way_back(new_page: Any) -> None:
    page = new_page()
    sign_in(page, "referent")
    response = page.goto("/referent/page-qui-n-existe-pas")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page introuvable"
    assert page.get_by_role("link", name="Mon portefeuille").count() == 1  # the site's own header
    page.get_by_role("link", name="Revenir à mon espace").click()
    page.wait_for_url(re.compile(r"/referent$"))

    response = page.goto("/referent/personnes/inconnu")
    assert response is not None and response.status == 404
    assert "Cette personne est introuvable." in page.locator("main").inner_text()


def test_an_expired_form_is_a_french_403_page(new_page: Any, person: dict[str, Any]) -> None:
    page = new_page()
    sign_in(page, "referent")
    page.goto(f"/referent/personnes/{person['id']}")
    # The form was opened in an older session: its security token no longer matches.
    page.locator("#diagnostic input[name=csrf]").evaluate("input => { input.value = 'perime'; }")
    with page.expect_response(re.compile(r"/diagnostic$")) as answer:
        page.get_by_role("button", name="Enregistrer le diagnostic").click()
    assert answer.value.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "Accès refusé"
    assert "Le formulaire a expiré" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Revenir à mon espace").count() == 1
