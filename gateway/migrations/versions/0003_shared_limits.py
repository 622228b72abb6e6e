"""sign-in limits shared by the gateway replicas (gateway/shared_limits.py)

Revision ID: 0003_shared_limits
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_shared_limits"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_bucket",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("updated", sa.Float(), nullable=False, index=True),
    )
    op.create_table(
        "login_failure",
        sa.Column("account", sa.String(200), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last", sa.Float(), nullable=False, index=True),
        sa.Column("locked_until", sa.Float(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("login_failure")
    op.drop_table("rate_bucket")
