"""PostgreSQL from Debian's package: a throwaway cluster under DIR, owned by the rig user."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from .common import RigError, ServerSpec, base_env, chown_tree, run_checked
from .install import Installation

NAME = "pg"
PORTS = ("port",)
ENV_VAR = "MAILLAGE_TEST_PG"
ROLE = DATABASE = PASSWORD = "maillage"
SUPERUSER = "postgres"


def _socket_dir(rig_dir: Path) -> Path:
    # A Unix socket path is limited to 107 bytes; a deep DIR would make postgres refuse to start.
    sock = rig_dir / "pgsock"
    if len(str(sock / ".s.PGSQL.65535")) < 100:
        sock.mkdir(exist_ok=True)
        return sock
    return Path(tempfile.mkdtemp(prefix="mrig-pg-"))


def _as_user(user: str | None) -> dict[str, object]:
    return {} if user is None else {"user": user, "group": user, "extra_groups": []}


def _initdb(inst: Installation, data: Path, base: Path, env: dict[str, str]) -> None:
    run_checked(
        [
            str(inst.pg_bin / "initdb"),
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            # Trust only on the socket, which lives in DIR; TCP needs the password, like production.
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",  # throwaway data: skip the fsyncs that make initdb slow
        ],
        "initdb",
        env=env,
        cwd=str(base),
        **_as_user(inst.run_as),
    )


def _durability_flags() -> list[str]:
    """Tests trade durability for speed; MAILLAGE_RIG_PG_DURABLE=1 keeps PostgreSQL's defaults instead.

    The recovery drill (bench/recovery_drill.py) needs them: with synchronous_commit=off a kill -9 loses
    commits the client was already told about, which would be the rig's loss, not the platform's.
    """
    if os.environ.get("MAILLAGE_RIG_PG_DURABLE") == "1":
        return []
    return ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]


def prepare(rig_dir: Path, inst: Installation, ports: dict[str, int]) -> ServerSpec:
    base = rig_dir / "pg"
    data = base / "data"
    base.mkdir(exist_ok=True)
    sock = _socket_dir(rig_dir)
    os.chmod(sock, 0o755)
    chown_tree(base, inst.run_as)
    chown_tree(sock, inst.run_as)
    env = base_env()
    _initdb(inst, data, base, env)
    port = ports["port"]
    return ServerSpec(
        name=NAME,
        argv=[
            # postgres itself rather than pg_ctl: it stays our process-group leader, so stop,
            # kill and restart address the postmaster directly.
            str(inst.pg_bin / "postgres"),
            "-D",
            str(data),
            "-p",
            str(port),
            "-k",
            str(sock),
            "-c",
            "listen_addresses=127.0.0.1",
            *_durability_flags(),
            "-c",
            "max_connections=200",
        ],
        env=env,
        cwd=str(base),
        log=str(rig_dir / "logs" / "pg.log"),
        user=inst.run_as,
        ports=dict(ports),
        # SIGINT is "fast" shutdown; SIGTERM ("smart") would wait for every client to disconnect.
        stop_signal="SIGINT",
        stop_timeout=30.0,
        extra={"bin": str(inst.pg_bin), "sock": str(sock)},
    )


def _psql(spec: ServerSpec, sql: str, *, superuser: bool) -> str:
    bindir = Path(spec.extra["bin"])
    env = base_env()
    if superuser:
        # Over the socket in DIR, where initdb set trust: no password exists for the superuser.
        conn = ["-h", spec.extra["sock"], "-U", SUPERUSER, "-d", "postgres"]
    else:
        conn = ["-h", "127.0.0.1", "-U", ROLE, "-d", DATABASE]
        env["PGPASSWORD"] = PASSWORD
    env["PGCONNECT_TIMEOUT"] = "5"
    argv = [str(bindir / "psql"), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-p", str(spec.ports["port"])]
    return run_checked([*argv, *conn, "-c", sql], "psql", env=env, timeout=30).stdout.strip()


def check_ready(spec: ServerSpec) -> bool:
    pg_isready = str(Path(spec.extra["bin"]) / "pg_isready")
    argv = [pg_isready, "-q", "-h", "127.0.0.1", "-p", str(spec.ports["port"]), "-t", "2"]
    return subprocess.run(argv, check=False, env=base_env()).returncode == 0


def after_ready(spec: ServerSpec) -> None:
    """Create the test role and database (idempotent: also runs after a restart)."""
    _psql(
        spec,
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') THEN "
        f"CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{PASSWORD}'; END IF; END $$;",
        superuser=True,
    )
    if _psql(spec, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'", superuser=True) != "1":
        _psql(spec, f"CREATE DATABASE {DATABASE} OWNER {ROLE}", superuser=True)
    # The real proof: the URL handed to tests works, password and all.
    if _psql(spec, "SELECT 1", superuser=False) != "1":
        raise RigError("pg: SELECT 1 over TCP as maillage did not return 1")


def env_value(spec: ServerSpec) -> str:
    return f"postgresql+psycopg://{ROLE}:{PASSWORD}@127.0.0.1:{spec.ports['port']}/{DATABASE}"
