"""Screenshots of the surfaces, the administration, coordination and legal pages, from a running platform
(`make run`), with Debian's Chromium: python -m scripts.screenshots [BASE_URL] [OUT_DIR]"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from scripts.chromium import CHROMIUM_ARGS

ADMIN_PAGES = {
    "/admin/comptes": "admin-accounts.png",
    "/admin/portefeuilles": "admin-handover.png",
    "/admin/exploitation": "admin-operations.png",
    "/admin/journal?actor=referent": "admin-audit.png",
}
PUBLIC_PAGES = {
    "/employeur/demande": "employer-request.png",
    "/donnees-personnelles": "legal-privacy.png",
    "/accessibilite": "legal-accessibility.png",
}


def sign_in(page: Page, user: str) -> None:
    page.goto("/connexion")
    page.get_by_label("Identifiant").fill(user)
    page.get_by_label("Mot de passe").fill("demo")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def offer_pages(page: Page, out: Path) -> None:
    """From a person's page: the first suggestion's offer page, then « Mes pistes » of the first two,
    as printed (print media)."""
    person = page.url
    page.locator("li.suggestion").first.get_by_role("link", name=re.compile("Voir l'offre")).click()
    page.wait_for_load_state()
    page.screenshot(path=str(out / "offer-sheet.png"), full_page=True)
    page.goto(person)
    for card in page.locator("li.suggestion").all()[:2]:
        card.get_by_role("checkbox").check()
    page.get_by_label("Prochaines étapes (une par ligne)").fill("Appeler l'employeur lundi\nApporter le CV")
    page.get_by_label("Vos coordonnées (téléphone, courriel)").fill("02 38 00 00 00")
    page.get_by_role("button", name="Préparer la fiche « Mes pistes »").click()
    page.wait_for_load_state()
    page.emulate_media(media="print")
    page.screenshot(path=str(out / "mes-pistes.png"), full_page=True)
    page.emulate_media(media="screen")


def caseload_states(page: Page, out: Path) -> None:
    """The caseload as a work list: whole, filtered (a search and a frein), and a person's contacts."""
    page.goto("/referent")
    page.screenshot(path=str(out / "referent-caseload.png"), full_page=True)
    page.goto("/referent?q=gien&frein=mobilite")
    page.screenshot(path=str(out / "referent-caseload-filtered.png"), full_page=True)
    page.goto("/referent")
    first = page.locator("#portefeuille a").first.get_attribute("href")
    page.goto(f"{first}#contacts")
    page.locator("#contacts").screenshot(path=str(out / "referent-contacts.png"))


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path="/usr/bin/chromium",
            args=CHROMIUM_ARGS,
            headless=True,
            base_url=base,
            viewport={"width": 1280, "height": 900},
            locale="fr-FR",
        )
        page = context.new_page()
        sign_in(page, "employer")
        page.screenshot(path=str(out / "employer.png"), full_page=True)
        context.clear_cookies()

        sign_in(page, "referent")
        caseload_states(page, out)
        page.goto("/referent")
        links = page.locator("#portefeuille a")
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        for href in hrefs:
            page.goto(str(href))
            if page.locator("li.suggestion").count() >= 3:
                break
        page.screenshot(path=str(out / "referent.png"), full_page=True)
        person_url = page.url
        offer_pages(page, out)
        page.goto(person_url)
        page.get_by_role("link", name="Modifier le dossier").click()  # the person file form, filled in
        page.screenshot(path=str(out / "person-file.png"), full_page=True)
        context.clear_cookies()

        sign_in(page, "analyst")
        page.goto("/tableau-de-bord?territoire=groupe:giennois&comparer=groupe:montargois")
        page.screenshot(path=str(out / "dashboard.png"), full_page=True)
        context.clear_cookies()

        sign_in(page, "admin")
        for path, name in ADMIN_PAGES.items():
            page.goto(path)
            page.screenshot(path=str(out / name), full_page=True)
        context.clear_cookies()

        sign_in(page, "coordinator")
        page.screenshot(path=str(out / "coordination.png"), full_page=True)
        context.clear_cookies()

        for path, name in PUBLIC_PAGES.items():
            page.goto(path)
            page.screenshot(path=str(out / name), full_page=True)
        context.close()


if __name__ == "__main__":
    main()
