"""A France Travail feed through the whole platform: imported by an admin, a Nemours offer (Seine-et-Marne)
is suggested to a person in Montargis with a 30 km radius, a Mayenne one never is, and the dashboard
counts the offers in the months they were published, not the month of the import."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from maillage.platform import EmbeddedPlatform, build_embedded
from tests.e2e.conftest import token
from tests.factories import location, profile_payload

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "france_travail"


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPlatform]:
    # The lexical encoder and no occupation linker: this test is about places and dates, not wording.
    yield build_embedded(
        tmp_path_factory.mktemp("var"), with_demo=False, encoder_kind="hashing", linker="none"
    )


@pytest.fixture(scope="module")
def client(platform: EmbeddedPlatform) -> Iterator[TestClient]:
    with TestClient(platform.app, raise_server_exceptions=False) as test_client:
        yield test_client


def page() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "page_minified.json").read_text(encoding="utf-8"))
    return data


def fresh(record: dict[str, Any], days_ago: int = 5) -> dict[str, Any]:
    stamp = (datetime.now(UTC) - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return dict(record, dateCreation=stamp, dateActualisation=stamp)


def upload(client: TestClient, name: str, content: dict[str, Any], **form: str) -> Any:
    files = {"file": (name, json.dumps(content, separators=(",", ":")), "application/json")}
    return client.post("/api/v1/offers/import", files=files, data=form, headers=token(client, "admin"))


def test_a_border_offer_is_suggested_and_a_mayenne_one_never(
    client: TestClient, platform: EmbeddedPlatform
) -> None:
    records = [fresh(r) for r in page()["resultats"]]
    refused = upload(client, "page.json", {"resultats": records}, employer="employer")
    assert refused.status_code == 422  # all or nothing: two records are bad
    detail = {(e["record"], e["source_id"], e["reason"]) for e in refused.json()["detail"]}
    assert (2, "190AAA2", "hors du territoire") in detail and (6, "190AAA6", "lieu trop imprécis") in detail
    dry = upload(client, "page.json", {"resultats": records}, employer="employer", dry_run="true").json()
    assert dry["dry_run"] and dry["created"] == 0 and len(dry["errors"]) == 2 and dry["warnings"]
    report = upload(client, "page.json", {"resultats": records}, employer="employer", partial="true").json()
    assert (report["created"], report["rejected"]) == (5, 2)
    assert {(s["reason"], s["records"]) for s in report["summary"]} == {
        ("hors du territoire", 1),
        ("lieu trop imprécis", 1),
    }
    platform.settle()
    referent = token(client, "referent")
    person = profile_payload(
        target_jobs=["préparateur de commandes"],
        skills=["préparation de commandes"],
        location=location("Montargis"),
        mobility={"max_distance_km": 30, "transport": ["car"]},
    )
    pid = client.post("/api/v1/profiles", json=person, headers=referent).json()["id"]
    platform.settle()
    items = client.get(f"/api/v1/profiles/{pid}/suggestions?limit=50", headers=referent).json()["items"]
    offers = {o["id"]: o for o in client.get("/api/v1/offers?limit=50", headers=referent).json()["items"]}
    places = {offers[i["offer_id"]]["location"]["insee_code"] for i in items}
    assert "77333" in places  # Nemours, Seine-et-Marne, 29 km away
    assert not any(code.startswith("53") for code in places)
    nearby = dict(person, mobility={"max_distance_km": 20, "transport": ["car"]})
    pid = client.post("/api/v1/profiles", json=nearby, headers=referent).json()["id"]
    platform.settle()
    items = client.get(f"/api/v1/profiles/{pid}/suggestions?limit=50", headers=referent).json()["items"]
    assert "77333" not in {offers[i["offer_id"]]["location"]["insee_code"] for i in items}


def test_imported_offers_keep_their_publication_months_on_the_dashboard(
    client: TestClient, platform: EmbeddedPlatform
) -> None:
    template = page()["resultats"][3]  # the Gien weekend job
    march = []
    for day in range(1, 7):
        record = copy.deepcopy(template)
        record.update(id=f"190MAR{day}", dateCreation=f"2025-03-0{day}T08:00:00.000Z", dateActualisation=None)
        march.append(record)
    analyst, this_month = token(client, "analyst"), date.today().strftime("%Y-%m")

    def offers_in(month: str) -> int:
        demand = client.get("/api/v1/analytics/demand", params={"month": month}, headers=analyst).json()
        return int(demand["areas"][0]["total"]["offers"][0])  # the chosen month's offers

    march_before, now_before = offers_in("2025-03"), offers_in(this_month)
    report = upload(client, "mars.json", {"resultats": march}, employer="employer")
    assert report.status_code == 200 and report.json()["created"] == 6
    platform.settle()
    # Counted in March 2025, when France Travail published them; with the import date they would all
    # have landed in the current month.
    assert offers_in("2025-03") == march_before + 6
    assert offers_in(this_month) == now_before


def test_the_offer_sheet_shows_what_the_source_said(client: TestClient, platform: EmbeddedPlatform) -> None:
    records = [fresh(r) for r in page()["resultats"] if r["id"] == "190AAA3"]
    assert upload(client, "one.json", {"resultats": records}, employer="employer").status_code == 200
    mine = client.get("/api/v1/offers?limit=200", headers=token(client, "employer")).json()["items"]
    franchise = next(o for o in mine if o["source_id"] == "ft:190AAA3")
    browser = TestClient(platform.app)  # its own cookies: a signed-in employer's browser
    form = browser.get("/connexion").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf is not None
    signed = browser.post("/connexion", data={"username": "employer", "password": "demo", "csrf": csrf[1]})
    assert signed.status_code == 200, signed.text
    sheet = browser.get(f"/employeur/offres/{franchise['id']}")
    assert sheet.status_code == 200
    assert "FRA — Franchise" in sheet.text and "code France Travail" in sheet.text
    assert 'href="https://candidat.francetravail.fr/offres/recherche/detail/190AAA3"' in sheet.text
    assert "activité non salariée" in sheet.text  # the import's note, to check
    assert "Montargis (45208)" in sheet.text  # the form keeps the INSEE code: no same-named commune
