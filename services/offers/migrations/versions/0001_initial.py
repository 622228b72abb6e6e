"""offers, their status history, and the outbox

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from common.outbox_migration import create_outbox_table

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "offer",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("employer_id", sa.String(64), nullable=False, index=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("commune", sa.String(200), nullable=False),
        sa.Column("insee_code", sa.String(5), nullable=True, index=True),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("contract_type", sa.String(40), nullable=False),
        sa.Column("hours_per_week", sa.Float(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("rome_code", sa.String(5), nullable=True),
        sa.Column("appellation_code", sa.String(7), nullable=True),
        sa.Column("openings", sa.Integer(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("employer_name", sa.String(200), nullable=True),
        sa.Column("siret", sa.String(14), nullable=True),
        sa.Column("naf_code", sa.String(6), nullable=True),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        # Source ids are the employer's (or the feed's) own: unique per employer, not across employers.
        sa.UniqueConstraint("employer_id", "source_id", name="uq_offer_employer_source"),
    )
    op.create_table(
        "offer_status_history",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("offer_id", sa.String(32), sa.ForeignKey("offer.id"), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("changed_by", sa.String(64), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    create_outbox_table()


def downgrade() -> None:
    op.drop_table("offer_status_history")
    op.drop_table("offer")
    op.drop_table("outbox")
