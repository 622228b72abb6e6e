"""accounts: structure, pending employer requests, SIRET

Revision ID: 0004_accounts
Revises: 0003_shared_limits
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_accounts"
down_revision = "0003_shared_limits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as table:
        table.add_column(sa.Column("structure", sa.String(120), nullable=False, server_default=""))
        table.add_column(sa.Column("pending", sa.Boolean(), nullable=False, server_default=sa.false()))
        table.add_column(sa.Column("siret", sa.String(14), nullable=True))
        table.create_index("ix_user_account_siret", ["siret"])


def downgrade() -> None:
    with op.batch_alter_table("user_account") as table:
        table.drop_index("ix_user_account_siret")
        table.drop_column("siret")
        table.drop_column("pending")
        table.drop_column("structure")
