"""The demand dashboard as an economic-development officer uses it, in Chromium: pick the Giennois,
compare this month with the last, read the tables, download the CSV and the XLSX and open them as French
Excel would (`;`, a BOM, UTF-8; a workbook), and find the same figures everywhere."""

from __future__ import annotations

import csv
import io
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from services.matching.domain.analytics_export import COLUMNS
from services.matching.domain.sectors import add_months
from tests.browser.conftest import sign_in
from tests.processes import LiveServer

TODAY = date.today()
THIS_MONTH = TODAY.replace(day=1)
LAST_MONTH = add_months(THIS_MONTH, -1)
FORMULA = '=HYPERLINK("http://x.test/vol","cliquez")'
RUN = uuid.uuid4().hex[:6]


def _csv(rows: list[tuple[str, str, date]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "source_id",
            "title",
            "insee_code",
            "contract_type",
            "hours_per_week",
            "skills",
            "published_at",
            "rome_code",
        ]
    )
    for i, (insee, skills, published) in enumerate(rows):
        writer.writerow(
            [
                f"giennois-{RUN}-{i}",
                "Plongeur / Plongeuse",
                insee,
                "CDI",
                "35",
                skills,
                published.isoformat(),
                "G1602",
            ]
        )
    return out.getvalue().encode()


def api_report(client: httpx.Client, headers: dict[str, str], month: date) -> dict[str, Any]:
    params = {"area": "groupe:giennois", "month": month.strftime("%Y-%m")}
    report: dict[str, Any] = client.get("/api/v1/analytics/demand", params=params, headers=headers).json()
    return report


@pytest.fixture(scope="module")
def imported(live_server: LiveServer) -> dict[str, int]:
    """Seven offers in Gien this month (one asking for a formula as a skill), five in Briare last month,
    imported by the admin; waits until the index counts them."""
    rows = [("45155", "plonge" if i else FORMULA, TODAY) for i in range(7)]
    rows += [("45053", "plonge", LAST_MONTH + timedelta(days=3)) for _ in range(5)]
    with httpx.Client(base_url=live_server.url, timeout=60) as client:

        def headers(user: str) -> dict[str, str]:
            answer = client.post("/api/v1/auth/token", data={"username": user, "password": "demo"})
            return {"Authorization": f"Bearer {answer.json()['access_token']}"}

        analyst = headers("analyst")
        before = api_report(client, analyst, THIS_MONTH)["areas"][0]["total"]["offers"]
        files = {"file": ("giennois.csv", _csv(rows), "text/csv")}
        answer = client.post(
            "/api/v1/offers/import", files=files, data={"format": "csv"}, headers=headers("admin")
        )
        assert answer.status_code == 200 and answer.json()["created"] == 12, answer.text
        deadline = time.monotonic() + 30
        while True:
            after = api_report(client, analyst, THIS_MONTH)["areas"][0]["total"]["offers"]
            if (after[0] == before[0] + 7 and after[1] == before[1] + 5) or time.monotonic() > deadline:
                break
            time.sleep(0.3)
    assert after[0] == before[0] + 7 and after[1] == before[1] + 5
    return {"this_month": after[0], "last_month": after[1]}


def cell(page: Any, table: str, key: str, column: str = "offers") -> int:
    text = page.locator(f"#{table} tr[data-key='{key}'] [data-col={column}]").inner_text()
    return int(text.replace("\u202f", ""))


def test_pick_the_giennois_compare_two_months_and_download(
    new_page: Any, imported: dict[str, int], tmp_path: Path
) -> None:
    page = new_page()
    sign_in(page, "analyst")
    page.goto("/tableau-de-bord")
    page.get_by_label("Territoire", exact=True).select_option(label="Giennois")
    page.get_by_label("Mois", exact=True).fill(THIS_MONTH.strftime("%Y-%m"))
    page.get_by_role("button", name="Afficher", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Giennois", exact=True).is_visible()
    # Public offers: never hidden, even when few.
    assert cell(page, "table-periodes", "mois") == imported["this_month"]
    assert cell(page, "table-periodes", "mois_precedent") == imported["last_month"]
    assert cell(page, "table-secteurs", "rome:G", "offers-mois") >= 7
    assert "Gien" in page.locator("#table-communes").text_content()
    assert "Montargis" not in page.locator("#table-communes").text_content()

    # The other month: last month's offers are now the chosen month's.
    page.get_by_label("Mois", exact=True).fill(LAST_MONTH.strftime("%Y-%m"))
    page.get_by_role("button", name="Afficher", exact=True).click()
    page.wait_for_load_state()
    assert cell(page, "table-periodes", "mois") == imported["last_month"]

    # Back to this month, compared with the Montargois: both columns, one table.
    page.get_by_label("Mois", exact=True).fill(THIS_MONTH.strftime("%Y-%m"))
    page.get_by_label("Comparer avec", exact=True).select_option(label="Montargois")
    page.get_by_role("button", name="Afficher", exact=True).click()
    page.wait_for_load_state()
    assert "Montargois" in page.locator("#table-comparaison thead").inner_text()
    shown = cell(page, "table-periodes", "mois")

    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter en CSV").click()
    assert download.value.suggested_filename == "maillage-demande.csv"
    raw = Path(download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM French Excel needs to read UTF-8
    # As French Excel reads it: UTF-8 with its BOM, `;` between cells.
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == COLUMNS
    by_key = {(r[0], r[1], r[2], r[4]): r for r in rows[1:]}
    assert int(by_key[("Giennois", "total", "groupe:giennois", "mois")][5]) == shown
    assert ("Montargois", "total", "groupe:montargois", "mois") in by_key
    skills = [r[2] for r in rows if r[1] == "competence_demandee"]
    assert "'" + FORMULA in skills and FORMULA not in skills  # shown as text, never run

    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter en XLSX").click()
    assert download.value.suggested_filename == "maillage-demande.xlsx"
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = [[c.value for c in row] for row in book["donnees"].iter_rows()]
    assert sheet[0] == COLUMNS
    total = next(r for r in sheet if r[:3] == ["Giennois", "total", "groupe:giennois"] and r[4] == "mois")
    assert total[5] == shown
    formula_cells = [c for row in book["donnees"].iter_rows() for c in row if c.data_type == "f"]
    assert formula_cells == []


def test_the_admin_sees_and_edits_the_territory_groups(new_page: Any) -> None:
    page = new_page()
    sign_in(page, "admin")
    page.goto("/admin/territoires")
    assert "Giennois" in page.locator("#table-groupes").inner_text()
    page.get_by_label("Clé (obligatoire)", exact=True).fill(f"essai-{RUN}")
    page.get_by_label("Nom (obligatoire)", exact=True).fill(f"Essai {RUN}")
    page.get_by_label("CC Giennoises").check()
    page.get_by_role("button", name="Enregistrer le groupe").click()
    page.wait_for_load_state()
    assert f"Essai {RUN}" in page.locator("#table-groupes").inner_text()
    page.get_by_role("button", name=f"Supprimer le groupe Essai {RUN}").click()
    page.wait_for_load_state()
    assert f"Essai {RUN}" not in page.locator("#table-groupes").inner_text()
