"""history of référents (caseload handovers)

Revision ID: 0005_referent_change
Revises: 0004_follow_up
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_referent_change"
down_revision = "0004_follow_up"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "referent_change",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("profile_id", sa.String(32), nullable=False, index=True),
        sa.Column("from_referent", sa.String(64), nullable=False),
        sa.Column("to_referent", sa.String(64), nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("referent_change")
