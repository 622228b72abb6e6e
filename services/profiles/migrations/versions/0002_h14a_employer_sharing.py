"""the person's consent to share an anonymised card with employers, and their availability date

Revision ID: 0002_h14a_employer_sharing
Revises: 0001
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_h14a_employer_sharing"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("profile") as batch:
        # Existing files have no consent recorded: nothing of them reaches an employer.
        batch.add_column(sa.Column("employer_sharing", sa.String(20), nullable=False, server_default="none"))
        batch.add_column(sa.Column("available_from", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("profile") as batch:
        batch.drop_column("available_from")
        batch.drop_column("employer_sharing")
