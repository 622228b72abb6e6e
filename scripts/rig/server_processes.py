"""Server processes of the rig: spawn detached, tell alive from recycled pids, reap, stop, wait ready.

Standard library only: the rig runs from a bare ``python3`` before any project venv exists.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .common import RigError, ServerSpec, StartCancelledError, say


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
