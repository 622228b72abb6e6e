"""the dashboard's territory groups, seeded with the groups shipped in services/matching/data

Revision ID: 0005_territory_groups
Revises: 0004_employer_proposals
Create Date: 2026-11-30
"""

import json
from datetime import UTC, datetime
from importlib import resources

import sqlalchemy as sa
from alembic import op

revision = "0005_territory_groups"
down_revision = "0004_employer_proposals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "territory_group",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("epcis", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("communes", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    shipped = resources.files("services.matching.data").joinpath("territory_groups.json").read_text("utf-8")
    now = datetime.now(UTC)
    op.bulk_insert(
        table,
        [
            {
                "key": g["key"],
                "name": g["name"],
                "epcis": json.dumps(g["epcis"]),
                "communes": json.dumps(g.get("communes", [])),
                "updated_at": now,
            }
            for g in json.loads(shipped)["groups"]
        ],
    )


def downgrade() -> None:
    op.drop_table("territory_group")
