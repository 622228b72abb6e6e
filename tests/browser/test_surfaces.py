"""The three surfaces as new users meet them, in a real browser: tests run in order and share the server."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import httpx
import pytest

from common.territory import commune_named
from tests.browser.conftest import sign_in
from tests.processes import LiveServer

TITLE = f"Technicien / Technicienne de surface {uuid.uuid4().hex[:6]}"
SECTOR = "rome:K"  # K2205 Agent de propreté de locaux → ROME grand domaine K
EPCI = commune_named("Montargis").epci_siren


def api_report(server: LiveServer) -> dict[str, Any]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        token = client.post("/api/v1/auth/token", data={"username": "analyst", "password": "demo"})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        report: dict[str, Any] = client.get("/api/v1/analytics/demand", headers=headers).json()
        return report


def row_count(rows: list[dict[str, Any]], key: str) -> int:
    """Offers of this month (the report's chosen month) in the row: public, never hidden."""
    row = next((r for r in rows if r.get("key", r.get("code")) == key), None)
    return int(row["figures"]["offers"][0]) if row else 0


@pytest.fixture(scope="module")
def scenario(live_server: LiveServer) -> dict[str, Any]:
    report = api_report(live_server)
    return {
        "sector_before": row_count(report["areas"][0]["by_sector"], SECTOR),
        "epci_before": row_count(report["areas"][0]["by_epci"], EPCI),
    }


def test_employer_posts_and_pauses_an_offer(new_page: Any, scenario: dict[str, Any]) -> None:
    page = new_page()
    sign_in(page, "employer")
    assert page.url.endswith("/employeur")
    page.get_by_role("link", name="Publier une offre").first.click()

    # Inline validation: submitting the empty form shows the messages next to the fields.
    page.get_by_role("button", name="Publier l'offre").click()
    assert page.locator("#title-error").inner_text() == "Indiquez l'intitulé du poste."
    assert page.locator("#title").get_attribute("aria-invalid") == "true"

    page.get_by_label("Intitulé du poste").fill(TITLE)
    page.get_by_label("Métier (ROME)").fill("Agent / Agente de propreté de")
    page.locator("#metier-list option").first.wait_for(state="attached")
    page.get_by_label("Métier (ROME)").fill("Agent / Agente de propreté de locaux")
    page.get_by_label("Commune du lieu de travail").fill("Montarg")
    page.locator("#commune-list option").first.wait_for(state="attached")
    option = page.locator("#commune-list option").first.get_attribute("value")
    assert option == "Montargis (45208)"
    page.get_by_label("Commune du lieu de travail").fill(option)
    page.get_by_label("Contrat").select_option("CDI")
    page.get_by_label("Heures par semaine").fill("60")
    page.get_by_label("Compétences demandées").fill(
        "nettoyage des locaux\nutilisation des produits d'entretien"
    )
    page.get_by_label("Nombre de postes").fill("2")
    page.get_by_role("button", name="Publier l'offre").click()
    assert page.locator("#hours_per_week-error").inner_text() == "Entre 1 et 48 heures par semaine."

    page.get_by_label("Heures par semaine").fill("26")
    page.get_by_role("button", name="Publier l'offre").click()
    page.wait_for_url(re.compile(r"/employeur\?ok=offre-creee"))
    assert "L'offre est publiée." in page.locator(".notice").inner_text()
    row = page.locator("#offres tbody tr", has_text=TITLE)
    assert row.locator(".status").inner_text() == "Publiée"
    assert row.locator("[data-col=proposed]").inner_text() == "0"
    scenario["offer_id"] = row.get_attribute("data-offer-id")

    row.get_by_role("button", name=f"Mettre en pause « {TITLE} »").click()
    page.wait_for_url(re.compile(r"ok=offre-pause"))
    row = page.locator("#offres tbody tr", has_text=TITLE)
    assert row.locator(".status").inner_text() == "En pause"

    # Reopened, so that référents can propose it.
    row.get_by_role("button", name=f"Rouvrir « {TITLE} »").click()
    page.wait_for_url(re.compile(r"ok=offre-resume"))
    assert page.locator("#offres tbody tr", has_text=TITLE).locator(".status").inner_text() == "Publiée"


def test_referent_proposes_the_suggestion_and_records_a_refusal(
    new_page: Any, scenario: dict[str, Any]
) -> None:
    offer_id = scenario["offer_id"]
    page = new_page()
    sign_in(page, "referent")
    assert page.url.endswith("/referent")
    page.get_by_role("link", name="Mme A. — Amilly").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Mme A. — Amilly"
    contraintes = page.locator("#contraintes tbody tr")
    assert contraintes.count() == 7
    assert "aucun moyen de transport" in page.locator("#contraintes").inner_text()
    assert "Difficulté déclarée" in page.locator("#contraintes").inner_text()

    # The new offer reaches the index through the outbox, the bus and the consumer: a moment.
    suggestion = page.locator(f"li.suggestion[data-offer-id='{offer_id}']")
    deadline = time.monotonic() + 30
    while suggestion.count() == 0 and time.monotonic() < deadline:
        time.sleep(0.5)
        page.reload()
    assert suggestion.count() == 1, "the new offer was not suggested"
    reasons = suggestion.locator(".reasons li")
    assert reasons.count() >= 2
    assert any("km" in text for text in reasons.all_inner_texts())

    suggestion.get_by_role("button", name=re.compile("Proposer")).click()
    page.wait_for_url(re.compile(r"ok=proposee"))
    proposal = page.locator(f"li.proposal[data-offer-id='{offer_id}']")
    proposal.get_by_label("Résultat").select_option("refused")
    proposal.get_by_role("button", name="Enregistrer le résultat").click()
    # The API refuses a refusal without a reason; its detail shows next to the reason field.
    proposal = page.locator(f"li.proposal[data-offer-id='{offer_id}']")
    assert proposal.locator(f"#reason-{offer_id}-error").inner_text() == "Un refus demande un motif."
    proposal.get_by_label("Résultat").select_option("refused")
    proposal.get_by_label("Motif (en cas de refus)").select_option("not_mobile")
    proposal.get_by_role("button", name="Enregistrer le résultat").click()
    page.wait_for_url(re.compile(r"ok=resultat"))
    history = page.locator("#historique-table tbody tr", has_text=TITLE)
    assert history.count() == 2
    assert "Refusée" in history.first.inner_text()
    assert "trop loin ou inaccessible" in history.first.inner_text()
    # A refused offer leaves the person's suggestions.
    assert page.locator(f"li.suggestion[data-offer-id='{offer_id}']").count() == 0


def test_analyst_sees_the_new_offer_in_its_sector_and_epci(new_page: Any, scenario: dict[str, Any]) -> None:
    page = new_page()
    sign_in(page, "analyst")
    assert page.url.endswith("/tableau-de-bord")
    assert page.locator("svg.chart").count() >= 3
    sector = page.locator(f"#table-secteurs tr[data-key='{SECTOR}'] [data-col=offers-mois]").inner_text()
    epci = page.locator(f"#table-epci tr[data-key='{EPCI}'] [data-col=offers-mois]").inner_text()
    assert int(sector) == scenario["sector_before"] + 1
    assert int(epci) == scenario["epci_before"] + 1
    # Six people in the demo caseload: skill counts about them stay hidden.
    assert "< 5" in page.locator("#table-competences").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter en CSV").click()
    assert download.value.suggested_filename == "maillage-demande.csv"


PAGES = {
    "employer": ["/employeur", "/employeur/offres/nouvelle"],
    "referent": ["/referent"],
    "analyst": ["/tableau-de-bord"],
    "admin": ["/admin"],
}


@pytest.mark.parametrize("role", ["employer", "referent", "analyst"])
def test_each_role_is_refused_the_other_roles_pages(new_page: Any, role: str) -> None:
    page = new_page()
    sign_in(page, role)
    for other, paths in PAGES.items():
        if other == role:
            continue
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == 403, (role, path)
            assert page.get_by_role("heading", level=1).inner_text() == "Accès refusé"


def test_signed_out_visitors_are_sent_to_sign_in(new_page: Any) -> None:
    page = new_page()
    page.goto("/referent")
    assert "/connexion" in page.url
    sign_in(page, "referent")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile("/connexion"))
    page.goto("/referent")
    assert "/connexion" in page.url
