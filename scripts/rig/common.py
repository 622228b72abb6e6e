"""Plumbing shared by the rig: paths, pinned versions, server specs, ports and DIR/pids.json.

Starting, watching and stopping server processes is in server_processes.py.

Standard library only: the rig runs from a bare ``python3`` before any project venv exists.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RIG_PKG_DIR = Path(__file__).resolve().parent
REPO_ROOT = RIG_PKG_DIR.parents[1]
POM = RIG_PKG_DIR / "pom.xml"
# Elasticsearch and PostgreSQL refuse to run as root, so the rig owns a dedicated system user.
RIG_USER = "maillage-rig"
SERVER_NAMES = ("kafka", "es", "pg")
_ALIASES = {
    "kafka": "kafka",
    "es": "es",
    "elasticsearch": "es",
    "pg": "pg",
    "postgres": "pg",
    "postgresql": "pg",
}
STATE_FILE = "pids.json"
ENV_FILE = "env"


class RigError(RuntimeError):
    """A failure the user can act on: printed without a traceback."""


class StartCancelledError(RigError):
    """Start-up was abandoned because another server failed or a signal arrived."""


def say(msg: str) -> None:
    # stderr, so that under ``run`` the command's stdout stays clean for pipes and captures.
    print(f"rig: {msg}", file=sys.stderr, flush=True)


def ready_timeout() -> float:
    """Seconds each server gets to become ready (MAILLAGE_RIG_TIMEOUT overrides for slow machines)."""
    return float(os.environ.get("MAILLAGE_RIG_TIMEOUT", "120"))


def cache_dir() -> Path:
    return Path(os.environ.get("MAILLAGE_RIG_CACHE") or REPO_ROOT / ".cache" / "rig").resolve()


def parse_only(value: str | None) -> list[str]:
    """Turn ``--only kafka,es`` into canonical names, in the fixed order of SERVER_NAMES."""
    if not value:
        return list(SERVER_NAMES)
    wanted: set[str] = set()
    for raw in value.split(","):
        name = raw.strip().lower()
        if not name:
            continue
        if name not in _ALIASES:
            raise RigError(f"unknown server {raw!r}; choose from kafka, es, pg")
        wanted.add(_ALIASES[name])
    return [n for n in SERVER_NAMES if n in wanted]


@dataclass(frozen=True)
class Versions:
    kafka: str
    log4j: str
    es: str


def pinned_versions() -> Versions:
    """Read the versions from pom.xml so that they are pinned in exactly one place."""
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    props = ET.parse(POM).getroot().find("m:properties", ns)
    if props is None:
        raise RigError(f"{POM} has no <properties>")

    def get(name: str) -> str:
        el = props.find(f"m:{name}", ns)
        if el is None or not (el.text or "").strip():
            raise RigError(f"{POM} lacks <{name}>")
        return (el.text or "").strip()

    return Versions(kafka=get("kafka.version"), log4j=get("log4j.version"), es=get("es.version"))


@dataclass
class ServerSpec:
    """Everything needed to (re)start one server identically: same argv, ports and data."""

    name: str
    argv: list[str]
    env: dict[str, str]
    cwd: str
    log: str
    user: str | None  # None: run as the invoking user (only when the rig itself is not root)
    ports: dict[str, int]
    stop_signal: str  # name, e.g. "SIGTERM"; PostgreSQL wants SIGINT (fast shutdown)
    stop_timeout: float
    extra: dict[str, str] = field(default_factory=dict)
    pid: int | None = None
    start_time: int | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ServerSpec:
        return cls(**data)


def pick_ports(count: int) -> list[int]:
    """Free loopback ports below the ephemeral range.

    Below it, because a restarted server must get the same port back: an ephemeral port may
    meanwhile be taken as the source port of some outgoing connection.
    """
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    rng = random.SystemRandom()
    held: list[socket.socket] = []
    chosen: list[int] = []
    try:
        for _ in range(1000):
            if len(chosen) == count:
                break
            port = rng.randrange(20000, low) if low > 20100 else 0
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                # No SO_REUSEADDR: also refuse ports with TIME_WAIT leftovers.
                sock.bind(("127.0.0.1", port))
            except OSError:
                sock.close()
                continue
            held.append(sock)  # hold until all are picked so that no port is chosen twice
            chosen.append(sock.getsockname()[1])
    finally:
        for sock in held:
            sock.close()
    if len(chosen) != count:
        raise RigError("could not find free loopback ports")
    return chosen


def run_checked(argv: list[str], what: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a short helper command; on failure raise with its output so the cause is visible."""
    proc = subprocess.run(argv, text=True, capture_output=True, check=False, **kwargs)
    if proc.returncode != 0:
        out = (proc.stdout + proc.stderr).strip()
        raise RigError(f"{what} failed (exit {proc.returncode}): {' '.join(argv)}\n{out[-4000:]}")
    return proc


def chown_tree(path: Path, user: str | None) -> None:
    if user is None:
        return
    shutil.chown(path, user, user)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(root, name), *_ids(user), follow_symlinks=False)


def _ids(user: str) -> tuple[int, int]:
    import pwd  # local: POSIX-only module, only needed when a user switch happens

    entry = pwd.getpwnam(user)
    return entry.pw_uid, entry.pw_gid


def user_can_access(user: str | None, *paths: Path) -> bool:
    """Whether ``user`` can read (and traverse to) every path; checked by actually trying."""
    if user is None:
        return True
    args: list[str] = []
    for p in paths:
        args += ["-r", str(p), "-a"]
    proc = subprocess.run(
        ["test", *args[:-1]], user=user, group=user, extra_groups=[], capture_output=True, check=False
    )
    return proc.returncode == 0


def base_env() -> dict[str, str]:
    """A small, predictable environment for servers: none of the caller's (JAVA_TOOL_OPTIONS...) leaks in."""
    return {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
    }


# --------------------------------------------------------------------------- DIR/pids.json

_STATE_THREAD_LOCK = threading.Lock()


@contextlib.contextmanager
def state(rig_dir: Path) -> Iterator[dict[str, ServerSpec]]:
    """Locked read-modify-write of DIR/pids.json.

    Written as soon as a server is spawned, so that ``stop`` finds it even if the rig itself dies
    mid-start. flock because a test process may restart a server while another one looks.
    """
    path = rig_dir / STATE_FILE
    with _STATE_THREAD_LOCK, open(rig_dir / ".pids.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        specs = load_specs(rig_dir)
        before = json.dumps({k: asdict(v) for k, v in specs.items()}, sort_keys=True)
        yield specs
        data = {k: asdict(v) for k, v in specs.items()}
        if json.dumps(data, sort_keys=True) != before or not path.exists():
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"servers": data}, indent=2) + "\n")
            os.replace(tmp, path)


def load_specs(rig_dir: Path) -> dict[str, ServerSpec]:
    path = rig_dir / STATE_FILE
    if not path.exists():
        return {}
    raw = json.loads(path.read_text())
    return {name: ServerSpec.from_dict(d) for name, d in raw.get("servers", {}).items()}
