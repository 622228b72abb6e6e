"""Matching's own store, read for aggregates: skills of projected profiles, outcome counts. Counts only."""

from __future__ import annotations

import json
from collections import Counter

from sqlmodel import Session, col, func, select

from common.text import normalise
from services.matching.adapters.outcomes_sql import OutcomeRow
from services.matching.adapters.sql import ProfileProjection


def profile_skill_counts(session: Session) -> dict[str, int]:
    """How many projected profiles list each skill (normalised, so 'Plonge' and 'plonge' count once)."""
    counts: Counter[str] = Counter()
    for view in session.exec(select(ProfileProjection.view)).all():
        skills = json.loads(view).get("skills") or []
        counts.update({normalise(s) for s in skills if isinstance(s, str) and normalise(s)})
    return dict(counts)


def outcome_counts(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    """Outcomes by status, and refusals by reason."""
    by_status = {
        str(status): int(n)
        for status, n in session.exec(
            select(OutcomeRow.status, func.count()).group_by(OutcomeRow.status)
        ).all()
    }
    by_reason = {
        str(reason): int(n)
        for reason, n in session.exec(
            select(OutcomeRow.reason, func.count())
            .where(col(OutcomeRow.reason).is_not(None))
            .group_by(OutcomeRow.reason)
        ).all()
    }
    return by_status, by_reason
