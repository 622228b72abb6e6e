"""an index that finds the proposals a référent made without reading every outcome

A référent's « Suivi de mes propositions » and a coordinator's « Suivi des référents » start from the
proposals those référents recorded; without this index each of them read the whole outcome table, a full
scan per page as the history grows (bench/RESULTS.md, « What a suggestion and a dashboard report read about
outcomes »). With it, the pairs proposed (over the coordinator's period: `recorded_at`) come from the index
alone; their steps are then read by person (`ix_outcome_profile_id`).

Revision ID: 0008_proposals_by_referent
Revises: 0007_running_counts
Create Date: 2026-12-01
"""

from alembic import op

revision = "0008_proposals_by_referent"
down_revision = "0007_running_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # IF NOT EXISTS: a large store may have had it built beforehand without blocking writes (docs/deploy.md).
    op.create_index(
        "ix_outcome_recorded_by",
        "outcome",
        ["recorded_by", "status", "recorded_at", "profile_id", "offer_id"],
        if_not_exists=True,
    )


def downgrade() -> None:
    op.drop_index("ix_outcome_recorded_by", table_name="outcome")
