"""proposals shared with employers: the anonymised card and the employer's answer

Revision ID: 0004_employer_proposals
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_employer_proposals"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "employer_proposal",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("profile_id", sa.String(32), nullable=False, index=True),
        sa.Column("offer_id", sa.String(32), nullable=False, index=True),
        sa.Column("employer_id", sa.String(64), nullable=False, index=True),
        sa.Column("referent_id", sa.String(64), nullable=False, index=True),
        sa.Column("shown_name", sa.String(200), nullable=True),
        sa.Column("relevant_skills", sa.JSON(), nullable=False),
        sa.Column("available_from", sa.Date(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.String(20), nullable=True),
        sa.Column("reason", sa.String(40), nullable=True),
        sa.Column("question", sa.String(500), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("unread", sa.Boolean(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("employer_proposal")
