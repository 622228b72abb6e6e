"""Writing audit rows the way the profiles use cases do, for the hash-chain tests on SQLite
(tests/unit/services/profiles/test_audit_chain.py) and PostgreSQL (tests/integration/
test_audit_chain_postgres.py)."""

from __future__ import annotations

import threading

from sqlalchemy.engine import Engine

from services.profiles.adapters.sql import sql_units_of_work


def write_audit(engine: Engine, count: int, actor: str = "ref") -> None:
    """`count` units of work of two rows each (a read with its request id, a list without)."""
    units = sql_units_of_work(engine)
    for i in range(count):
        with units() as uow:
            uow.audit.record(actor, "referent", "read", f"p{i}", f"req-{actor}-{i}")
            uow.audit.record(actor, "referent", "list", f"q{i}")
            uow.commit()


def write_concurrently(engine: Engine, writers: int, each: int) -> list[BaseException]:
    """`writers` threads writing at once; the errors they met (none expected)."""
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            write_audit(engine, each, actor=name)
        except BaseException as error:  # handed back to the test
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
