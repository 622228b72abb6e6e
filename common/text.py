"""French text as Maillage compares it lexically."""

from __future__ import annotations

import re
import unicodedata


def normalise(text: str) -> str:
    """Lower-case, accents off, punctuation to spaces: how French job words are compared lexically."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", stripped).strip()
