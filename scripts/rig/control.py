"""Start, stop, kill and restart the rig's servers; importable by fault-injection tests.

Example (inside ``python -m scripts.rig run -- pytest ...``)::

    from scripts.rig import control
    rig = os.environ["MAILLAGE_RIG_DIR"]
    control.kill_server(rig, "kafka", signal.SIGKILL)   # crash it
    control.restart_server(rig, "kafka")                # same ports, same data, waits until ready
    control.stop_server(rig, "es"); time.sleep(30); control.start_server(rig, "es")
    control.wipe_server(rig, "es")                      # its data directory lost: starts empty
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from . import elasticsearch, kafka, postgres
from .common import (
    ENV_FILE,
    SERVER_NAMES,
    STATE_FILE,
    RigError,
    ServerSpec,
    StartCancelledError,
    load_specs,
    parse_only,
    pick_ports,
    ready_timeout,
    say,
    state,
    user_can_access,
)
from .install import Installation, ensure_installed
from .server_processes import (
    is_alive,
    server_procs,
    signal_procs,
    spawn,
    stop_process,
    wait_gone,
    wait_ready,
)


@dataclass(frozen=True)
class ServerKind:
    name: str
    ports: tuple[str, ...]
    env_var: str
    prepare: Callable[[Path, Installation, dict[str, int]], ServerSpec]
    check_ready: Callable[[ServerSpec], bool]
    after_ready: Callable[[ServerSpec], None]
    env_value: Callable[[ServerSpec], str]


KINDS: dict[str, ServerKind] = {
    m.NAME: ServerKind(m.NAME, m.PORTS, m.ENV_VAR, m.prepare, m.check_ready, m.after_ready, m.env_value)
    for m in (kafka, elasticsearch, postgres)
}
_LABEL = {"kafka": "kafka", "es": "elasticsearch", "pg": "postgresql"}


def _as_dir(rig_dir: str | os.PathLike[str]) -> Path:
    return Path(rig_dir).resolve()


def _spec(rig_dir: Path, name: str) -> ServerSpec:
    specs = load_specs(rig_dir)
    if name not in specs:
        raise RigError(f"no {name!r} server recorded in {rig_dir / STATE_FILE}")
    return specs[name]


def _save(rig_dir: Path, spec: ServerSpec) -> None:
    with state(rig_dir) as specs:
        specs[spec.name] = spec


# --------------------------------------------------------------------------- start


def _clear_previous(rig_dir: Path) -> None:
    specs = load_specs(rig_dir)
    running = [n for n, s in specs.items() if is_alive(s)]
    if running:
        raise RigError(f"{', '.join(running)} already running from {rig_dir}; `stop --dir {rig_dir}` first")
    if specs:
        # pids.json proves this is a rig dir: its server data is ours to wipe.
        say(f"wiping the previous rig data in {rig_dir}")
        for sub in ("kafka", "es", "pg", "pgsock", "logs"):
            shutil.rmtree(rig_dir / sub, ignore_errors=True)
        for f in (STATE_FILE, ENV_FILE):
            (rig_dir / f).unlink(missing_ok=True)


def _bring_up(
    rig_dir: Path, kind: ServerKind, inst: Installation, ports: dict[str, int], cancel: threading.Event
) -> ServerSpec:
    t0 = time.monotonic()
    spec = kind.prepare(rig_dir, inst, ports)
    # Spawn and record under the state lock, and only if nobody cancelled meanwhile, so that a
    # cleanup reading pids.json can never miss a server that is about to appear.
    with state(rig_dir) as specs:
        if cancel.is_set():
            raise StartCancelledError(f"{kind.name}: start-up cancelled")
        spawn(spec)
        specs[kind.name] = spec
    wait_ready(spec, kind.check_ready, ready_timeout(), cancel)
    kind.after_ready(spec)
    say(f"{_LABEL[kind.name]} ready after {time.monotonic() - t0:.1f}s")
    return spec


def start(rig_dir: str | os.PathLike[str], only: Sequence[str] | str | None = None) -> dict[str, str]:
    """Start the servers in parallel, wait until each answers, write DIR/env; return that env.

    All or nothing: if one fails (or a signal interrupts), every server started is stopped again.
    """
    names = parse_only(only) if only is None or isinstance(only, str) else parse_only(",".join(only))
    inst = ensure_installed()
    root = _as_dir(rig_dir)
    root.mkdir(parents=True, exist_ok=True)
    _clear_previous(root)
    # DIR may come from mkdtemp (0700): the rig user must be able to traverse it to its own data.
    os.chmod(root, 0o755)
    (root / "logs").mkdir(exist_ok=True)
    if not user_can_access(inst.run_as, root):
        raise RigError(f"{inst.run_as} cannot reach {root}: use a --dir whose parents are world-searchable")
    all_ports = iter(pick_ports(sum(len(KINDS[n].ports) for n in names)))
    plan = {n: {p: next(all_ports) for p in KINDS[n].ports} for n in names}
    say("starting " + ", ".join(f"{_LABEL[n]} ({', '.join(map(str, plan[n].values()))})" for n in names))
    cancel = threading.Event()
    pool = ThreadPoolExecutor(max_workers=len(names), thread_name_prefix="rig")
    futures: dict[str, Future[ServerSpec]] = {
        n: pool.submit(_bring_up, root, KINDS[n], inst, plan[n], cancel) for n in names
    }
    try:
        pending = set(futures.values())
        while pending:
            # Returns as soon as one fails, so the others stop waiting instead of running out their
            # own timeouts. Interruptible by signals in the main thread.
            done, pending = wait(pending, return_when=FIRST_EXCEPTION)
            if any(f.exception() is not None for f in done):
                cancel.set()
        errors = [
            f"{_LABEL[n]}: {f.exception()}"
            for n, f in futures.items()
            if f.exception() is not None and not isinstance(f.exception(), StartCancelledError)
        ]
        if errors:
            raise RigError("start failed\n" + "\n".join(errors))
    except BaseException:
        cancel.set()
        pool.shutdown(wait=True)  # workers notice `cancel` within half a second
        stop(root, quiet=True)
        raise
    pool.shutdown(wait=True)
    specs = {n: f.result() for n, f in futures.items()}
    env = {KINDS[n].env_var: KINDS[n].env_value(specs[n]) for n in names}
    env["MAILLAGE_RIG_DIR"] = str(root)
    (root / ENV_FILE).write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    return env


def read_env(rig_dir: str | os.PathLike[str]) -> dict[str, str]:
    env: dict[str, str] = {}
    for line in (_as_dir(rig_dir) / ENV_FILE).read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep:
            env[key] = value
    return env


# --------------------------------------------------------------------------- stop


def stop(rig_dir: str | os.PathLike[str], quiet: bool = False) -> None:
    """Stop every server recorded in DIR, in parallel; idempotent."""
    root = _as_dir(rig_dir)
    if not (root / STATE_FILE).exists():
        if not quiet:
            say(f"nothing to stop in {root}")
        return
    names = [n for n in SERVER_NAMES if n in load_specs(root)]
    with ThreadPoolExecutor(max_workers=max(1, len(names))) as pool:
        results = {n: pool.submit(stop_server, root, n) for n in names}
    failures = [f"{n}: {f.exception()}" for n, f in results.items() if f.exception() is not None]
    if failures:
        raise RigError("stop failed\n" + "\n".join(failures))
    if not quiet:
        say(f"stopped {', '.join(_LABEL[n] for n in names) or 'nothing'}")


def stop_server(rig_dir: str | os.PathLike[str], name: str) -> None:
    """Graceful stop of one server (its own signal, SIGKILL after a timeout). Ports and data stay."""
    root = _as_dir(rig_dir)
    spec = _spec(root, name)
    stop_process(spec)
    _save(root, spec)


def kill_server(
    rig_dir: str | os.PathLike[str], name: str, sig: int = signal.SIGKILL, wait: bool = True
) -> None:
    """Send ``sig`` to every process of the server (SIGKILL: a crash; SIGSTOP/SIGCONT: a hang).

    Every process, not just the leader: ``kill -9`` of the PostgreSQL postmaster alone would leave
    its backends running. With ``wait`` and a fatal signal, returns once none is left.
    """
    root = _as_dir(rig_dir)
    spec = _spec(root, name)
    snapshot = server_procs(spec)
    if not snapshot:
        raise RigError(f"{name} is not running")
    signal_procs(snapshot, sig)
    if wait and sig not in (signal.SIGSTOP, signal.SIGTSTP, signal.SIGCONT):
        left = wait_gone(spec, snapshot, 60)
        if left:
            raise RigError(f"{name}: {sorted(left)} still running 60s after {signal.Signals(sig).name}")


def is_running(rig_dir: str | os.PathLike[str], name: str) -> bool:
    return is_alive(_spec(_as_dir(rig_dir), name))


def start_server(rig_dir: str | os.PathLike[str], name: str, timeout: float | None = None) -> None:
    """Start a stopped (or killed) server again with its recorded argv: same ports, same data."""
    root = _as_dir(rig_dir)
    spec = _spec(root, name)
    if is_alive(spec):
        raise RigError(f"{name} is already running (pid {spec.pid})")
    # A kill -9 may leave children of the old process group behind (e.g. postgres backends).
    stop_process(spec)
    kind = KINDS[name]
    spawn(spec)
    _save(root, spec)
    wait_ready(spec, kind.check_ready, timeout or ready_timeout())
    kind.after_ready(spec)


def restart_server(rig_dir: str | os.PathLike[str], name: str, timeout: float | None = None) -> None:
    """Stop (if running) then start again on the same ports and data; returns once it is ready."""
    stop_server(rig_dir, name)
    start_server(rig_dir, name, timeout)


_WIPERS: dict[str, Callable[[Path, Installation], None]] = {
    kafka.NAME: kafka.wipe_data,
    elasticsearch.NAME: elasticsearch.wipe_data,
}


def wipe_server(rig_dir: str | os.PathLike[str], name: str, timeout: float | None = None) -> None:
    """Lose a server's disk: kill -9 it, delete its data directory, start it empty on the same ports.

    For Kafka (its log directories, formatted again) and Elasticsearch (its data path). The other
    servers keep running; returns once the emptied server is ready.
    """
    if name not in _WIPERS:
        raise RigError(f"wiping {name!r} is not supported (only {', '.join(_WIPERS)})")
    root = _as_dir(rig_dir)
    if is_running(root, name):
        kill_server(root, name, signal.SIGKILL)
    stop_process(_spec(root, name))  # anything the kill left behind
    _WIPERS[name](root, ensure_installed())
    start_server(root, name, timeout)


def status(rig_dir: str | os.PathLike[str]) -> dict[str, bool]:
    return {n: is_alive(s) for n, s in load_specs(_as_dir(rig_dir)).items()}
