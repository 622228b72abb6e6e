"""A browser on the site gets a French page for a 403, 404 or 500, in the site's layout with a way back;
the API, and any client that does not ask for HTML, keeps the JSON envelope."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from common.db import make_engine, migrate
from common.identity import Role
from gateway.app import create_gateway_app
from gateway.auth import TokenIssuer
from gateway.bootstrap import MIGRATIONS
from gateway.ratelimit import RateLimits
from gateway.session import SESSION_COOKIE
from gateway.users import UserStore

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
TOKENS = TokenIssuer("s" * 32, "maillage", "maillage", timedelta(hours=1))


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    engine = make_engine(f"sqlite:///{tmp_path / 'gateway.db'}")
    migrate(engine, MIGRATIONS, version_table="gateway_schema_version")
    users = UserStore(engine)
    for role in (Role.REFERENT, Role.EMPLOYER, Role.ANALYST, Role.ADMIN):  # tokens name real accounts
        users.upsert(role.value, f"{role.value}-password", role, role.value)
    app = create_gateway_app(users, TOKENS, {}, RateLimits.per_minute(10, 10, 10))

    @app.get("/en-panne", include_in_schema=False)
    def broken_page() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def signed_in(client: TestClient, role: Role) -> TestClient:
    client.cookies.set(SESSION_COOKIE, TOKENS.issue(role.value, role))
    return client


def test_an_unknown_page_is_a_french_page_with_a_way_back(client: TestClient) -> None:
    page = signed_in(client, Role.REFERENT).get("/referent/nulle-part", headers=BROWSER)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "<h1>Page introuvable</h1>" in page.text
    assert 'href="/referent">Revenir à mon espace' in page.text  # the site's layout, with its header
    assert "Se déconnecter" in page.text


def test_a_signed_out_visitor_gets_the_page_too_with_sign_in_as_the_way_back(client: TestClient) -> None:
    page = client.get("/nulle-part", headers=BROWSER)
    assert page.status_code == 404 and "Page introuvable" in page.text
    assert 'href="/connexion"' in page.text


def test_an_expired_form_is_a_french_403_page(client: TestClient) -> None:
    form = signed_in(client, Role.REFERENT).post(
        "/referent/personnes/p1/diagnostic", data={"csrf": "forged"}, headers=BROWSER
    )
    assert form.status_code == 403 and "<h1>Accès refusé</h1>" in form.text
    assert "Le formulaire a expiré" in form.text


def test_an_unexpected_error_is_a_french_page_that_gives_its_reference(client: TestClient) -> None:
    page = client.get("/en-panne", headers={**BROWSER, "X-Request-ID": "ref-123"})
    assert page.status_code == 500 and "Erreur du service" in page.text
    assert "ref-123" in page.text and "boom" not in page.text


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/api/v1/nulle-part", BROWSER),  # the API, even from a browser
        ("/nulle-part", {"Accept": "application/json"}),  # a client that does not ask for HTML
        ("/nulle-part", {}),
    ],
)
def test_the_api_and_other_clients_keep_the_envelope(
    client: TestClient, path: str, headers: dict[str, str]
) -> None:
    answer = client.get(path, headers=headers)
    assert answer.status_code == 404
    assert answer.json() == {"error": "not_found", "detail": "Not Found"}


def test_an_unexpected_error_outside_a_browser_keeps_the_envelope(client: TestClient) -> None:
    answer = client.get("/en-panne")
    assert answer.status_code == 500 and answer.json()["error"] == "internal"
