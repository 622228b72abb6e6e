"""profiles, the audit log, and the outbox

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
        "profile",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("referent_id", sa.String(64), nullable=False, index=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("target_jobs", sa.JSON(), nullable=False),
        sa.Column("appellation_codes", sa.JSON(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("commune", sa.String(200), nullable=False),
        sa.Column("insee_code", sa.String(5), nullable=True),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("mobility", sa.JSON(), nullable=False),
        sa.Column("contract_types", sa.JSON(), nullable=False),
        sa.Column("min_hours_per_week", sa.Float(), nullable=True),
        sa.Column("max_hours_per_week", sa.Float(), nullable=True),
        sa.Column("contraintes", sa.JSON(), nullable=False),
        sa.Column("excluded_conditions", sa.JSON(), nullable=False),
        sa.Column("followup_ended_on", sa.Date(), nullable=True, index=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("actor_role", sa.String(20), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("profile_id", sa.String(32), nullable=False, index=True),
        sa.Column("request_id", sa.String(64), nullable=True),
    )
    create_outbox_table()


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("profile")
    op.drop_table("outbox")
