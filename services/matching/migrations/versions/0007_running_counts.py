"""running counts of outcomes: each employer's record, and the totals by status and reason

A suggestion lowers the offers of employers who leave proposals unanswered; the analysts' dashboard shows
outcomes by status and refusals by reason. Both used to count every outcome ever recorded, on every
request: full scans of a table that only grows (a département records tens of thousands of outcomes a
year). The counts now live in small tables that the database itself keeps, by a trigger on every row
added to or deleted from `outcome`:

- whoever writes (this version, the previous one still serving during a rolling upgrade, a fix by hand),
  the counts follow the rows; a deletion that finds the row already gone counts nothing;
- on PostgreSQL the trigger is deferred to the commit, so a transaction takes the counts' row locks after
  every other lock it holds (an employer's answer locks its proposal first, as a référent's outcome on the
  same proposal does): two of them never wait for each other in a cycle. SQLite has one writer at a time.

The trigger is created before the counts are filled from the outcomes already there: on PostgreSQL it
locks the table against writes until this migration commits, so no outcome is counted twice or missed.
The proposals still owed an answer get an index of their own, read for the candidates' employers alone;
and each employer's latest proposals one that reads them newest first (their responsiveness is measured
over the latest).

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

# The values as they are stored (OutcomeStatus.PROPOSED, RefusalReason.NO_ANSWER), spelt out so that the
# migration never depends on the code of a later version.
_POSTGRES_TRIGGER = """
CREATE FUNCTION maillage_count_outcome() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    counted outcome%ROWTYPE;
    sign integer;
BEGIN
    IF TG_OP = 'INSERT' THEN
        counted := NEW; sign := 1;
    ELSE
        counted := OLD; sign := -1;
    END IF;
    IF counted.status = 'proposed' OR counted.reason = 'no_answer' THEN
        INSERT INTO employer_record AS r (employer_id, proposed, unanswered)
        VALUES (
            counted.employer_id,
            sign * (counted.status = 'proposed')::integer,
            sign * COALESCE(counted.reason = 'no_answer', false)::integer
        )
        ON CONFLICT (employer_id) DO UPDATE
        SET proposed = r.proposed + EXCLUDED.proposed, unanswered = r.unanswered + EXCLUDED.unanswered;
    END IF;
    INSERT INTO outcome_total AS t (status, reason, count)
    VALUES (counted.status, COALESCE(counted.reason, ''), sign)
    ON CONFLICT (status, reason) DO UPDATE SET count = t.count + EXCLUDED.count;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER outcome_counted AFTER INSERT OR DELETE ON outcome
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maillage_count_outcome();
"""

_SQLITE_TRIGGER = """
CREATE TRIGGER outcome_counted_{event} AFTER {event} ON outcome
BEGIN
    INSERT INTO employer_record (employer_id, proposed, unanswered)
    SELECT
        {row}.employer_id,
        {sign} * ({row}.status = 'proposed'),
        {sign} * COALESCE({row}.reason = 'no_answer', 0)
    WHERE {row}.status = 'proposed' OR {row}.reason = 'no_answer'
    ON CONFLICT (employer_id) DO UPDATE
    SET proposed = proposed + excluded.proposed, unanswered = unanswered + excluded.unanswered;
    INSERT INTO outcome_total (status, reason, count)
    VALUES ({row}.status, COALESCE({row}.reason, ''), {sign})
    ON CONFLICT (status, reason) DO UPDATE SET count = count + excluded.count;
END
"""


def upgrade() -> None:
    op.create_table(
        "employer_record",
        sa.Column("employer_id", sa.String(64), primary_key=True),
        sa.Column("proposed", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("unanswered", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_table(
        "outcome_total",
        sa.Column("status", sa.String(20), primary_key=True),
        sa.Column("reason", sa.String(40), primary_key=True),  # "" for an outcome without a reason
        sa.Column("count", sa.Integer(), nullable=False, server_default="0"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRES_TRIGGER)
    else:
        op.execute(_SQLITE_TRIGGER.format(event="INSERT", row="NEW", sign=1))
        op.execute(_SQLITE_TRIGGER.format(event="DELETE", row="OLD", sign=-1))
    op.execute(
        "INSERT INTO employer_record (employer_id, proposed, unanswered) "
        "SELECT employer_id, "
        "SUM(CASE WHEN status = 'proposed' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN reason = 'no_answer' THEN 1 ELSE 0 END) "
        "FROM outcome GROUP BY employer_id"
    )
    op.execute(
        "INSERT INTO outcome_total (status, reason, count) "
        "SELECT status, COALESCE(reason, ''), COUNT(*) FROM outcome GROUP BY status, COALESCE(reason, '')"
    )
    # The proposals an employer still owes an answer, by employer: what a suggestion counts as overdue
    # for the employers of its candidates, without reading the answered and closed ones. The condition is
    # spelt as SQLAlchemy renders `closed == false()` in each dialect: a partial index serves only the
    # queries whose condition the planner can match with it (`closed IS false` is not).
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
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER outcome_counted ON outcome")
        op.execute("DROP FUNCTION maillage_count_outcome()")
    else:
        op.execute("DROP TRIGGER outcome_counted_INSERT")
        op.execute("DROP TRIGGER outcome_counted_DELETE")
    op.drop_table("outcome_total")
    op.drop_table("employer_record")
