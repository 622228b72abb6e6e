"""A token stops working once its user is deactivated, deleted, changed password or signed out of that
session — at once on this replica, within the cache's time to live on the others."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from common.identity import Role
from gateway.session import SESSION_COOKIE
from gateway.users import UserStore
from tests.unit.gateway.gateway_support import TOKENS, accounts_engine, gateway_app

PASSWORD = "mot-de-passe-de-camille"


@pytest.fixture
def users(tmp_path: Path) -> UserStore:
    store = UserStore(accounts_engine(tmp_path))
    store.upsert("camille", PASSWORD, Role.REFERENT, "Camille")
    return store


@pytest.fixture
def client(users: UserStore) -> Iterator[TestClient]:
    with TestClient(gateway_app(users), raise_server_exceptions=False) as test_client:
        yield test_client


def sign_in(client: TestClient, password: str = PASSWORD) -> dict[str, str]:
    answer = client.post("/api/v1/auth/token", data={"username": "camille", "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def me(client: TestClient, headers: dict[str, str]) -> int:
    return client.get("/api/v1/auth/me", headers=headers).status_code


def test_a_token_is_refused_once_its_user_is_deactivated(client: TestClient, users: UserStore) -> None:
    headers = sign_in(client)
    assert me(client, headers) == 200
    users.deactivate("camille")
    assert me(client, headers) == 401


def test_a_token_is_refused_once_its_user_is_deleted(client: TestClient, users: UserStore) -> None:
    headers = sign_in(client)
    users.delete("camille")
    assert me(client, headers) == 401


def test_a_password_change_ends_every_earlier_session(client: TestClient, users: UserStore) -> None:
    before = sign_in(client)
    users.change_password("camille", "un-autre-mot-de-passe")
    assert me(client, before) == 401
    assert me(client, sign_in(client, "un-autre-mot-de-passe")) == 200


def test_signing_out_ends_that_session_only(client: TestClient) -> None:
    here, elsewhere = sign_in(client), sign_in(client)
    assert client.post("/api/v1/auth/logout", headers=here).status_code == 204
    assert me(client, here) == 401
    assert me(client, elsewhere) == 200


def test_signing_out_of_the_pages_ends_the_session_of_the_cookie(client: TestClient) -> None:
    token = sign_in(client)["Authorization"].removeprefix("Bearer ")
    csrf = hmac.new(TOKENS.secret.encode(), b"csrf:" + token.encode(), hashlib.sha256).hexdigest()
    client.cookies.set(SESSION_COOKIE, token)
    assert client.post("/deconnexion", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    client.cookies.clear()
    assert me(client, {"Authorization": f"Bearer {token}"}) == 401


def test_a_well_signed_token_of_an_unknown_account_is_refused(client: TestClient) -> None:
    assert me(client, {"Authorization": f"Bearer {TOKENS.issue('camille', Role.REFERENT)}"}) == 200
    legacy = TOKENS.issue("nobody", Role.REFERENT)  # a well-signed token for an account that is not
    assert me(client, {"Authorization": f"Bearer {legacy}"}) == 401


def test_another_replica_sees_a_change_once_its_cache_entry_expires(tmp_path: Path) -> None:
    now = [0.0]
    engine = accounts_engine(tmp_path)
    here = UserStore(engine, cache_seconds=5.0, clock=lambda: now[0])
    there = UserStore(engine, cache_seconds=5.0, clock=lambda: now[0])
    here.upsert("camille", PASSWORD, Role.REFERENT, "Camille")
    session = TOKENS.claims(TOKENS.issue("camille", Role.REFERENT))
    assert there.admits(session)
    here.deactivate("camille")
    assert not here.admits(session)  # this replica: at once
    assert there.admits(session)  # the other: still cached...
    now[0] = 5.1
    assert not there.admits(session)  # ...for at most the cache's time to live
