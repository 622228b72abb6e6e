"""The dashboard's map as an analyst reads it, in Chromium with JavaScript off: a labelled image of the
territory's places, and under it a table with the same numbers as the map and the API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest

from common.outlines import territory_codes
from tests.browser.conftest import sign_in
from tests.processes import LiveServer


def ask_map(server: LiveServer, params: dict[str, str]) -> httpx.Response:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        token = client.post("/api/v1/auth/token", data={"username": "analyst", "password": "demo"})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        return client.get("/api/v1/analytics/demand/map", params=params, headers=headers)


def api_map(server: LiveServer, level: str) -> dict[str, int]:
    """The API's map for the dashboard's default month: offers published since its first day."""
    answer = ask_map(server, {"level": level, "since": date.today().replace(day=1).isoformat()})
    answer.raise_for_status()
    return {p["code"]: p["offers"] for p in answer.json()["places"]}


def test_the_map_api_reads_a_month_as_the_report_does(live_server: LiveServer) -> None:
    this_month = date.today().replace(day=1)
    by_day = ask_map(live_server, {"since": this_month.isoformat()}).json()
    for month in ({"month": this_month.strftime("%Y-%m")}, {}):  # none: this month, by matching's clock
        answer = ask_map(live_server, month)
        assert answer.status_code == 200
        assert answer.json()["since"] == this_month.isoformat()
        assert answer.json()["places"] == by_day["places"]
    for wrong in ("novembre", "2026-13"):  # refused by the gateway's pattern, then by matching's reading
        refused = ask_map(live_server, {"month": wrong})
        assert refused.status_code == 422 and refused.json()["error"] == "validation_error", refused.text
    assert refused.json()["code"] == "analytics.bad_month"


@pytest.fixture
def page_without_scripts(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", java_script_enabled=False)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def read_map(page: Any, name: str) -> tuple[dict[str, int], dict[str, int]]:
    """(offers by code on the map's shapes, offers by code in the table under it)."""
    shapes = page.get_by_role("img", name=name).locator("path[data-code]")
    on_map = {}
    for code, title in zip(
        shapes.evaluate_all("els => els.map(e => e.dataset.code)"),
        shapes.locator("title").all_text_contents(),
        strict=True,
    ):
        count = title.rsplit(" : ", 1)[1].removesuffix(" offres")
        on_map[code] = int(count.replace("\u202f", ""))
    rows = page.locator("#table-carte tbody tr")
    codes = rows.evaluate_all("els => els.map(e => e.dataset.code)")
    counts = rows.locator("[data-col=offers]").all_inner_texts()
    in_table = {code: int(n.replace("\u202f", "")) for code, n in zip(codes, counts, strict=True)}
    return on_map, in_table


def test_the_analyst_reads_the_map_and_the_same_numbers_under_it(
    page_without_scripts: Any, live_server: LiveServer
) -> None:
    page = page_without_scripts
    sign_in(page, "analyst")
    assert page.url.endswith("/tableau-de-bord")
    page.get_by_role("heading", name="Carte des offres").wait_for()
    on_map, in_table = read_map(page, "Carte des offres publiées par intercommunalité")
    assert set(on_map) == territory_codes("epci")
    assert on_map == in_table == api_map(live_server, "epci")
    assert sum(on_map.values()) > 0  # the demo's offers are on it
    assert page.locator("svg.map .map-legend text").first.is_visible()

    # Another level, through the form alone (no script runs on this page).
    page.get_by_label("Découpage").select_option("commune")
    page.get_by_role("button", name="Afficher la carte").click()
    page.wait_for_load_state()
    assert "carte=commune" in page.url
    on_map, in_table = read_map(page, "Carte des offres publiées par commune")
    assert set(on_map) == territory_codes("commune")
    assert on_map == in_table == api_map(live_server, "commune")
    assert page.locator("#table-carte caption").inner_text().startswith("Offres et postes par commune")


def test_a_level_that_is_not_offered_falls_back_to_the_default(
    page_without_scripts: Any, live_server: LiveServer
) -> None:
    page = page_without_scripts
    sign_in(page, "analyst")
    page.goto("/tableau-de-bord?carte=pays")
    assert page.get_by_role("img", name="Carte des offres publiées par intercommunalité").is_visible()
