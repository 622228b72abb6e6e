"""Screenshots of the three surfaces from a running platform (`make run`), with Debian's Chromium:
python -m scripts.screenshots [BASE_URL] [OUT_DIR]"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from scripts.chromium import CHROMIUM_ARGS


def sign_in(page: Page, user: str) -> None:
    page.goto("/connexion")
    page.get_by_label("Identifiant").fill(user)
    page.get_by_label("Mot de passe").fill("demo")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


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
        links = page.locator("#portefeuille a")
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        for href in hrefs:
            page.goto(str(href))
            if page.locator("li.suggestion").count() >= 3:
                break
        page.screenshot(path=str(out / "referent.png"), full_page=True)
        context.clear_cookies()

        sign_in(page, "analyst")
        page.goto("/tableau-de-bord?territoire=groupe:giennois&comparer=groupe:montargois")
        page.screenshot(path=str(out / "dashboard.png"), full_page=True)
        context.close()


if __name__ == "__main__":
    main()
