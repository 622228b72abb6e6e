"""What the matching use cases need from the outside world. Adapters live in services/matching/adapters."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import numpy as np
import numpy.typing as npt

from contracts.offers import OfferPublic
from contracts.profiles import CandidateCard, MatchingView
from services.matching.domain.occupations import OfferOccupation

Vector = npt.NDArray[np.float32]


class TextEncoder(Protocol):
    """Embeds offer and person texts for the offer index, one vector per text (the occupation linker's
    query/passage encoders are `linking.dense.LabelEncoder`)."""

    name: str
    dimensions: int

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One L2-normalised row per text."""


@dataclass(frozen=True)
class IndexedOffer:
    """An offer as the index keeps it: the searchable facts, no personal data (there is none in offers)."""

    id: str
    version: int
    title: str
    description: str
    skills: tuple[str, ...]
    kind: str
    contract_type: str
    hours_per_week: float
    lat: float
    lon: float
    commune: str
    insee_code: str | None
    status: str
    expires_on: date
    conditions: tuple[str, ...]
    employer_id: str
    employer_name: str | None
    rome_code: str | None
    appellation_code: str | None
    openings: int
    updated_at: str
    published_on: date | None = None
    naf_code: str | None = None
    # The offer's métier in the ROME: given by the employer, or linked from the title at ingest.
    occupation_label: str | None = None
    occupation_confidence: float = 0.0
    occupation_how: str | None = None
    # The ESCO occupation the title links to (ESCO's French labels hold employers' synonyms).
    esco_uri: str | None = None
    isco_group: str | None = None
    esco_confidence: float = 0.0
    # The ROME competences the offer asks for: its own skills linked, or its fiche's core skills.
    skill_codes: tuple[str, ...] = ()

    @property
    def occupation(self) -> OfferOccupation:
        return OfferOccupation(
            rome_code=self.rome_code,
            appellation_code=self.appellation_code,
            # Codes given by the employer (no linking "how") are certain.
            confidence=self.occupation_confidence if self.occupation_how else 1.0,
            label=self.occupation_label,
            esco_uri=self.esco_uri,
            isco_group=self.isco_group,
            esco_confidence=self.esco_confidence,
        )

    @classmethod
    def from_offer(cls, offer: OfferPublic) -> IndexedOffer:
        return cls(
            id=offer.id,
            version=offer.version,
            title=offer.title,
            description=offer.description,
            skills=tuple(offer.skills),
            kind=offer.kind.value,
            contract_type=offer.contract_type.value,
            hours_per_week=offer.hours_per_week,
            lat=offer.location.lat,
            lon=offer.location.lon,
            commune=offer.location.commune,
            insee_code=offer.location.insee_code,
            status=offer.status.value,
            expires_on=offer.expires_on,
            conditions=tuple(c.value for c in offer.conditions),
            employer_id=offer.employer_id,
            employer_name=offer.employer_name,
            rome_code=offer.rome_code,
            appellation_code=offer.appellation_code,
            openings=offer.openings,
            # Freshness is the source's: an offer imported today but last updated in March is not fresh.
            updated_at=(offer.source_updated_at or offer.published_at or offer.updated_at).isoformat(),
            published_on=(offer.published_at or offer.created_at).date(),
            naf_code=offer.naf_code,
        )


@dataclass(frozen=True)
class HardFilters:
    """Constraints no suggestion may break. Every index applies them; the ranking checks them again."""

    lat: float
    lon: float
    radius_km: float
    today: date
    contract_types: frozenset[str] = frozenset()  # empty: any contract
    min_hours: float | None = None
    max_hours: float | None = None
    excluded_conditions: frozenset[str] = frozenset()
    excluded_offer_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class OwnOccupations:
    """The person's own métiers as the index knows them: ROME fiches and ESCO occupations."""

    rome_codes: frozenset[str] = frozenset()
    esco_uris: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.rome_codes or self.esco_uris)

    def __contains__(self, offer: object) -> bool:
        return isinstance(offer, IndexedOffer) and (
            offer.rome_code in self.rome_codes or offer.esco_uri in self.esco_uris
        )


@dataclass(frozen=True)
class Hit:
    offer: IndexedOffer
    similarity: float  # cosine similarity in [-1, 1]


@dataclass(frozen=True)
class Search:
    """One kNN request: the k nearest offers that pass the filters; with `within`, only offers of those
    fiches or ESCO occupations."""

    vector: Vector
    filters: HardFilters
    k: int
    within: OwnOccupations | None = None


class OfferIndex(Protocol):
    backend: str

    def ensure(self) -> None:
        """Create the index if it does not exist."""

    def upsert(self, offers: Sequence[tuple[IndexedOffer, Vector]]) -> int:
        """Write offers whose version is newer than the indexed one; return how many were written."""

    def versions(self, ids: Sequence[str]) -> dict[str, int]: ...

    def get_offers(self, ids: Sequence[str]) -> dict[str, IndexedOffer]: ...

    def search(
        self, vector: Vector, filters: HardFilters, k: int, within: OwnOccupations | None = None
    ) -> list[Hit]:
        """The k nearest offers that pass the filters; with `within`, only offers of those fiches or
        ESCO occupations."""

    def search_together(self, searches: Sequence[Search]) -> list[list[Hit]]:
        """Each search's hits, in the order asked, in one round trip where the index allows it."""

    def count(self) -> int: ...

    def reachable(self) -> bool:
        """Whether the index answers now (readiness); an in-process index always does."""

    def rebuild(self, batches: Iterator[Sequence[tuple[IndexedOffer, Vector]]]) -> int:
        """Build a fresh index from scratch and switch to it only when complete (alias swap)."""

    def delete(self, ids: Sequence[str]) -> None: ...


class ProfileSource(Protocol):
    def matching_view(self, profile_id: str) -> MatchingView | None: ...


class CandidateCardSource(Protocol):
    """What the person agreed to show an employer when proposed one of their offers (None: nothing)."""

    def candidate_card(self, profile_id: str) -> CandidateCard | None: ...


class OfferSource(Protocol):
    def iter_offers(self, page_size: int = 500) -> Iterator[OfferPublic]: ...


# -- demand analytics (aggregates only: counts of offers, never a document) -------------------------------
@dataclass(frozen=True)
class MonthCount:
    """Offers published with one value of a field (a commune's INSEE code, or a ROME code; None: the
    offer has none) in one month (its first day; None: no publication date)."""

    key: str | None
    month: date | None
    offers: int
    openings: int


@dataclass(frozen=True)
class AgeBucket:
    """Active, unexpired offers whose publication is `min_days` to `max_days` old (None: no bound)."""

    key: str
    min_days: int
    max_days: int | None
    offers: int
    openings: int


@dataclass
class IndexAggregates:
    # By area, offers published in [since, until): by commune × month and by ROME code × month. The two
    # margins are all the report reads; their cross (commune × ROME × month) was 80k cells at 100k offers.
    places: dict[str, list[MonthCount]]
    jobs: dict[str, list[MonthCount]]
    skills: dict[str, list[tuple[str, int]]]  # by area: skills of active offers, (skill, offers citing it)
    unfilled: dict[str, list[AgeBucket]]  # by area


# Age of unfilled offers, in days since publication: (key, min_days, max_days).
AGE_RANGES: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("90+", 91, None),
)


class AnalyticsIndex(Protocol):
    def aggregate_demand(
        self,
        today: date,
        since: date | None = None,
        areas: Mapping[str, frozenset[str] | None] | None = None,
        top_skills: int = 50,
        until: date | None = None,
        monthly: bool = True,
    ) -> IndexAggregates:
        """By area (its communes; None: anywhere), offers published in [since, until) by commune × month
        and by ROME × month (not `monthly`: every month together, month None); the `top_skills` skills
        of active offers (none asked: none counted) and active offers by age. Every index answers with
        the same numbers."""
