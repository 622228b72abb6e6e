from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from maillage.platform import EmbeddedPlatform, build_embedded


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPlatform]:
    data_dir: Path = tmp_path_factory.mktemp("var")
    yield build_embedded(data_dir, with_demo=False)


@pytest.fixture(scope="module")
def client(platform: EmbeddedPlatform) -> Iterator[TestClient]:
    with TestClient(platform.app, raise_server_exceptions=False) as test_client:
        yield test_client


_tokens: dict[tuple[int, str], dict[str, str]] = {}


def token(client: TestClient, username: str, password: str = "demo") -> dict[str, str]:
    """Signs in once per client and user: the gateway rate-limits sign-ins, as it should."""
    key = (id(client), username)
    if key not in _tokens:
        response = client.post("/api/v1/auth/token", data={"username": username, "password": password})
        assert response.status_code == 200, response.text
        _tokens[key] = {"Authorization": f"Bearer {response.json()['access_token']}"}
    return _tokens[key]
