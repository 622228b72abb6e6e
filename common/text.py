"""French text as Maillage compares it lexically."""

from __future__ import annotations

import functools
import re
import unicodedata


@functools.lru_cache(maxsize=65_536)  # the same skills and titles are compared on every suggestion request
def normalise(text: str) -> str:
    """Lower-case, accents off, punctuation to spaces: how French job words are compared lexically."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", stripped).strip()
