"""an index that answers the people's generation (count, versions, last update) without reading the rows

The dashboard asks for it on every report to know whether its cached people grids are still current.
Without the index, SQLite reads every projection — view and vector included, ~80 MB at 20k people — to
reach the two columns stored after them (a quarter of an embedded report's time, bench/RESULTS.md);
with it, the answer comes from the index alone.

Revision ID: 0006_projection_generation
Revises: 0005_territory_groups
Create Date: 2026-11-30
"""

from alembic import op

revision = "0006_projection_generation"
down_revision = "0005_territory_groups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_profile_projection_generation", "profile_projection", ["updated_at", "version"])


def downgrade() -> None:
    op.drop_index("ix_profile_projection_generation", table_name="profile_projection")
