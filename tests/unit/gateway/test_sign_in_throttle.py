"""Sign-in throttling: per account whatever the address, per real client address (X-Forwarded-For only
from a configured proxy), with a lockout that grows with repeated failures and touches one account only;
visitors signing in through the pages each count as themselves."""

from __future__ import annotations

from ipaddress import ip_network
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from common.errors import TooManyRequests
from common.identity import Role
from gateway.client_address import client_address
from gateway.ratelimit import AccountLockout, RateLimits
from gateway.users import UserStore
from tests.unit.gateway.gateway_support import accounts_engine, gateway_app


@pytest.fixture
def users(tmp_path: Path) -> UserStore:
    store = UserStore(accounts_engine(tmp_path))
    store.upsert("camille", "bon-mot-de-passe", Role.REFERENT, "Camille")
    store.upsert("dominique", "autre-mot-de-passe", Role.REFERENT, "Dominique")
    return store


def visitor(users: UserStore, address: str, limits: RateLimits | None = None) -> TestClient:
    app = gateway_app(users, limits)
    return TestClient(app, client=(address, 40000), raise_server_exceptions=False)


def test_changing_address_does_not_reset_an_accounts_limit(users: UserStore) -> None:
    app = gateway_app(users)
    statuses = []
    for i in range(11):
        with TestClient(app, client=(f"203.0.113.{i}", 40000), raise_server_exceptions=False) as client:
            answer = client.post("/api/v1/auth/token", data={"username": "camille", "password": f"x{i}"})
            statuses.append(answer.status_code)
    assert statuses[:10] == [401] * 10 and statuses[10] == 429


def test_a_locked_account_does_not_lock_the_others(users: UserStore) -> None:
    with visitor(users, "203.0.113.7") as client:
        for i in range(11):
            client.post("/api/v1/auth/token", data={"username": "camille", "password": f"x{i}"})
        good = {"username": "dominique", "password": "autre-mot-de-passe"}
        assert client.post("/api/v1/auth/token", data=good).status_code == 200


def test_forwarded_for_counts_only_behind_a_trusted_proxy() -> None:
    proxies = [ip_network("10.0.0.0/8")]
    assert client_address("198.51.100.9", "1.2.3.4", []) == "198.51.100.9"  # nobody trusted: the peer
    assert client_address("198.51.100.9", "1.2.3.4", proxies) == "198.51.100.9"  # not a proxy of ours
    assert client_address("10.0.0.2", "1.2.3.4", proxies) == "1.2.3.4"
    # A client cannot put itself first: the address the trusted proxy appended is the one that counts.
    assert client_address("10.0.0.2", "6.6.6.6, 1.2.3.4, 10.0.0.3", proxies) == "1.2.3.4"
    assert client_address("10.0.0.2", "", proxies) == "10.0.0.2"
    assert client_address("10.0.0.2", "not-an-address", proxies) == "10.0.0.2"


def test_the_lockout_grows_with_repeated_failures_and_ends_with_a_success() -> None:
    now = [0.0]
    lockout = AccountLockout(threshold=3, first_lock_s=60, longest_lock_s=600, clock=lambda: now[0])
    for _ in range(3):
        lockout.check("camille")
        lockout.failed("camille")
    with pytest.raises(TooManyRequests) as locked:
        lockout.check("camille")
    assert locked.value.headers == {"Retry-After": "60"}
    lockout.check("dominique")  # others are not affected
    now[0] = 61.0
    lockout.check("camille")
    lockout.failed("camille")  # one more failure after the lock: twice as long
    with pytest.raises(TooManyRequests) as longer:
        lockout.check("camille")
    assert longer.value.headers == {"Retry-After": "120"}
    now[0] = 200.0
    lockout.succeeded("camille")
    lockout.check("camille")
    lockout.failed("camille")
    lockout.check("camille")  # the count starts again after a success


def _page_sign_in(client: TestClient, username: str, password: str) -> int:
    client.get("/connexion")
    csrf = client.cookies.get("maillage_login_csrf")
    form = {"csrf": csrf, "username": username, "password": password}
    return client.post("/connexion", data=form, follow_redirects=False).status_code


def test_visitors_signing_in_on_the_pages_do_not_share_one_bucket(users: UserStore) -> None:
    limits = RateLimits.per_minute(10, 3, 10)  # three attempts per address and minute
    app = gateway_app(users, limits)
    with TestClient(app, client=("203.0.113.1", 40000), raise_server_exceptions=False) as guesser:
        statuses = [_page_sign_in(guesser, f"user{i}", "x") for i in range(4)]
        assert statuses[:3] == [401] * 3 and statuses[3] != 303
    with TestClient(app, client=("198.51.100.2", 40000), raise_server_exceptions=False) as someone:
        assert _page_sign_in(someone, "camille", "bon-mot-de-passe") == 303
