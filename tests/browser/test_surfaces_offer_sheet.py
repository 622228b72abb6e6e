"""The référent opens an offer from a suggestion (its whole page, seen from the person), tells the history's
namesakes apart, and prints « Mes pistes » for the person: checked as the PDF Chromium prints, A4, with
the offers and the next steps, without the site's navigation and without a word of the diagnostic."""

from __future__ import annotations

import io
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from common import french_catalogue as fr
from common.geo import haversine_km
from tests.browser.conftest import sign_in
from tests.factories import location, offer_payload, profile_payload
from tests.processes import LiveServer

TITLE = "Préparateur / Préparatrice de commandes"
# Words of the diagnostic that must never reach the sheet the person may show an employer.
DIAGNOSTIC_WORDS = [
    *fr.CONTRAINTE_LABELS.values(),
    *fr.SITUATION_LABELS.values(),
    "diagnostic",
    "frein",
    "contrainte",
]


@contextmanager
def api_session(server: LiveServer, username: str) -> Iterator[httpx.Client]:
    """A client of the API signed in once as `username` (sign-ins are rate-limited per user)."""
    with httpx.Client(base_url=server.url, timeout=60) as client:
        signed = client.post("/api/v1/auth/token", data={"username": username, "password": "demo"})
        client.headers["Authorization"] = f"Bearer {signed.json()['access_token']}"
        yield client


def created(client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post(path, json=body)
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


@pytest.fixture(scope="module")
def scenario(live_server: LiveServer) -> dict[str, Any]:
    """A person of Gien and two offers of the same title near them, from two employers, one with a contact."""
    tag = uuid.uuid4().hex[:6]
    with api_session(live_server, "employer") as employer:
        first = created(
            employer,
            "/api/v1/offers",
            offer_payload(
                title=TITLE,
                description=f"Préparation des commandes du drive, lot {tag}.\nTravail en équipe du matin.",
                location=location("Briare"),
                contract_type="CDI",
                hours_per_week=35,
                skills=["préparation de commandes"],
                employer_name=f"Logistique du Val {tag}",
                contact={
                    "nom": "Mme Roux",
                    "courriel": f"rh-{tag}@exemple.fr",
                    "telephone": "02 38 12 34 56",
                },
            ),
        )
        second = created(
            employer,
            "/api/v1/offers",
            offer_payload(
                title=TITLE,
                description="Préparation de colis.",
                location=location("Gien"),
                contract_type="CDD",
                hours_per_week=28,
                skills=["préparation de commandes"],
                employer_name=f"Entrepôts de Gien {tag}",
            ),
        )
    with api_session(live_server, "referent") as referent:
        person = created(
            referent,
            "/api/v1/profiles",
            profile_payload(
                display_name=f"M. Pistes {tag}",
                target_jobs=["préparateur de commandes"],
                skills=["préparation de commandes"],
                location=location("Gien"),
                mobility={"max_distance_km": 30, "transport": ["car"], "driving_licence_valid": True},
                contraintes=[
                    {"code": "contraintes_familiales", "status": "OUI", "situations": ["garde_enfant"]},
                    {"code": "logement", "status": "OUI", "situations": []},
                    {"code": "sante", "status": "OUI", "situations": []},
                ],
            ),
        )
    return {"person": person, "first": first, "second": second, "tag": tag}


def person_page_with(page: Any, scenario: dict[str, Any]) -> None:
    """The person's page, once both offers went through the outbox, the bus and the consumer to the index."""
    page.goto(f"/referent/personnes/{scenario['person']['id']}")
    cards = [f"li.suggestion[data-offer-id='{scenario[o]['id']}']" for o in ("first", "second")]
    deadline = time.monotonic() + 30
    while not all(page.locator(c).count() for c in cards) and time.monotonic() < deadline:
        time.sleep(0.5)
        page.reload()
    assert all(page.locator(c).count() == 1 for c in cards), "the two new offers were not suggested"


def test_the_referent_opens_an_offer_from_a_suggestion(new_page: Any, scenario: dict[str, Any]) -> None:
    first, person, tag = scenario["first"], scenario["person"], scenario["tag"]
    page = new_page()
    sign_in(page, "referent")
    person_page_with(page, scenario)
    card = page.locator(f"li.suggestion[data-offer-id='{first['id']}']")
    card.get_by_role("link", name=f"Voir l'offre « {TITLE} »").click()

    page.wait_for_url(re.compile(f"/referent/personnes/{person['id']}/offres/{first['id']}$"))
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert f"Logistique du Val {tag}" in page.locator(".lead").inner_text()
    assert f"lot {tag}" in page.locator(".offer-description").inner_text()
    assert "Travail en équipe du matin." in page.locator(".offer-description").inner_text()
    facts = page.locator(".facts-list").inner_text()
    assert "CDI" in facts and "35 h par semaine" in facts

    apply = page.locator("#postuler")
    assert "Mme Roux" in apply.inner_text() and "02 38 12 34 56" in apply.inner_text()
    mail = apply.get_by_role("link", name=f"rh-{tag}@exemple.fr")
    assert mail.get_attribute("href") == f"mailto:rh-{tag}@exemple.fr"

    home, work = person["location"], first["location"]
    km = f"{haversine_km(home['lat'], home['lon'], work['lat'], work['lon']):.1f}".replace(".", ",")
    way = page.locator("#trajet")
    assert f"À {km} km de Gien" in way.locator(".journey").inner_text()
    assert "dans son rayon de mobilité de 30 km" in way.inner_text()
    assert (
        "voiture" in way.locator(".travel").inner_text() and "permis" in way.locator(".travel").inner_text()
    )
    assert way.locator(".reasons li").count() >= 2  # why it was suggested, in plain words


def test_the_history_tells_two_offers_of_the_same_title_apart(
    new_page: Any, live_server: LiveServer, scenario: dict[str, Any]
) -> None:
    person, tag = scenario["person"], scenario["tag"]
    with api_session(live_server, "referent") as referent:
        for offer in ("first", "second"):
            body = {"offer_id": scenario[offer]["id"], "status": "proposed"}
            created(referent, f"/api/v1/profiles/{person['id']}/outcomes", body)
    page = new_page()
    sign_in(page, "referent")
    page.goto(f"/referent/personnes/{person['id']}")
    rows = page.locator("#historique-table tbody tr", has_text=TITLE)
    texts = rows.all_inner_texts()
    assert len(texts) == 2 and texts[0] != texts[1]
    assert any(f"Logistique du Val {tag} · Briare" in t for t in texts)
    assert any(f"Entrepôts de Gien {tag} · Gien" in t for t in texts)
    assert all("proposée le" in t for t in texts)
    rows.filter(has_text="Briare").get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(f"/offres/{scenario['first']['id']}$"))
    assert fr.OUTCOMES["proposed"].single in page.locator(".offer-history").inner_text()


def test_the_referent_prints_mes_pistes_with_two_offers(new_page: Any, scenario: dict[str, Any]) -> None:
    first, second, person, tag = scenario["first"], scenario["second"], scenario["person"], scenario["tag"]
    page = new_page()
    sign_in(page, "referent")
    person_page_with(page, scenario)
    for offer in (first, second):
        page.locator(f"li.suggestion[data-offer-id='{offer['id']}']").get_by_role("checkbox").check()
    page.get_by_label("Prochaines étapes (une par ligne)").fill("Appeler Mme Roux lundi\nApporter le CV")
    page.get_by_label("Vos coordonnées (téléphone, courriel)").fill("02 38 99 00 11")
    page.get_by_role("button", name="Préparer la fiche « Mes pistes »").click()

    page.wait_for_url(re.compile(f"/referent/personnes/{person['id']}/pistes\\?"))
    assert page.locator(".piste").count() == 2
    page.emulate_media(media="print")
    assert page.locator("header.site").is_hidden() and page.locator("footer.site").is_hidden()
    assert page.locator(".breadcrumb").is_hidden() and page.locator(".notice").is_hidden()
    assert page.locator(".pistes-sheet").is_visible()

    # The page size is the stylesheet's (@page { size: A4 }), not one imposed here.
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
    assert 1 <= len(pdf.pages) <= 2
    width, height = (float(v) for v in pdf.pages[0].mediabox.upper_right)
    assert abs(width - 595.3) < 1.5 and abs(height - 841.9) < 1.5  # A4, in points
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pdf.pages)
    for expected in (
        "Mes pistes",
        person["display_name"],
        f"Logistique du Val {tag}",
        f"Entrepôts de Gien {tag}",
        "Briare",
        "CDI",
        "CDD",
        "35 h par semaine",
        "28 h par semaine",
        f"rh-{tag}@exemple.fr",
        "Appeler Mme Roux lundi",
        "Apporter le CV",
        "Camille Référente (démo)",
        "02 38 99 00 11",
    ):
        assert expected in text, f"« {expected} » is missing from the printed sheet: {text}"
    assert text.count(TITLE) >= 2
    for absent in ("Mon portefeuille", "Se déconnecter", "Imprimer", "Maillage — Service Public"):
        assert absent not in text, f"« {absent} » is printed: {text}"
    lowered = text.lower()
    leaked = [w for w in DIAGNOSTIC_WORDS if w.lower() in lowered]
    assert not leaked, f"the sheet speaks of the diagnostic: {leaked}"
