"""Real Kafka, Elasticsearch and PostgreSQL for integration tests, without Docker.

    python -m scripts.rig install
    python -m scripts.rig start --dir DIR [--only kafka,es,pg]
    python -m scripts.rig stop --dir DIR
    python -m scripts.rig status --dir DIR
    python -m scripts.rig run [--only ...] -- CMD ARGS...

``run`` exports MAILLAGE_TEST_KAFKA, MAILLAGE_TEST_ES, MAILLAGE_TEST_PG and MAILLAGE_RIG_DIR to
CMD, stops every server however CMD or the rig ends, and exits with CMD's exit code.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from types import FrameType

from . import control, server_processes
from .common import RigError, say
from .install import ensure_installed

_HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(BaseException):
    """Raised in the main thread by SIGINT/SIGTERM/SIGHUP so that ``finally`` blocks clean up.

    A BaseException, like KeyboardInterrupt, so no ``except Exception`` swallows it.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class _Signals:
    """First signal raises Interrupted; later ones are only remembered, so cleanup runs to the end."""

    def __init__(self) -> None:
        self.received: int | None = None
        self.shielded = False

    def shield(self) -> None:
        """From now on signals never interrupt: a half-done cleanup would leave servers behind."""
        self.shielded = True

    def install(self) -> None:
        for sig in _HANDLED:
            signal.signal(sig, self._handle)

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.received is None and not self.shielded:
            self.received = signum
            raise Interrupted(signum)
        say(f"{signal.Signals(signum).name} received again: still cleaning up")


def _exit_code(returncode: int) -> int:
    # Killed by a signal: report it as a shell would (128 + signal number).
    return 128 - returncode if returncode < 0 else returncode


def cmd_install(_args: argparse.Namespace) -> int:
    t0 = time.monotonic()
    inst = ensure_installed(verbose=True)
    v = inst.versions
    say(
        f"installed in {time.monotonic() - t0:.1f}s: kafka {v.kafka} (log4j {v.log4j}), "
        f"elasticsearch {v.es}, postgresql {inst.pg_version}, java at {inst.java_home}"
    )
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    _Signals().install()  # a Ctrl-C or SIGTERM mid-start stops what was already started
    t0 = time.monotonic()
    env = control.start(args.dir, args.only)
    say(f"all ready in {time.monotonic() - t0:.1f}s; wrote {os.path.join(os.path.abspath(args.dir), 'env')}")
    for key, value in env.items():
        print(f"{key}={value}")
    return 0


def cmd_stop(args: argparse.Namespace) -> int:
    signals = _Signals()
    signals.install()
    signals.shield()
    control.stop(args.dir)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    states = control.status(args.dir)
    for name, alive in states.items():
        print(f"{name}: {'running' if alive else 'stopped'}")
    return 0 if states and all(states.values()) else 1


def cmd_run(args: argparse.Namespace) -> int:
    cmd = list(args.cmd)
    if cmd and cmd[0] == "--":
        cmd = cmd[1:]
    if not cmd:
        raise RigError("run needs a command after --")
    signals = _Signals()
    signals.install()
    rig_dir = tempfile.mkdtemp(prefix="maillage-rig-")
    keep = os.environ.get("MAILLAGE_RIG_KEEP") == "1"
    child: subprocess.Popen[bytes] | None = None
    reaper_stop = threading.Event()
    rc = 1
    started = False
    try:
        env = control.start(rig_dir, args.only)
        started = True
        # This process is the servers' parent: reap the ones a test kills, so restarts need not wait.
        threading.Thread(
            target=server_processes.reap_children_forever, args=(reaper_stop,), daemon=True
        ).start()
        try:
            child = subprocess.Popen(cmd, env={**os.environ, **env})
        except OSError as exc:
            say(f"cannot run {cmd[0]!r}: {exc}")
            return 127
        rc = _exit_code(child.wait())
    except Interrupted as exc:
        rc = 128 + exc.signum
        if child is not None and child.poll() is None:
            # CMD shares our process group, so a terminal Ctrl-C reached it already; a signal sent to
            # us alone (kill, CI timeout) did not, so pass it on and give it time to clean up.
            say(f"{exc}: passing it to {cmd[0]} and stopping the servers")
            child.send_signal(exc.signum)
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        else:
            say(f"{exc}: stopping the servers")
    finally:
        reaper_stop.set()
        signals.shield()
        try:
            control.stop(rig_dir, quiet=True)
            say("servers stopped")
        finally:
            if keep:
                say(f"kept {rig_dir} (MAILLAGE_RIG_KEEP=1)")
            else:
                if not started:
                    say("set MAILLAGE_RIG_KEEP=1 to keep the servers' full logs for a failed start")
                shutil.rmtree(rig_dir, ignore_errors=True)
    return rc


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scripts.rig", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("install", help="fetch and prepare Kafka, Elasticsearch, PostgreSQL (idempotent)")
    only_help = "comma-separated subset of kafka,es,pg (default: all)"
    p = sub.add_parser("start", help="start the servers with data under DIR; they keep running")
    p.add_argument("--dir", required=True)
    p.add_argument("--only", help=only_help)
    p = sub.add_parser("stop", help="stop the servers started in DIR (idempotent)")
    p.add_argument("--dir", required=True)
    p = sub.add_parser("status", help="show which servers of DIR are running")
    p.add_argument("--dir", required=True)
    p = sub.add_parser("run", help="start servers in a temp dir, run CMD with their env, stop them")
    p.add_argument("--only", help=only_help)
    p.add_argument("cmd", nargs=argparse.REMAINDER, help="-- CMD ARGS...")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {
        "install": cmd_install,
        "start": cmd_start,
        "stop": cmd_stop,
        "status": cmd_status,
        "run": cmd_run,
    }
    try:
        return handlers[args.command](args)
    except RigError as exc:
        say(f"error: {exc}")
        return 2
    except (Interrupted, KeyboardInterrupt) as exc:
        say(f"interrupted ({exc})")
        return 130 if isinstance(exc, KeyboardInterrupt) else 128 + exc.signum


if __name__ == "__main__":
    sys.exit(main())
