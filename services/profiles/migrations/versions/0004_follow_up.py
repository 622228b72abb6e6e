"""contacts with the person, and the caseload's search columns on the profile

Revision ID: 0004_follow_up
Revises: 0003_audit_chain
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

from common.rome import appellation
from common.text import normalise

revision = "0004_follow_up"
down_revision = "0003_audit_chain"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("profile_id", sa.String(32), nullable=False, index=True),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("profile") as batch:
        for name in ("search_text", "rome_codes", "freins"):
            batch.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=""))
    _fill_search_columns()


def _fill_search_columns() -> None:
    """The files already kept get their search columns as a save would write them
    (services/profiles/follow_up.py: SearchTerms; repeated here, since a migration must not change when
    the code does)."""
    profile = sa.table(
        "profile",
        sa.column("id", sa.String),
        sa.column("display_name", sa.String),
        sa.column("commune", sa.String),
        sa.column("appellation_codes", sa.JSON),
        sa.column("contraintes", sa.JSON),
        sa.column("search_text", sa.Text),
        sa.column("rome_codes", sa.Text),
        sa.column("freins", sa.Text),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            profile.c.id,
            profile.c.display_name,
            profile.c.commune,
            profile.c.appellation_codes,
            profile.c.contraintes,
        )
    ).all()
    for pid, name, commune, codes, contraintes in rows:
        romes = sorted({found.rome_code for found in map(appellation, codes or []) if found})
        freins = sorted(c["code"] for c in contraintes or [] if c.get("status") == "OUI")
        connection.execute(
            profile.update()
            .where(profile.c.id == pid)
            .values(
                search_text=f" {normalise(name)} {normalise(commune)} ",
                rome_codes=f" {' '.join(romes)} ",
                freins=f" {' '.join(freins)} ",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("profile") as batch:
        for name in ("freins", "rome_codes", "search_text"):
            batch.drop_column(name)
    op.drop_table("contact")
