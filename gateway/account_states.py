"""What decides whether a signed token is still good, per account, cached in each gateway replica.

A token carries its account's `token_epoch` and its own session id. The account store answers whether the
account is active with that epoch and whether the session was ended; this cache keeps that answer for a
few seconds, so checking a token costs a dictionary lookup rather than a query. A change made through this
replica's store forgets the entry at once; a change made elsewhere (another replica, the `maillage` CLI)
is seen here once the entry is older than the time to live — the bound stated in docs/security.md.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class AccountState:
    role: str
    epoch: int
    ended_sessions: frozenset[str]
    # Who the account acts as at the services: its company, for an employer with a SIRET (see users.py).
    acts_as: str = ""

    def admits(self, role: str, epoch: int, session_id: str) -> bool:
        return role == self.role and epoch == self.epoch and session_id not in self.ended_sessions


class AccountStates:
    """`load(username)`: the account's state, None when it is absent or deactivated."""

    def __init__(
        self,
        load: Callable[[str], AccountState | None],
        ttl_s: float,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 20_000,
    ) -> None:
        self._load = load
        self._ttl_s = ttl_s
        self._clock = clock
        self._max_entries = max_entries
        self._entries: dict[str, tuple[float, AccountState | None]] = {}
        self._forgotten = 0  # bumped by forget(): a load that raced a change is not kept
        self._lock = threading.Lock()

    def get(self, username: str) -> AccountState | None:
        now = self._clock()
        entry = self._entries.get(username)
        if entry is not None and now - entry[0] < self._ttl_s:
            return entry[1]
        forgotten_before = self._forgotten
        state = self._load(username)
        with self._lock:
            if self._forgotten == forgotten_before:
                if len(self._entries) >= self._max_entries:
                    self._entries.clear()  # rare (that many accounts in a few seconds): start afresh
                self._entries[username] = (now, state)
        return state

    def forget(self, username: str) -> None:
        with self._lock:
            self._forgotten += 1
            self._entries.pop(username, None)
