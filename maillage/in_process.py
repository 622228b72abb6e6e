"""Embedded mode's adapters of matching's ports: the offers and profiles services' use cases, called in
the same process (distributed mode calls their HTTP endpoints: services/matching/adapters/sources.py).

A composition root's module: it is the one place where matching meets the other services' classes.
"""

from __future__ import annotations

from collections.abc import Iterator

from common.errors import NotFound
from common.identity import SYSTEM_CALLER
from contracts.offers import OfferPublic
from contracts.profiles import CandidateCard, MatchingView
from services.offers.service import OffersService
from services.profiles.service import ProfilesService


class InProcessProfileSource:
    def __init__(self, service: ProfilesService) -> None:
        self._service = service

    def matching_view(self, profile_id: str) -> MatchingView | None:
        try:
            return self._service.matching_view(SYSTEM_CALLER, profile_id)
        except NotFound:
            return None

    def candidate_card(self, profile_id: str) -> CandidateCard | None:
        try:
            return self._service.candidate_card(SYSTEM_CALLER, profile_id)
        except NotFound:
            return None


class InProcessOfferSource:
    def __init__(self, service: OffersService) -> None:
        self._service = service

    def iter_offers(self, page_size: int = 500) -> Iterator[OfferPublic]:
        after = ""
        while True:
            page = self._service.after(SYSTEM_CALLER, after, page_size)
            yield from page
            if len(page) < page_size:
                return
            after = page[-1].id
