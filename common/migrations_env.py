"""The Alembic environment every service's migrations/env.py delegates to.

Migrations run on a connection handed over by common.db.migrate, inside its transaction, with the
service's own version table so several services may share one database without clashing.
"""

from __future__ import annotations

from alembic import context


def run() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("Run migrations through common.db.migrate, which supplies the connection.")
    context.configure(
        connection=connection,
        version_table=config.attributes["version_table"],
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
