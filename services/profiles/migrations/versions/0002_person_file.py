"""the person file: needs agreed in the diagnostic, availability date, consent to share with employers

Revision ID: 0002_person_file
Revises: 0001
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_person_file"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing files get the empty values a new file starts with: no need recorded, no date.
    with op.batch_alter_table("profile") as batch:
        batch.add_column(sa.Column("needs", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("available_from", sa.Date(), nullable=True))
        # No consent recorded: nothing of the person reaches an employer.
        batch.add_column(sa.Column("employer_sharing", sa.String(20), nullable=False, server_default="none"))


def downgrade() -> None:
    with op.batch_alter_table("profile") as batch:
        batch.drop_column("employer_sharing")
        batch.drop_column("available_from")
        batch.drop_column("needs")
