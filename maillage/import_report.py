"""What `maillage import-offers` prints: a progress bar counting records, problems by record, a summary."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from services.offers.importing import RowError, summary_by_reason

MAX_REPORTED = 200


class ProgressBar:
    """A one-line progress bar on stderr: label, bar, count, rate. Redrawn at most ten times a second."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.monotonic()
        self._last = 0.0
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        total = max(total, 1)
        filled = int(self.width * min(done, total) / total)
        rate = done / max(now - self.started, 1e-6)
        bar = "█" * filled + "░" * (self.width - filled)
        self.stream.write(f"\r{self.label:<12} {bar} {done:>6}/{total:<6} {rate:8.0f}/s")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()


def print_problems(problems: list[RowError], stream: TextIO) -> None:
    for problem in problems[:MAX_REPORTED]:
        stream.write(f"  {problem.describe()}\n")
    if len(problems) > MAX_REPORTED:
        stream.write(f"  … et {len(problems) - MAX_REPORTED} autres\n")


def print_summary(errors: list[RowError], stream: TextIO) -> None:
    stream.write("Refus par motif :\n")
    for reason, count in summary_by_reason(errors):
        stream.write(f"  {reason} : {count} enregistrement(s)\n")
