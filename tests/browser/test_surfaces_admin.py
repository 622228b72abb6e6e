"""The administration pages in Chromium: an admin creates an account that can sign in, deactivates it
(its open session stops at the next page), hands a caseload over to another référent; the legal pages are
linked from every page's footer; a coordinator reads the follow-up of their structure without a person."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import httpx
import pytest

from tests.browser.conftest import sign_in
from tests.factories import profile_payload
from tests.processes import LiveServer

LEGAL_LINKS = {
    "Mentions légales": "Mentions légales",
    "Données personnelles": "Données personnelles",
    "Accessibilité : partiellement conforme": "Déclaration d'accessibilité",
}


def create_account_in_the_page(page: Any, username: str, role: str, password: str) -> None:
    page.goto("/admin/comptes")
    form = page.locator("#nouveau")
    form.get_by_label("Identifiant").fill(username)
    form.get_by_label("Nom affiché").fill(f"Compte {username}")
    form.get_by_label("Rôle").select_option(role)
    form.get_by_label("Structure ou territoire").fill("Structure des essais")
    form.get_by_label("Mot de passe initial").fill(password)
    form.get_by_role("button", name="Créer le compte").click()
    page.wait_for_url(re.compile(rf"/admin/comptes/{username}\?ok=compte-cree"))


def create_person_as(server: LiveServer, username: str, password: str, name: str) -> dict[str, Any]:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        signed = client.post("/api/v1/auth/token", data={"username": username, "password": password})
        assert signed.status_code == 200, signed.text
        headers = {"Authorization": f"Bearer {signed.json()['access_token']}"}
        answer = client.post("/api/v1/profiles", json=profile_payload(display_name=name), headers=headers)
        assert answer.status_code == 201, answer.text
        person: dict[str, Any] = answer.json()
        return person


def test_an_account_the_admin_creates_signs_in_and_its_deactivation_ends_its_session(new_page: Any) -> None:
    username = f"ref_{uuid.uuid4().hex[:8]}"
    admin = new_page()
    sign_in(admin, "admin")
    create_account_in_the_page(admin, username, "referent", "mot-de-passe-1")
    assert admin.locator("#etat").inner_text() == "actif"

    user = new_page()
    sign_in(user, username, "mot-de-passe-1")
    assert user.url.endswith("/referent")
    assert user.get_by_role("heading", level=1).inner_text().startswith("Mon portefeuille")

    admin.get_by_role("button", name="Désactiver le compte").click()
    admin.wait_for_url(re.compile(r"ok=compte-desactive"))
    assert admin.locator("#etat").inner_text() == "désactivé"

    user.goto("/referent")  # the very next page load, with the cookie of the session opened before
    assert "/connexion" in user.url
    assert user.get_by_role("button", name="Se connecter").count() == 1
    sign_in(user, username, "mot-de-passe-1")
    assert "/connexion" in user.url and "incorrect" in user.locator("[role=alert]").inner_text()


def test_the_admin_hands_a_caseload_over(new_page: Any, live_server: LiveServer) -> None:
    leaving, taking = f"part_{uuid.uuid4().hex[:6]}", f"arrive_{uuid.uuid4().hex[:6]}"
    admin = new_page()
    sign_in(admin, "admin")
    create_account_in_the_page(admin, leaving, "referent", "mot-de-passe-a")
    create_account_in_the_page(admin, taking, "referent", "mot-de-passe-b")
    name = f"M. Transfert {uuid.uuid4().hex[:6]}"
    person = create_person_as(live_server, leaving, "mot-de-passe-a", name)

    old = new_page()
    sign_in(old, leaving, "mot-de-passe-a")
    old.goto(f"/referent/personnes/{person['id']}")
    assert old.get_by_role("heading", level=1).inner_text().startswith(name)

    admin.goto("/admin/portefeuilles")
    admin.get_by_label("Référent actuel").select_option(leaving)
    admin.get_by_label("Nouveau référent").select_option(taking)
    admin.get_by_role("button", name="Transférer").click()
    admin.wait_for_url(re.compile(r"ok=transfert"))
    assert admin.locator("#transferes").inner_text().startswith("1 dossier")

    new = new_page()
    sign_in(new, taking, "mot-de-passe-b")
    assert new.get_by_role("link", name=name).count() == 1
    new.goto(f"/referent/personnes/{person['id']}")
    assert new.get_by_role("heading", level=1).inner_text().startswith(name)

    answer = old.goto(f"/referent/personnes/{person['id']}")
    assert answer.status == 404
    assert name not in old.content()
    old.goto("/referent")
    assert old.get_by_role("link", name=name).count() == 0

    # The audit log, searched by the person's file, shows the move, who made it, and the reads around it.
    admin.goto("/admin/journal")
    admin.get_by_label("Dossier (identifiant)").fill(person["id"])
    admin.get_by_role("button", name="Rechercher").click()
    lines = [" ".join(row.split()) for row in admin.locator("#journal tbody tr").all_inner_texts()]
    assert any("admin administration handover" in line for line in lines), lines
    assert any(f"{taking} référent read" in line for line in lines), lines
    assert any(f"{leaving} référent refused read" in line for line in lines), lines


@pytest.mark.parametrize("username", [None, "referent"])
def test_the_legal_pages_are_linked_from_the_footer(new_page: Any, username: str | None) -> None:
    page = new_page()
    if username:
        sign_in(page, username)
    else:
        page.goto("/")
    for link, heading in LEGAL_LINKS.items():
        page.locator("footer").get_by_role("link", name=link).click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == heading
    page.locator("footer").get_by_role("link", name="Données personnelles").click()
    assert "730 jours" in page.locator("#duree-dossier").inner_text()  # the retention period configured
    page.locator("footer").get_by_role("link", name="Accessibilité : partiellement conforme").click()
    assert "partiellement conforme" in page.locator("#etat").inner_text()


def test_the_coordinator_reads_counts_of_their_structure_and_no_person(new_page: Any) -> None:
    page = new_page()
    sign_in(page, "coordinator")
    assert page.url.endswith("/coordination")
    rows = page.locator("#suivi tbody tr")
    assert rows.count() >= 1
    demo = page.locator("#suivi tbody tr[data-referent='referent']")
    assert demo.count() == 1
    assert re.fullmatch(r"\d+|< 5", demo.locator("td").first.inner_text())
    assert page.locator("#periode").inner_text().startswith("Propositions faites depuis le ")  # 12 months
    page.get_by_label("Période").select_option(label="Depuis le début")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(re.compile(r"/coordination\?mois=0$"))
    assert page.locator("#periode").inner_text().startswith("Toutes les propositions, depuis le début")
    assert page.locator("#suivi tbody tr[data-referent='referent']").count() == 1
    page.goto("/coordination?mois=5")  # a period the list does not offer: shown as chosen, not another
    assert page.locator("#mois option:checked").inner_text() == "Les 5 derniers mois"
    # No name of a person followed by the demo référent appears on the page.
    caseload = new_page()
    sign_in(caseload, "referent")
    names = caseload.locator("#portefeuille tbody th").all_inner_texts()
    assert names
    text = page.content()
    assert not [n for n in names if n in text]


def test_the_admin_rebuilds_the_index_and_follows_it(new_page: Any) -> None:
    admin = new_page()
    sign_in(admin, "admin")
    admin.get_by_role("link", name="Exploitation").click()
    assert int(admin.locator("#offres-indexees").inner_text().replace("\u202f", "")) > 0
    admin.get_by_role("button", name="Reconstruire l'index").click()
    admin.wait_for_url(re.compile(r"ok=reindex"))
    state = admin.locator("#reindex-etat").inner_text()
    assert "en cours" in state or "terminée" in state, state
    deadline = time.monotonic() + 120
    while "terminée" not in admin.locator("#reindex-etat").inner_text() and time.monotonic() < deadline:
        # While it runs, the page shows how far it got.
        running = "en cours" in admin.locator("#reindex-etat").inner_text()
        assert admin.locator("#progression").count() == (1 if running else 0)
        time.sleep(1)
        admin.goto("/admin/exploitation")
    assert "terminée" in admin.locator("#reindex-etat").inner_text()

    admin.get_by_role("link", name="Messages en échec (lettres mortes)").click()
    assert admin.get_by_role("heading", level=1).inner_text().startswith("Messages en échec")
    assert admin.locator("#aucune-lettre").count() + admin.locator("#lettres").count() == 1
