"""the audit log becomes append-only and hash-chained; retention checkpoints

Existing rows are chained in id order. The database then refuses any UPDATE of an audit row or a
checkpoint, and any DELETE of an audit row that no checkpoint covers (id below a checkpoint's
first_kept_id: the retention purge, `maillage audit purge`, writes the checkpoint first).

Revision ID: 0003_audit_chain
Revises: 0002_person_file
Create Date: 2026-11-30
"""

from datetime import datetime

import sqlalchemy as sa
from alembic import op

from services.profiles.adapters.audit_chain import GENESIS, row_hash

revision = "0003_audit_chain"
down_revision = "0002_person_file"
branch_labels = None
depends_on = None

_REFUSAL = "journal d''audit en ajout seul : modification refusée / audit log is append-only"  # SQL-quoted

_PG_FUNCTION = f"""
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_log' THEN
    IF OLD.id < (SELECT COALESCE(MAX(first_kept_id), 0) FROM audit_checkpoint) THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION '{_REFUSAL}' USING ERRCODE = 'insufficient_privilege';
END $$;
"""

_PG_TRIGGERS = (
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
    "CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint "
    "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    "CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
)

_SQLITE_TRIGGERS = (
    f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, "
    f"'{_REFUSAL}'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log WHEN OLD.id >= (SELECT "
    f"COALESCE(MAX(first_kept_id), 0) FROM audit_checkpoint) BEGIN SELECT RAISE(ABORT, "
    f"'{_REFUSAL}'); END",
    f"CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint BEGIN SELECT RAISE("
    f"ABORT, '{_REFUSAL}'); END",
    f"CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint BEGIN SELECT RAISE("
    f"ABORT, '{_REFUSAL}'); END",
)


def _chain_existing_rows() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, at, actor, actor_role, action, profile_id, request_id FROM audit_log ORDER BY id")
    ).all()
    prev = GENESIS
    for row in rows:
        # SQLite hands back its stored text (naive UTC), PostgreSQL a datetime.
        at = datetime.fromisoformat(row.at) if isinstance(row.at, str) else row.at
        digest = row_hash(prev, at, row.actor, row.actor_role, row.action, row.profile_id, row.request_id)
        connection.execute(
            sa.text("UPDATE audit_log SET prev_hash = :prev, row_hash = :digest WHERE id = :id"),
            {"prev": prev, "digest": digest, "id": row.id},
        )
        prev = digest


def upgrade() -> None:
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purged_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purged_rows", sa.Integer(), nullable=False),
        sa.Column("first_kept_id", sa.Integer(), nullable=False),
        sa.Column("anchor_hash", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(64), nullable=False),
    )
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("row_hash", sa.String(64), nullable=False, server_default=""))
    _chain_existing_rows()
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("prev_hash", server_default=None)
        batch.alter_column("row_hash", server_default=None)
        batch.create_unique_constraint("uq_audit_log_prev_hash", ["prev_hash"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        for statement in _PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in _SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
        op.execute("DROP TABLE audit_checkpoint")
        op.execute("DROP FUNCTION audit_append_only()")
    else:
        for name in ("audit_log_no_update", "audit_log_no_delete"):  # the checkpoint's go with its table
            op.execute(f"DROP TRIGGER {name}")
        op.drop_table("audit_checkpoint")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_constraint("uq_audit_log_prev_hash", type_="unique")
        batch.drop_column("row_hash")
        batch.drop_column("prev_hash")
