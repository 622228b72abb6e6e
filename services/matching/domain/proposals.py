"""Proposals shared with employers: the anonymised card, the employer's answer, and how responsive each
employer is.

When a référent proposes an offer to a person who agreed to share, the offer's employer gets a card —
the name as far as the person allowed, the skills of theirs that the offer asks for, their availability,
the référent as contact — and nothing else. The employer's answer becomes an outcome of the proposal
(hired → accepted, not retained → refused with the reason, interview → interview), so ranking learns from
it as from the référent's own records; a question stays a message to the référent. How fast and how
often an employer answers is measured, shown, and feeds the unresponsive-employer penalty.
"""

from __future__ import annotations

import statistics
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from common import french_catalogue as fr
from common.clock import utcnow
from common.errors import Conflict, ValidationFailed
from common.text import normalise
from contracts.matching import OutcomeStatus, RefusalReason
from contracts.proposals import ANSWER_WITHIN_DAYS, EMPLOYER_REFUSAL_REASONS, EmployerAnswer
from services.matching.domain.disclosure import hidden
from services.matching.domain.outcomes import EmployerRecord

# What each answer records as the proposal's outcome (a question records none: the proposal stays open).
OUTCOME_OF_ANSWER: dict[EmployerAnswer, OutcomeStatus] = {
    EmployerAnswer.INTERVIEW: OutcomeStatus.INTERVIEW,
    EmployerAnswer.HIRED: OutcomeStatus.ACCEPTED,
    EmployerAnswer.NOT_RETAINED: OutcomeStatus.REFUSED,
}
# Answers after which the employer has nothing more to say about the proposal.
FINAL_ANSWERS = {EmployerAnswer.HIRED, EmployerAnswer.NOT_RETAINED}


def relevant_skills(person_skills: Sequence[str], offer_skills: Iterable[str]) -> tuple[str, ...]:
    """The person's skills that the offer asks for (compared without case or accents), in the person's
    words: the only skills the employer sees."""
    asked = {normalise(s) for s in offer_skills if normalise(s)}
    return tuple(dict.fromkeys(s for s in person_skills if normalise(s) in asked))


def _field(name: str, message: str) -> list[dict[str, str]]:
    return [{"field": name, "message": message}]


def check_answer(answer: EmployerAnswer, reason: RefusalReason | None, question: str | None) -> None:
    not_retained = answer == EmployerAnswer.NOT_RETAINED
    if not_retained and reason is None:
        raise ValidationFailed(_field("reason", "Say why."), code="proposal.reason_needed")
    if not_retained and reason not in EMPLOYER_REFUSAL_REASONS:
        raise ValidationFailed(
            _field("reason", "An employer cannot give this reason."), code="proposal.reason_not_for_employers"
        )
    if not not_retained and reason is not None:
        raise ValidationFailed(
            _field("reason", "Only « not retained » takes a reason."),
            code="proposal.reason_only_when_not_retained",
        )
    if answer == EmployerAnswer.QUESTION and not question:
        raise ValidationFailed(_field("question", "Write the question."), code="proposal.question_needed")
    if answer != EmployerAnswer.QUESTION and question:
        raise ValidationFailed(
            _field("question", "Only a question takes a text."), code="proposal.text_only_with_question"
        )


@dataclass
class EmployerProposal:
    """A proposal as shared with its employer: the card (only what the person agreed to show) and where
    the employer's answer stands. `unread`: the référent has not seen the latest answer yet."""

    profile_id: str
    offer_id: str
    employer_id: str
    referent_id: str
    shown_name: str | None
    relevant_skills: tuple[str, ...]
    available_from: date | None
    proposed_at: datetime = field(default_factory=utcnow)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    answer: EmployerAnswer | None = None
    reason: RefusalReason | None = None
    question: str | None = None
    answered_at: datetime | None = None
    first_answered_at: datetime | None = None
    closed: bool = False
    unread: bool = False

    def take_answer(
        self, answer: EmployerAnswer, reason: RefusalReason | None, question: str | None, now: datetime
    ) -> OutcomeStatus | None:
        """Record the employer's answer; the outcome it makes of the proposal (None for a question)."""
        if self.closed:
            raise Conflict("This proposal is closed: it takes no more answers.", code="proposal.closed")
        check_answer(answer, reason, question)
        self.answer, self.reason, self.question = answer, reason, question
        self.answered_at = now
        self.first_answered_at = self.first_answered_at or now
        self.closed = answer in FINAL_ANSWERS
        self.unread = True
        return OUTCOME_OF_ANSWER.get(answer)


# -- responsiveness ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ResponsivenessFigures:
    """How an employer answered the proposals shared with them: how many, how many answered, and the
    median time from a proposal to its first answer (hours)."""

    employer_id: str
    shared: int
    answered: int
    median_hours: float | None

    @property
    def answered_share(self) -> float | None:
        return self.answered / self.shared if self.shared else None

    def summary(self) -> str:
        """One plain French sentence, for référents (and for the employer when no count is hidden)."""
        if not self.shared:
            return fr.RESPONSIVENESS_NONE_YET
        answered = fr.RESPONSIVENESS_ANSWERED.format(answered=self.answered, shared=self.shared)
        if self.median_hours is None:
            return f"{answered}."
        return f"{fr.responsiveness_delay(self.median_hours)} ; {answered}."

    def for_the_employer(self) -> tuple[ResponsivenessFigures | None, str]:
        """What the employer may see of it: nothing when 1 to 4 proposals were shared (so few that the
        employer could tell who was behind each), else the figures; and the sentence to show."""
        if hidden(self.shared):
            return None, fr.RESPONSIVENESS_TOO_FEW
        return self, self.summary()


def responsiveness(
    employer_id: str, proposals: Iterable[tuple[datetime, datetime | None]]
) -> ResponsivenessFigures:
    """From each shared proposal's (proposed_at, first_answered_at): the latest ones
    (`contracts.proposals.RESPONSIVENESS_OVER_LATEST`), which the store reads."""
    delays = []
    shared = 0
    for proposed_at, first_answered_at in proposals:
        shared += 1
        if first_answered_at is not None:
            delays.append(max(0.0, (first_answered_at - proposed_at).total_seconds() / 3600))
    median = round(statistics.median(delays), 1) if delays else None
    return ResponsivenessFigures(employer_id, shared, len(delays), median)


def overdue_cutoff(now: datetime) -> datetime:
    """Proposals shared before this and still without an answer count as unanswered."""
    return now - timedelta(days=ANSWER_WITHIN_DAYS)


def with_overdue(
    records: Iterable[tuple[str, EmployerRecord]], overdue: Mapping[str, int]
) -> list[tuple[str, EmployerRecord]]:
    """The employers' records, with the shared proposals they left unanswered past the delay counted as
    unanswered, beside the refusals for « no answer » that référents recorded (a proposal the référent
    closed is never counted twice: the overdue ones are still open)."""
    merged = {employer: record for employer, record in records}
    for employer, late in overdue.items():
        record = merged.get(employer, EmployerRecord(late, 0))
        merged[employer] = EmployerRecord(record.proposed, record.unanswered + late)
    return list(merged.items())
