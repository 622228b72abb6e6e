"""the ROME occupations each profile's target jobs were linked to

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("profile_projection") as batch:
        batch.add_column(sa.Column("occupations", sa.Text(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("profile_projection") as batch:
        batch.drop_column("occupations")
