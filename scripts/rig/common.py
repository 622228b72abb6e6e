"""Plumbing shared by the rig: paths, pinned versions, process control and DIR/pids.json.

Standard library only: the rig runs from a bare ``python3`` before any project venv exists.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
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


# --------------------------------------------------------------------------- processes


@dataclass(frozen=True)
class ProcInfo:
    state: str
    ppid: int
    pgrp: int
    start_time: int  # clock ticks since boot: tells a live pid from a recycled one (pid_max may be 32768)


def proc_info(pid: int) -> ProcInfo | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    rest = raw[raw.rfind(")") + 2 :].split()
    return ProcInfo(state=rest[0], ppid=int(rest[1]), pgrp=int(rest[2]), start_time=int(rest[19]))


# Popen objects of servers this process spawned: kept so that they can be reaped (no zombies
# counting as "alive") and so that Python does not warn about dropping running children.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


def reap(pid: int) -> None:
    child = _CHILDREN.get(pid)
    if child is not None:
        if child.poll() is not None:
            del _CHILDREN[pid]
        return
    # Not ours (spawned by an earlier ``start``) or already reaped: nothing to collect.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def reap_children_forever(stop: threading.Event, every_s: float = 0.5) -> None:
    """Collect servers that died while this process is their parent (a test's kill -9): without it they
    stay zombies, count as alive, and every kill or restart waits for its full timeout."""
    while not stop.wait(every_s):
        for child in list(_CHILDREN.values()):
            child.poll()


def _all_procs() -> dict[int, ProcInfo]:
    procs: dict[int, ProcInfo] = {}
    with os.scandir("/proc") as it:
        for entry in it:
            if entry.name.isdigit():
                info = proc_info(int(entry.name))
                if info is not None:
                    procs[int(entry.name)] = info
    return procs


# A server's processes, as {pid: start_time}: a snapshot compared later, so a recycled pid is
# never mistaken for (or killed as) one of ours.
Procs = dict[int, int]


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


def spawn(spec: ServerSpec) -> None:
    """Start the server detached: own session and process group, output appended to its log."""
    ids: dict[str, Any] = {}
    if spec.user is not None:
        # Popen switches user directly instead of going through runuser: runuser would sit between
        # us and the server and, on SIGTERM, SIGKILL it 2 s later, which breaks graceful shutdowns.
        ids = {"user": spec.user, "group": spec.user, "extra_groups": []}
    with open(spec.log, "ab") as log:
        log.write(f"\n==== rig: starting {spec.name} at {time.strftime('%H:%M:%S')} ====\n".encode())
        log.flush()
        proc = subprocess.Popen(
            spec.argv,
            cwd=spec.cwd,
            env=spec.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # survives ``start`` exiting; untouched by the terminal's Ctrl-C
            close_fds=True,
            **ids,
        )
    _CHILDREN[proc.pid] = proc
    info = proc_info(proc.pid)
    spec.pid = proc.pid
    spec.start_time = info.start_time if info else None


def is_alive(spec: ServerSpec) -> bool:
    if spec.pid is None:
        return False
    reap(spec.pid)
    info = proc_info(spec.pid)
    if info is None or info.state == "Z":
        return False
    return spec.start_time is None or info.start_time == spec.start_time


def server_procs(spec: ServerSpec) -> Procs:
    """The leader, its process group and all its descendants.

    Descendants too because PostgreSQL's children call setsid() and leave the leader's group;
    the group too because after a crash of the leader its children are re-parented away.
    """
    if spec.pid is None:
        return {}
    reap(spec.pid)
    procs = _all_procs()
    found: Procs = {pid: info.start_time for pid, info in procs.items() if info.pgrp == spec.pid}
    leader = procs.get(spec.pid)
    if leader is not None and (spec.start_time is None or leader.start_time == spec.start_time):
        found[spec.pid] = leader.start_time
        children: dict[int, list[int]] = {}
        for pid, info in procs.items():
            children.setdefault(info.ppid, []).append(pid)
        todo = [spec.pid]
        while todo:
            for child in children.get(todo.pop(), []):
                if child not in found:
                    found[child] = procs[child].start_time
                    todo.append(child)
    return found


def _still_present(snapshot: Procs, *, zombies: bool) -> Procs:
    present: Procs = {}
    for pid, start in snapshot.items():
        reap(pid)
        info = proc_info(pid)
        if info is not None and info.start_time == start and (zombies or info.state != "Z"):
            present[pid] = start
    return present


def wait_gone(spec: ServerSpec, snapshot: Procs, timeout: float) -> Procs:
    """Wait until none of the server's processes is left; return those still running at the timeout.

    Zombies are waited for too (init reaps them within moments): PostgreSQL refuses to start
    while the pid in its postmaster.pid still exists, even as a zombie.
    """
    deadline = time.monotonic() + timeout
    while True:
        # Re-scan too: a server may fork during shutdown (rare, but then it is ours as well).
        snapshot = _still_present({**snapshot, **server_procs(spec)}, zombies=True)
        if not snapshot or time.monotonic() >= deadline:
            return _still_present(snapshot, zombies=False)
        time.sleep(0.1)


def signal_procs(snapshot: Procs, sig: int) -> None:
    for pid in _still_present(snapshot, zombies=False):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def stop_process(spec: ServerSpec) -> None:
    """Graceful stop via the server's own signal, SIGKILL to every process left after its timeout."""
    snapshot = server_procs(spec)
    if spec.pid in snapshot:
        # Only the leader: PostgreSQL must shut its children down itself, and the ES launcher
        # forwards the stop to the server JVM it spawned.
        with contextlib.suppress(ProcessLookupError):
            os.kill(spec.pid, signal.Signals[spec.stop_signal])
        snapshot = wait_gone(spec, snapshot, spec.stop_timeout)
        if snapshot:
            say(f"{spec.name} still running {spec.stop_timeout:.0f}s after {spec.stop_signal}; SIGKILL")
    if snapshot:
        signal_procs(snapshot, signal.SIGKILL)
        left = wait_gone(spec, snapshot, 10)
        if left:
            raise RigError(f"{spec.name}: processes {sorted(left)} survived SIGKILL")
    spec.pid = None


def tail(path: str | Path, lines: int = 40) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 64 * 1024))
            data = fh.read().decode("utf-8", "replace")
    except OSError as exc:
        return f"(no log: {exc})"
    return "\n".join(data.splitlines()[-lines:])


def wait_ready(
    spec: ServerSpec,
    check: Callable[[ServerSpec], bool],
    timeout: float,
    cancel: threading.Event | None = None,
) -> None:
    """Poll ``check`` until it passes; fail fast if the process dies, with the log's tail."""
    deadline = time.monotonic() + timeout
    last = "not answering yet"
    while True:
        if cancel is not None and cancel.is_set():
            raise StartCancelledError(f"{spec.name}: start-up cancelled")
        if not is_alive(spec):
            raise RigError(
                f"{spec.name} exited before it was ready\n--- last lines of {spec.log} ---\n{tail(spec.log)}"
            )
        try:
            if check(spec):
                return
        except (OSError, ValueError, RigError) as exc:
            last = f"{type(exc).__name__}: {exc}"
        if time.monotonic() >= deadline:
            raise RigError(
                f"{spec.name} not ready after {timeout:.0f}s (last check: {last})\n"
                f"--- last lines of {spec.log} ---\n{tail(spec.log)}"
            )
        time.sleep(0.5)


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
