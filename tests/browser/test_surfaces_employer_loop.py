"""The loop with employers in a real browser: a référent records the person's consent and proposes an
offer; the employer sees an anonymised card — initials, the skills the offer asks for, availability, the
référent to contact, never the diagnostic, the freins or the full name — and answers « entretien
proposé »; the référent sees the answer in « Réponses des employeurs » and in the person's history.
Without consent, the employer sees nothing.

Runs after test_surfaces.py (file order), with its own offer and people in Gien, so that the figures and
the demo caseload test_surfaces.py checks are untouched.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_surfaces_occupation_choice import api_call
from tests.factories import location, offer_payload, profile_payload
from tests.processes import LiveServer

TITLE = "Soudeur / Soudeuse"
# What an employer must never read about a person: the diagnostic's words, its codes, the freins.
DIAGNOSTIC_WORDS = re.compile(
    r"diagnostic|frein|contrainte|difficulté déclarée|garde d'enfant|garde_enfant|\bsant[eé]\b|logement",
    re.IGNORECASE,
)


def _person(server: LiveServer, display_name: str) -> dict[str, Any]:
    diagnostic = [
        {"code": "sante", "status": "OUI", "situations": []},
        {"code": "contraintes_familiales", "status": "OUI", "situations": ["garde_enfant"]},
    ]
    return api_call(
        server,
        "referent",
        "POST",
        "/api/v1/profiles",
        profile_payload(
            display_name=display_name,
            target_jobs=[TITLE],
            skills=["soudure à l'arc", "lecture de plans", "accueil du public"],
            location=location("Gien"),
            mobility={"max_distance_km": 10, "transport": ["car"], "driving_licence_valid": True},
            contraintes=diagnostic,
        ),
    )


@pytest.fixture(scope="module")
def offer(live_server: LiveServer) -> dict[str, Any]:
    payload = offer_payload(
        title=TITLE,
        description="Soudure de pièces métalliques en atelier.",
        skills=["soudure à l'arc", "lecture de plans", "meulage"],
        location=location("Gien"),
        hours_per_week=35,
    )
    return api_call(live_server, "employer", "POST", "/api/v1/offers", payload)


def _propose(page: Any, person: dict[str, Any], offer: dict[str, Any]) -> None:
    page.goto(f"/referent/personnes/{person['id']}")
    card = page.locator(f"li.suggestion[data-offer-id='{offer['id']}']")
    card.get_by_role("button", name=re.compile("Proposer")).click()
    page.wait_for_url(re.compile(r"ok=proposee"))


def _cards_for(page: Any, offer: dict[str, Any]) -> Any:
    page.goto("/employeur/candidatures")
    return page.locator("li.candidate-card", has_text=offer["title"])


def test_a_proposal_reaches_the_employer_anonymised_and_the_answer_comes_back(
    new_page: Any, live_server: LiveServer, offer: dict[str, Any]
) -> None:
    surname = f"Vérin{uuid.uuid4().hex[:6]}"
    person = _person(live_server, f"Sophie {surname}")

    referent = new_page()
    sign_in(referent, "referent")
    referent.goto(f"/referent/personnes/{person['id']}")
    referent.get_by_label("Transmettre la fiche avec les initiales").check()
    referent.get_by_label("Disponible à partir du").fill("2027-01-04")
    referent.get_by_role("button", name="Enregistrer le partage").click()
    referent.wait_for_url(re.compile(r"ok=partage"))
    _propose(referent, person, offer)

    employer = new_page()
    sign_in(employer, "employer")
    cards = _cards_for(employer, offer)
    card = cards.filter(has_text="S. V.")
    assert card.count() == 1
    html = card.inner_html()
    assert "Sophie" not in html and surname not in html and "Gien" not in html
    assert not DIAGNOSTIC_WORDS.search(html), DIAGNOSTIC_WORDS.search(html)
    text = card.inner_text()
    assert "soudure à l'arc, lecture de plans" in text  # what the offer asks for, not « accueil du public »
    assert "accueil du public" not in text
    assert "04/01/2027" in text and "Camille Référente" in text
    assert not DIAGNOSTIC_WORDS.search(employer.content().replace("/static/", ""))

    card.get_by_label("Entretien proposé").check()
    card.get_by_role("button", name="Envoyer la réponse").click()
    employer.wait_for_url(re.compile(r"ok=reponse-envoyee"))
    assert "Votre réponse est transmise au référent." in employer.locator(".notice").inner_text()

    referent.goto("/referent")
    assert int(referent.locator(".unread-count").inner_text().split()[0]) >= 1
    referent.get_by_role("link", name="Réponses des employeurs").first.click()
    row = referent.locator("#reponses tr", has_text=f"Sophie {surname}")
    assert "Entretien proposé" in row.inner_text() and "nouveau" in row.inner_text()
    referent.goto(f"/referent/personnes/{person['id']}")
    history = referent.locator("#historique-table").inner_text()
    assert "Entretien proposé" in history and "Proposée" in history


def test_without_consent_the_employer_sees_nothing_of_the_proposal(
    new_page: Any, live_server: LiveServer, offer: dict[str, Any]
) -> None:
    person = _person(live_server, f"Paul Sanspartage{uuid.uuid4().hex[:6]}")
    employer = new_page()
    sign_in(employer, "employer")
    before = _cards_for(employer, offer).count()

    referent = new_page()
    sign_in(referent, "referent")
    _propose(referent, person, offer)
    assert "Proposée" in referent.locator("#historique-table").inner_text()  # kept on the référent's side

    assert _cards_for(employer, offer).count() == before
    assert "Sanspartage" not in employer.content()
