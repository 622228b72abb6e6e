"""The same people, the same offers: the same suggestions in the same order on both index backends."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from common.db import make_engine, migrate
from contracts.offers import OfferPublic
from contracts.profiles import MatchingView
from maillage import demo
from services.matching.adapters.encoders import HashingEncoder
from services.matching.adapters.es_index import ElasticsearchOfferIndex
from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.adapters.sql import sql_units_of_work
from services.matching.bootstrap import MIGRATIONS
from services.matching.occupations import OccupationResolver, shared_linker, shared_skill_linker
from services.matching.service import MatchingService

ENCODER = HashingEncoder(128)


class Profiles:
    def __init__(self, views: dict[str, MatchingView]) -> None:
        self.views = views

    def matching_view(self, profile_id: str) -> MatchingView | None:
        return self.views.get(profile_id)


class NoOffers:
    def iter_offers(self, page_size: int = 500):  # type: ignore[no-untyped-def]
        return iter(())


def fixture_offers() -> list[OfferPublic]:
    now = "2026-11-20T00:00:00+00:00"
    return [
        OfferPublic.model_validate(
            {
                **offer.model_dump(mode="json"),
                "id": f"offer-{i:03d}",
                "employer_id": caller.subject,
                "status": "active",
                "version": 1,
                "expires_on": "2027-03-01",
                "created_at": now,
                "updated_at": now,
            }
        )
        for i, (caller, offer) in enumerate(demo.demo_offers())
    ]


def fixture_people() -> dict[str, MatchingView]:
    views = {}
    for i, person in enumerate(demo.demo_profiles()):
        data = person.model_dump(mode="json")
        data.pop("display_name"), data.pop("contraintes")
        views[f"p{i}"] = MatchingView.model_validate({**data, "profile_id": f"p{i}", "version": 1})
    return views


def test_elasticsearch_and_local_index_rank_alike(elasticsearch_url: str, tmp_path: Path) -> None:
    people = fixture_people()
    services = []
    indexes: list[tuple[str, LocalOfferIndex | ElasticsearchOfferIndex]] = [
        ("local", LocalOfferIndex(str(tmp_path / "i.db"), 128)),
        ("es", ElasticsearchOfferIndex(elasticsearch_url, 128, alias=f"same-{uuid.uuid4().hex[:8]}")),
    ]
    for name, index in indexes:
        engine = make_engine(f"sqlite:///{tmp_path / name}.db")
        migrate(engine, MIGRATIONS, "matching_schema_version")
        index.ensure()
        service = MatchingService(
            sql_units_of_work(engine),
            index,
            ENCODER,
            Profiles(people),
            NoOffers(),
            # The whole ranking on both backends: titles, target jobs and skills linked (lexically:
            # no model to load), so the floor, the tiers and the skills fit are compared too.
            occupations=OccupationResolver(shared_linker("lexical", ""), shared_skill_linker("lexical", "")),
            today=lambda: date(2026, 11, 27),
        )
        service.index_offers(fixture_offers())
        getattr(index, "refresh", lambda: None)()
        services.append(service)

    compared = 0
    for pid in people:
        local = [(s.offer_id, s.score) for s in services[0].suggest(pid, 10).items]
        remote = [(s.offer_id, s.score) for s in services[1].suggest(pid, 10).items]
        assert [o for o, _ in local] == [o for o, _ in remote], (pid, local, remote)
        assert all(abs(a - b) < 1e-3 for (_, a), (_, b) in zip(local, remote, strict=True))
        compared += len(local)
    assert compared > 10  # the fixture does produce suggestions to compare
