"""Embedded mode: the whole platform in one process, same code above the ports as distributed mode.

SQLite files, the SQLite-backed in-process bus, the local vector index and the bundled model, all under
the data dir. The gateway reaches each service through an in-process ASGI transport instead of a socket.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI

from common.messaging.inprocess import InProcessBus
from common.messaging.worker import ConsumerWorker
from common.service_tokens import DistributedKeys
from gateway.bootstrap import bootstrap as gateway_bootstrap
from gateway.settings import GatewaySettings
from maillage import demo
from maillage.in_process import InProcessOfferSource, InProcessProfileSource
from services.matching.bootstrap import CONSUMED_TOPICS, MatchingComponents
from services.matching.bootstrap import bootstrap as matching_bootstrap
from services.matching.ports import TextEncoder
from services.matching.settings import MatchingSettings
from services.offers.bootstrap import OffersComponents
from services.offers.bootstrap import bootstrap as offers_bootstrap
from services.offers.settings import OffersSettings
from services.profiles.bootstrap import ProfilesComponents
from services.profiles.bootstrap import bootstrap as profiles_bootstrap
from services.profiles.settings import ProfilesSettings

log = logging.getLogger("maillage.platform")


@dataclass
class EmbeddedPlatform:
    data_dir: Path
    bus: InProcessBus
    offers: OffersComponents
    profiles: ProfilesComponents
    matching: MatchingComponents
    app: FastAPI = field(init=False)
    consumer: ConsumerWorker | None = None

    def start_background(self) -> None:
        self.offers.relay.start("offers-outbox-relay")
        self.profiles.relay.start("profiles-outbox-relay")
        self.matching.relay.start("matching-outbox-relay")
        self.consumer = self.matching.start_in_process_consumer()

    def stop_background(self) -> None:
        self.offers.relay.stop()
        self.profiles.relay.stop()
        self.matching.relay.stop()
        if self.consumer is not None:
            self.consumer.stop()
        self.bus.close()

    def settle(self, timeout_s: float = 60.0) -> None:
        """Relay every pending event and index it: for demo seeding, commands and tests."""
        relays = (self.offers.relay, self.profiles.relay, self.matching.relay)
        if self.consumer is None:  # nothing runs in the background yet: do the work here
            for relay in relays:
                relay.relay_once()
            self.matching.consumer().drain(timeout_s)
            return
        # The background threads own the relays and the subscription: wake them and wait.
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for relay in relays:
                relay.notify()
            pending = sum(relay.pending() for relay in relays)
            if (
                pending == 0
                and self.bus.group_lag(self.matching.settings.consumer_group, CONSUMED_TOPICS) == 0
            ):
                return
            time.sleep(0.05)
        raise TimeoutError("the platform did not settle in time")


def _secret(data_dir: Path) -> str:
    """One signing key per data dir, so tokens survive a restart but never leave the machine."""
    path = data_dir / "jwt-secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _seed_demo_once(platform: EmbeddedPlatform) -> None:
    """The demo data, loaded on the first start of a data dir only (a marker file remembers it)."""
    marker = platform.data_dir / ".demo-seeded"
    if marker.exists():
        return
    offer_count, people = demo.seed(platform.offers.service, platform.profiles.service)
    platform.settle()
    marker.write_text(f"{offer_count} offers, {people} profiles\n")
    log.info("demo data loaded: %s offers, %s profiles", offer_count, people)


def build_embedded(
    data_dir: Path,
    with_demo: bool = True,
    encoder: TextEncoder | None = None,
    encoder_kind: str = "use",
    linker: str = "use",
) -> EmbeddedPlatform:
    data_dir.mkdir(parents=True, exist_ok=True)

    def sqlite(name: str) -> str:
        return f"sqlite:///{data_dir / name}"

    bus = InProcessBus(str(data_dir / "bus.db"))
    # Ephemeral Ed25519 pairs: nothing outside this process sees them, and every in-process app (which
    # only embedded mode puts together) holds all four.
    keys = DistributedKeys.generate().every_key()

    offers = offers_bootstrap(
        OffersSettings(offers_database_url=sqlite("offers.db")).model_copy(update=keys),
        bus.publisher(),
        False,
    )
    profiles = profiles_bootstrap(
        ProfilesSettings(profiles_database_url=sqlite("profiles.db")).model_copy(update=keys),
        bus.publisher(),
        False,
    )
    matching = matching_bootstrap(
        MatchingSettings(
            matching_database_url=sqlite("matching.db"),
            local_index_path=str(data_dir / "offer_index.db"),
            encoder=encoder_kind,
            linker=linker,
            linking_cache=os.environ.get("MAILLAGE_LINKING_CACHE") or str(data_dir / "linking-cache"),
        ).model_copy(update=keys),
        bus,
        profiles=InProcessProfileSource(profiles.service),
        offers=InProcessOfferSource(offers.service),
        cards=InProcessProfileSource(profiles.service),  # what the person agreed to show employers
        encoder=encoder,
        start_relay=False,
    )
    platform = EmbeddedPlatform(data_dir, bus, offers, profiles, matching)
    matching.service.occupations.warm_up()

    if with_demo:
        _seed_demo_once(platform)
    platform.app = gateway_bootstrap(
        GatewaySettings(
            gateway_database_url=sqlite("gateway.db"),
            jwt_secret=_secret(data_dir),
            demo_accounts=True,  # embedded mode always has the five demo accounts
        ).model_copy(update=keys),
        in_process={"offers": offers.app, "profiles": profiles.app, "matching": matching.app},
        on_startup=platform.start_background,
        on_shutdown=platform.stop_background,
        readiness={"bus": lambda: True, "outbox": lambda: offers.relay.last_error is None},
    )
    return platform
