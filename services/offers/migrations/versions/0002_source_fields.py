"""what a feed tells beyond the domain's fields: publication and update dates at the source, the source's
contract code, who gave the ROME code, the employer's page, the contact, the offer's URL, import notes,
and whether the offer lies beyond the territory's reach band (kept out of matching)

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

COLUMNS = (
    ("published_at", sa.DateTime(timezone=True)),
    ("source_updated_at", sa.DateTime(timezone=True)),
    ("source_contract", sa.String(120)),
    ("rome_source", sa.String(60)),
    ("appellation_label", sa.String(200)),
    ("employer_url", sa.String(500)),
    ("employer_description", sa.Text()),
    ("contact", sa.JSON()),
    ("origin_url", sa.String(500)),
)


def upgrade() -> None:
    with op.batch_alter_table("offer") as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
        batch.add_column(sa.Column("import_notes", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("beyond_reach", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_index("ix_offer_source_id", ["source_id"])


def downgrade() -> None:
    with op.batch_alter_table("offer") as batch:
        batch.drop_index("ix_offer_source_id")
        batch.drop_column("beyond_reach")
        batch.drop_column("import_notes")
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
