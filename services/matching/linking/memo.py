"""A least-recently-used memo bounded by the bytes its values hold, not by how many there are.

Linking memoises numpy rows whose size depends on the input: a skill wording's row of scores against the
~30,000 ROME competences is 120 KB, a skill list's profile is that once per skill plus once more. A bound
on entries alone let a process's memory follow the length of the lists it met (the soak of issue 17 saw
matching grow 8.8 MB/min); a bound on bytes holds whatever the lists. Not thread-safe: callers lock.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ByteBudgetMemo(Generic[K, V]):
    """Keeps the most recently used values while their summed `size_of` stays within `budget_bytes`."""

    def __init__(self, budget_bytes: int, size_of: Callable[[V], int]) -> None:
        self.budget_bytes = budget_bytes
        self._size_of = size_of
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self.nbytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: K) -> bool:
        return key in self._entries

    def get(self, key: K) -> V | None:
        """The value, now the most recently used; None when it is not (or no longer) kept."""
        kept = self._entries.get(key)
        if kept is None:
            return None
        self._entries.move_to_end(key)
        return kept[0]

    def put(self, key: K, value: V) -> None:
        """Keep `value`, forgetting the least recently used until the budget holds (a value larger than
        the whole budget is not kept at all)."""
        size = self._size_of(value)
        previous = self._entries.pop(key, None)
        if previous is not None:
            self.nbytes -= previous[1]
        if size > self.budget_bytes:
            return
        self._entries[key] = (value, size)
        self.nbytes += size
        while self.nbytes > self.budget_bytes:
            _, (_, evicted) = self._entries.popitem(last=False)
            self.nbytes -= evicted
