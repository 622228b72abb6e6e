"""Browser tests: real headless Chromium (Debian's package) driven by Playwright, against the embedded
platform served by uvicorn on a free port in a thread. Under MAILLAGE_REQUIRE_SERVERS=1 (make test) a
missing Chromium or Playwright fails the run instead of skipping."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from maillage.platform import EmbeddedPlatform, build_embedded
from scripts.chromium import CHROMIUM_ARGS
from tests.conftest import REQUIRE_SERVERS
from tests.processes import LiveServer


def _unavailable(message: str) -> None:
    if REQUIRE_SERVERS:
        pytest.fail(message)
    pytest.skip(message)


def chromium_path() -> str:
    path = os.environ.get("MAILLAGE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        _unavailable(f"Chromium not found ({path}): run scripts/browser_install.sh (make test does)")
    return path


@contextmanager
def served_platform(
    data_dir: Path, name: str, prepare: Callable[[EmbeddedPlatform], None] = lambda _: None
) -> Iterator[LiveServer]:
    """The embedded platform with the demo data, `prepare`d, then served until the block ends."""
    with pytest.MonkeyPatch.context() as env:
        # The browser tests sign in as the same demo accounts dozens of times a minute, which the
        # per-account sign-in limit would refuse (that limit has its own tests: tests/unit/gateway/
        # test_sign_in_throttle.py). The settings are read here, at bootstrap.
        env.setenv("MAILLAGE_LOGIN_ATTEMPTS_PER_MINUTE", "1000")
        env.setenv("MAILLAGE_LOGIN_ATTEMPTS_PER_MINUTE_PER_IP", "1000")
        platform = build_embedded(data_dir, with_demo=True, encoder_kind="hashing")
    prepare(platform)
    server = LiveServer(platform.app, name)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with served_platform(tmp_path_factory.mktemp("browser-var"), "uvicorn-browser-tests") as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed: pip install -e '.[dev]'")
    with sync_playwright() as playwright:
        # launch() gives every run a fresh temporary user-data-dir of its own.
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def new_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A function that opens a page in a fresh context (its own cookies): one per role."""
    contexts: list[Any] = []

    def open_page() -> Any:
        context = browser.new_context(base_url=live_server.url, locale="fr-FR")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page: Any, username: str, password: str = "demo") -> None:
    page.goto("/connexion")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
