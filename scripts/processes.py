"""Maillage processes on loopback, for the tests and the benchmarks alike: a free port, a process started
with its output in a log file, a wait until it answers /healthz, and a stop that cannot hang.

The two callers differ only in patience and in the error they raise: the tests' defaults are here (two
minutes, an AssertionError that pytest reports with the log); the benchmarks pass their own.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spawn(
    command: Sequence[str], log: Path, env: Mapping[str, str], cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start `command` with its stdout and stderr appended to `log`."""
    with log.open("ab") as out:  # the child holds its own copy of the descriptor
        return subprocess.Popen(list(command), env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)


def wait_healthy(
    url: str,
    process: subprocess.Popen[bytes],
    log: Path,
    timeout_s: float = 120,
    *,
    request_timeout_s: float = 1,
    error: type[Exception] = AssertionError,
) -> None:
    """Until `url`/healthz answers 200; if the process dies or hangs, raises `error` with its log's end."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise error(f"{url} exited early:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=request_timeout_s).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise error(f"{url} never became healthy:\n{log.read_text()[-3000:]}")


def stop_processes(*processes: subprocess.Popen[bytes], timeout_s: float) -> None:
    """Terminate them all, then wait for each; one still running `timeout_s` later is killed and reaped."""
    for process in processes:
        process.terminate()  # a no-op on one that has already exited
    for process in processes:
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
