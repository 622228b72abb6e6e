"""Matching use cases: keep the index and the profile projections up to date, and rank suggestions."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from common.clock import utcnow
from common.errors import Conflict, NotFound
from common.messaging.handlers import HandlerRegistry
from common.territory import territory_midnight, territory_today
from contracts.events import (
    OfferUpsertedV1,
    ProfileChanged,
    ProfileDeletedV1,
    ProfileUpsertedV1,
)
from contracts.matching import OutcomeStatus, RefusalReason
from contracts.offers import OfferPublic
from contracts.profiles import CandidateCard, MatchingView
from services.matching.domain.constraints import filters_for, usable_means
from services.matching.domain.follow_up import PersonFollowUp, follow_ups
from services.matching.domain.occupations import OccupationLink
from services.matching.domain.outcomes import (
    CLOSED_FOR_PERSON,
    Outcome,
    check_outcome,
    employer_penalties,
    outcome_dict,
)
from services.matching.domain.people import PeopleGridsCache
from services.matching.domain.proposals import overdue_cutoff, with_overdue
from services.matching.domain.ranking import Person, RankedList, rank_with_end
from services.matching.domain.referent_activity import ReferentCounts, referent_counts
from services.matching.domain.second_search import SecondSearchHabit
from services.matching.employer_proposals import follow_proposal, write_outcome
from services.matching.occupations import OccupationResolver
from services.matching.ports import (
    CandidateCardSource,
    HardFilters,
    Hit,
    IndexedOffer,
    OfferIndex,
    OfferSource,
    OwnOccupations,
    ProfileSource,
    Search,
    TextEncoder,
    Vector,
)
from services.matching.texts import offer_body, offer_vectors, profile_text
from services.matching.units import MatchingUnitOfWorkFactory, Projection, StoredCounts

log = logging.getLogger("maillage.matching")

CANDIDATES_PER_RESULT = 5  # the index returns k = limit × this; ranking re-orders within them
# The second candidate source: when the window holds fewer than limit × this offers of the person's
# fiches (and their first neighbours) and ESCO occupations, that many of them are searched for.
OWN_CANDIDATES_PER_RESULT = 2
MAX_CANDIDATE_FICHES = 24


@dataclass
class MatchingService:
    """`units_of_work`: a new unit of work per call on matching's store (projections, outcomes, outbox):
    adapters/sql.py's `sql_units_of_work(engine)`, or adapters/memory.py's in unit tests."""

    units_of_work: MatchingUnitOfWorkFactory
    index: OfferIndex
    encoder: TextEncoder
    profiles: ProfileSource
    offers: OfferSource
    occupations: OccupationResolver = field(default_factory=lambda: OccupationResolver(None))
    today: Callable[[], date] = territory_today  # the territory's day: which offers have expired
    # Where a proposal's card comes from when the person agreed to share with employers; without it,
    # proposals stay with the référent.
    cards: CandidateCardSource | None = None
    now: Callable[[], datetime] = utcnow
    # Demand analytics' people figures, kept while the projections do not change (demand.py).
    people_grids: PeopleGridsCache = field(default_factory=PeopleGridsCache)
    second_search: SecondSearchHabit = field(default_factory=SecondSearchHabit)

    # -- projection of events (the consumer calls this) -----------------------------------------------
    def event_handlers(self) -> HandlerRegistry:
        """What matching does with each event it consumes; the consumer dead-letters any other."""
        return (
            HandlerRegistry()
            .on(OfferUpsertedV1, self._index_upserted_offers)
            .on(ProfileUpsertedV1, self._project_upserted_profiles)
            .on(ProfileDeletedV1, self._forget_deleted_profiles)
        )

    def _index_upserted_offers(self, events: list[OfferUpsertedV1]) -> None:
        latest_offers: dict[str, OfferPublic] = {}
        for event in events:
            offer = event.offer()
            current = latest_offers.get(offer.id)
            if current is None or offer.version > current.version:
                latest_offers[offer.id] = offer
        self.index_offers(list(latest_offers.values()))

    def _project_upserted_profiles(self, events: list[ProfileUpsertedV1]) -> None:
        for event in events:
            self._project_profile(event.payload)

    def _forget_deleted_profiles(self, events: list[ProfileDeletedV1]) -> None:
        for event in events:
            self._forget_profile(event.payload.profile_id)

    def index_offers(self, offers: Sequence[OfferPublic]) -> int:
        known = self.index.versions([o.id for o in offers])
        fresh = [o for o in offers if o.version > known.get(o.id, 0)]
        if not fresh:
            return 0  # redelivered events: nothing to embed, nothing to write
        return self.index.upsert(self._embed(fresh))

    def _embed(self, offers: Sequence[OfferPublic]) -> list[tuple[IndexedOffer, Vector]]:
        """Encode each title once (that vector also serves linking), tie each offer to its ROME métier,
        then encode what the offer says besides its title: one encoder pass per text, batched."""
        forms = self.occupations.linking_forms([o.title for o in offers])
        title_vectors = self.encoder.encode(forms)
        self.occupations.lend_title_vectors(forms, title_vectors)
        docs = [
            _with_occupation(IndexedOffer.from_offer(offer), link)
            for offer, link in zip(offers, self.occupations.for_offers(offers), strict=True)
        ]
        docs = [
            replace(d, skill_codes=self.occupations.offer_skill_codes(d.skills, d.rome_code)) for d in docs
        ]
        vectors = offer_vectors(title_vectors, [offer_body(d) for d in docs], self.encoder.encode)
        return list(zip(docs, vectors, strict=True))

    def _project_profile(self, changed: ProfileChanged) -> None:
        with self.units_of_work() as uow:
            if uow.projections.version(changed.profile_id) >= changed.version:
                return
        view = self.profiles.matching_view(changed.profile_id)
        if view is None:
            self._forget_profile(changed.profile_id)  # deleted since: nothing to keep
            return
        self._save_projection(view)

    def _save_projection(self, view: MatchingView) -> Projection:
        occupations = self.occupations.for_person(view)  # the target jobs get their ROME codes on save
        vector: Vector = self.encoder.encode([profile_text(view, occupations)])[0]
        try:
            with self.units_of_work() as uow:
                uow.projections.save(view, vector, occupations)
                uow.commit()
        except Conflict:
            # The consumer and a read-through suggestion request projected the same person at the same
            # moment: the other writer's row is as good as ours (same or newer version).
            log.info("projection of %s written concurrently; keeping the stored one", view.profile_id)
        return Projection(view, vector, occupations)

    def _forget_profile(self, profile_id: str) -> None:
        """The person left the platform: drop what matching kept about them, outcomes included."""
        with self.units_of_work() as uow:
            uow.projections.delete(profile_id)
            uow.outcomes.delete_for_profile(profile_id)
            uow.proposals.delete_for_profile(profile_id)
            uow.commit()

    # -- queries --------------------------------------------------------------------------------------
    def suggest(self, profile_id: str, limit: int, min_version: int = 0) -> RankedList:
        """The person's ranked offers, computed from version `min_version` of their profile or a newer one
        (the version a save returned: read-your-writes, whatever the consumer has reached)."""
        with self.units_of_work() as uow:
            stored = uow.projections.get(profile_id)
            statuses = uow.outcomes.statuses_for(profile_id)
        projection = self._current_projection(profile_id, stored, min_version)
        view = projection.view
        closed = frozenset(o for o, seen in statuses.items() if seen & CLOSED_FOR_PERSON)
        filters = filters_for(view, self.today(), excluded_offer_ids=closed)
        hits = self._candidates(projection, filters, limit)
        person = Person(
            target_jobs=view.target_jobs,
            skills=view.skills,
            already_proposed=frozenset(o for o, seen in statuses.items() if OutcomeStatus.PROPOSED in seen),
            employer_penalty=self._penalties_of(frozenset(hit.offer.employer_id for hit in hits)),
            occupations=projection.occupations,
            family_of=self.occupations.family_of,
            neighbours_of=self.occupations.neighbours_of,
            skills_profile=self.occupations.skills_profile(view.skills),
            means=usable_means(view),
        )
        return rank_with_end(hits, filters, person, limit)

    def _penalties_of(self, employer_ids: frozenset[str]) -> dict[str, float]:
        """How much each employer among the candidates left proposals unanswered, read for them alone:
        what a suggestion reads does not grow with the history of outcomes (docs/scaling.md)."""
        if not employer_ids:
            return {}
        with self.units_of_work() as uow:
            records = uow.outcomes.employer_records(employer_ids)
            overdue = uow.proposals.overdue_by_employer(overdue_cutoff(self.now()), employer_ids)
        return employer_penalties(with_overdue(records, overdue))

    def _candidates(self, projection: Projection, filters: HardFilters, limit: int) -> list[Hit]:
        """The nearest offers within the filters; when that window is full and holds few offers of the
        person's own métiers, also the nearest offers of those métiers (a second search), so they are
        never crowded out by offers that only sound alike."""
        k = limit * CANDIDATES_PER_RESULT
        own = OwnOccupations(
            rome_codes=self._candidate_fiches(projection.occupations),
            esco_uris=frozenset(link.esco_uri for link in projection.occupations if link.esco_uri),
        )
        if not own:
            return self.index.search(projection.vector, filters, k)
        first = Search(projection.vector, filters, k)
        second = Search(projection.vector, filters, limit * OWN_CANDIDATES_PER_RESULT, own)
        together = self.second_search.ask_together()
        if together:
            hits, extra = self.index.search_together([first, second])
        else:
            hits = self.index.search(first.vector, first.filters, first.k)
        needed = len(hits) >= k and sum(h.offer in own for h in hits) < second.k
        self.second_search.record(needed)
        if not needed:
            return hits
        if not together:
            extra = self.index.search(second.vector, second.filters, second.k, second.within)
        seen = {h.offer.id for h in hits}
        return hits + [h for h in extra if h.offer.id not in seen]

    def _candidate_fiches(self, occupations: Sequence[OccupationLink]) -> frozenset[str]:
        """The person's fiches and their neighbours: offers of these are always among the candidates."""
        own = [link.rome_code for link in occupations if link.rome_code]
        neighbours = [n for code in own for n in self.occupations.neighbours_of.get(code, ())[:4]]
        return frozenset(list(dict.fromkeys([*own, *neighbours]))[:MAX_CANDIDATE_FICHES])

    # -- outcomes -------------------------------------------------------------------------------------
    def record_outcome(
        self,
        profile_id: str,
        offer_id: str,
        status: OutcomeStatus,
        reason: RefusalReason | None,
        recorded_by: str,
    ) -> dict[str, object]:
        offer = self.index.get_offers([offer_id]).get(offer_id)
        if offer is None:
            raise NotFound(f"No offer {offer_id}.", code="offer.not_found")
        card = self._card_if_consented(profile_id, offer_id) if status == OutcomeStatus.PROPOSED else None
        with self.units_of_work() as uow:
            outcome = Outcome(profile_id, offer_id, offer.employer_id, status, reason, recorded_by)
            write_outcome(uow, outcome)
            follow_proposal(uow, outcome, card, offer.skills)
            uow.commit()
        return outcome_dict(outcome)

    def _card_if_consented(self, profile_id: str, offer_id: str) -> CandidateCard | None:
        """The card the person agreed to show the employer, asked of the profiles service before the unit
        of work opens; only once the proposal is known to be a new one, so that the profiles service's
        audit trail never records a card that was not shared."""
        if self.cards is None:
            return None
        with self.units_of_work() as uow:
            check_outcome(OutcomeStatus.PROPOSED, None, uow.outcomes.latest(profile_id, offer_id))
        return self.cards.candidate_card(profile_id)

    def outcomes(self, profile_id: str) -> list[dict[str, object]]:
        with self.units_of_work() as uow:
            return [outcome_dict(o) for o in uow.outcomes.history(profile_id)]

    def follow_ups(self, proposer: str) -> list[PersonFollowUp]:
        """The people `proposer` proposed offers to, and the proposals still waiting for an answer."""
        with self.units_of_work() as uow:
            return follow_ups(uow.outcomes.proposed_by(proposer), proposer)

    def offer_outcome_counts(self, offer_id: str) -> dict[str, int]:
        """How many times an offer was proposed and what came of it — counts only, never who."""
        with self.units_of_work() as uow:
            return uow.outcomes.counts_for_offer(offer_id)

    def referent_followup(self, referents: list[str], since: date | None = None) -> list[ReferentCounts]:
        """The proposals each référent made (from `since` on, when given) and what came of them: counts,
        never who."""
        start = territory_midnight(since) if since else None
        with self.units_of_work() as uow:
            return referent_counts(uow.outcomes.of_proposals_by(referents, start), referents, start)

    def stored_counts(self) -> StoredCounts:
        """What demand analytics read of matching's store: counts only, never who."""
        with self.units_of_work() as uow:
            by_status, by_reason = uow.outcomes.totals()
            return StoredCounts(uow.projections.people_facts(), by_status, by_reason)

    def _current_projection(self, profile_id: str, stored: Projection | None, min_version: int) -> Projection:
        """`stored`, when it is recent enough and made by this encoder; else the person read through."""
        if (
            stored is not None
            and stored.view.version >= min_version
            and len(stored.vector) == self.encoder.dimensions
        ):
            return stored
        # Read-through from the profiles service, which holds every committed version: the profile event
        # may not have been consumed yet (a new person, or a save the caller wants to see at once), or the
        # projection was made with another encoder. Waiting for the consumer instead would tie the answer
        # to the broker's lag; reading the source costs one request and one encoding, and only when behind.
        view = self.profiles.matching_view(profile_id)
        if view is None:
            raise NotFound(f"No profile {profile_id}.", code="profile.not_found")
        if view.version < min_version:
            # Only a caller inventing versions gets here: the profiles service answers with what it has.
            log.info("profile %s asked at version %d, newest is %d", profile_id, min_version, view.version)
        return self._save_projection(view)

    def rebuild_index(self, batch_size: int = 256, progress: Callable[[int], None] = lambda _: None) -> int:
        """Embed every offer of the offers service into a new index and switch to it; `progress` hears
        how many offers are embedded so far."""

        def counted(
            batches: Iterator[list[tuple[IndexedOffer, Vector]]],
        ) -> Iterator[list[tuple[IndexedOffer, Vector]]]:
            embedded = 0
            for batch in batches:
                embedded += len(batch)
                progress(embedded)
                yield batch

        return self.index.rebuild(counted(self._embedded_batches(self.offers.iter_offers(), batch_size)))

    def _embedded_batches(
        self, offers: Iterator[OfferPublic], batch_size: int
    ) -> Iterator[list[tuple[IndexedOffer, Vector]]]:
        batch: list[OfferPublic] = []
        for offer in offers:
            batch.append(offer)
            if len(batch) == batch_size:
                yield self._embed(batch)
                batch = []
        if batch:
            yield self._embed(batch)

    def status(self) -> dict[str, Any]:
        with self.units_of_work() as uow:
            profiles = uow.projections.count()
        return {
            "indexed_offers": self.index.count(),
            "projected_profiles": profiles,
            "index_backend": self.index.backend,
            "encoder": self.encoder.name,
        }


def _with_occupation(doc: IndexedOffer, link: OccupationLink | None) -> IndexedOffer:
    if link is None:
        return doc
    return replace(
        doc,
        rome_code=link.rome_code or doc.rome_code,
        appellation_code=link.appellation_code or doc.appellation_code,
        occupation_label=link.label if link.rome_code else doc.occupation_label,
        occupation_confidence=link.confidence,
        occupation_how=link.how,
        esco_uri=link.esco_uri,
        isco_group=link.isco_group,
        esco_confidence=link.esco_confidence,
    )
