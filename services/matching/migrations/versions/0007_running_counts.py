"""running counts of outcomes: each employer's record, and the totals by status and reason

A suggestion lowers the offers of employers who leave proposals unanswered; the analysts' dashboard shows
outcomes by status and refusals by reason. Both used to count every outcome ever recorded, on every
request: full scans of a table that only grows (a département records tens of thousands of outcomes a
year). The counts now live in small tables kept with each outcome written or erased
(services/matching/adapters/outcome_counts_sql.py); this migration fills them from the outcomes already
there. The proposals still owed an answer get an index of their own, read for the candidates' employers
alone; and each employer's latest proposals one that reads them newest first (their responsiveness is
measured over the latest).

Revision ID: 0007_running_counts
Revises: 0006_projection_generation
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_running_counts"
down_revision = "0006_projection_generation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "employer_record",
        sa.Column("employer_id", sa.String(64), primary_key=True),
        sa.Column("proposed", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("unanswered", sa.Integer(), nullable=False, server_default="0"),
    )
    # The same counts as the product keeps (OutcomeStatus.PROPOSED, RefusalReason.NO_ANSWER), spelt as
    # they are stored, so that the migration never depends on the code of a later version.
    op.execute(
        "INSERT INTO employer_record (employer_id, proposed, unanswered) "
        "SELECT employer_id, "
        "SUM(CASE WHEN status = 'proposed' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN reason = 'no_answer' THEN 1 ELSE 0 END) "
        "FROM outcome GROUP BY employer_id"
    )
    op.create_table(
        "outcome_total",
        sa.Column("status", sa.String(20), primary_key=True),
        sa.Column("reason", sa.String(40), primary_key=True),  # "" for an outcome without a reason
        sa.Column("count", sa.Integer(), nullable=False, server_default="0"),
    )
    op.execute(
        "INSERT INTO outcome_total (status, reason, count) "
        "SELECT status, COALESCE(reason, ''), COUNT(*) FROM outcome GROUP BY status, COALESCE(reason, '')"
    )
    # The proposals an employer still owes an answer, by employer: what a suggestion counts as overdue
    # for the employers of its candidates, without reading the answered and closed ones.
    # The condition is spelt as SQLAlchemy renders `closed == false()` in each dialect: a partial index
    # serves only the queries whose condition the planner can match with it (`closed IS false` is not).
    op.create_index(
        "ix_employer_proposal_owed",
        "employer_proposal",
        ["employer_id", "proposed_at"],
        postgresql_where=sa.text("closed = false AND first_answered_at IS NULL"),
        sqlite_where=sa.text("closed = 0 AND first_answered_at IS NULL"),
    )
    # An employer's latest proposals, newest first: what their responsiveness is measured over. The answer
    # time is in the index too, so the read never visits the table.
    op.create_index(
        "ix_employer_proposal_latest",
        "employer_proposal",
        ["employer_id", "proposed_at", "first_answered_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_employer_proposal_latest", table_name="employer_proposal")
    op.drop_index("ix_employer_proposal_owed", table_name="employer_proposal")
    op.drop_table("outcome_total")
    op.drop_table("employer_record")
