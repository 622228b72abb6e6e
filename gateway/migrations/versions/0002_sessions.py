"""token epochs and ended sessions (revocation)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("user_account", sa.Column("token_epoch", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "ended_session",
        sa.Column("session_id", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, index=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ended_session")
    op.drop_column("user_account", "token_epoch")
