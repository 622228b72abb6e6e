"""Memory and CPU of the processes a benchmark measures, read from /proc (a process and its descendants:
the rig and Elasticsearch start through wrappers)."""

from __future__ import annotations

import os
import time
from pathlib import Path


def _kb_field_mb(path: str, key: str) -> float:
    """A "Key: N kB" line of a /proc file, in MB (0 once the process is gone)."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def rss_mb(pid: int) -> float:
    return _kb_field_mb(f"/proc/{pid}/status", "VmRSS:")


def _tree(pid: int) -> list[int]:
    """A process and all its descendants (the rig and Elasticsearch start through wrappers)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def tree_rss_mb(pid: int) -> float:
    """RSS of a process and all its descendants."""
    return round(sum(rss_mb(p) for p in _tree(pid)), 1)


def pss_mb(pid: int) -> float:
    """Proportional set size: shared pages divided among the processes that map them, so that a tree of
    processes sharing memory (PostgreSQL's backends and its shared buffers) is not counted once per
    process as its RSS is."""
    return _kb_field_mb(f"/proc/{pid}/smaps_rollup", "Pss:")


def tree_pss_mb(pid: int) -> float:
    """PSS of a process and all its descendants."""
    return round(sum(pss_mb(p) for p in _tree(pid)), 1)


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its descendants still running."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / ticks


class CpuMeter:
    """CPU seconds each named process (tree) spends between `start` and `stop`: where a phase's work went."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self._before: dict[str, float] = {}
        self._started = 0.0

    def start(self) -> CpuMeter:
        self._before = {name: tree_cpu_s(pid) for name, pid in self.pids.items()}
        self._started = time.monotonic()
        return self

    def stop(self) -> dict[str, float]:
        wall = time.monotonic() - self._started
        used = {name: round(tree_cpu_s(pid) - self._before[name], 2) for name, pid in self.pids.items()}
        return {
            **used,
            "wall_s": round(wall, 2),
            "cores_busy": round(sum(used.values()) / max(wall, 1e-9), 2),
        }
