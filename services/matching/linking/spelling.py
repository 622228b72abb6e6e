"""Typos in job titles, corrected against the referentials' own words before linking.

Employers type fast: "jaridnière paysagiste", "Développuse", "CLNIIQUE". A character n-gram scorer
forgives a little, a sentence encoder very little, and one swapped pair of letters was enough to link
"jaridnière paysagiste" to "Peintre paysagiste". Each word of a title that is not a word of any ROME or
ESCO label is replaced by the label word it is one edit away from — a deletion, an insertion, a
substitution or a swap of two neighbouring letters (the symmetric-delete method: two words are that close
when deleting at most one letter from each makes them equal). The most frequent such word wins; a word
with no close label word, a short word (under 5 letters) or a number is left alone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from services.matching.linking.normalize import fold

MIN_LENGTH = 5  # shorter words have too many neighbours to be corrected safely
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class Speller:
    def __init__(self, labels: Iterable[str]) -> None:
        self._frequency: Counter[str] = Counter()
        surface: dict[str, Counter[str]] = {}
        for label in labels:
            for word in _WORD.findall(label):
                folded = fold(word)
                self._frequency[folded] += 1
                surface.setdefault(folded, Counter())[word.lower()] += 1
        # How each folded word is usually written (accents kept), for the corrected text.
        self._surface = {w: forms.most_common(1)[0][0] for w, forms in surface.items()}
        self._by_delete: dict[str, list[str]] = {}
        for word in self._frequency:
            if len(word) >= MIN_LENGTH - 1:
                for variant in (word, *_deletes(word)):
                    self._by_delete.setdefault(variant, []).append(word)

    def known(self, word: str) -> bool:
        return fold(word) in self._frequency

    def correction(self, word: str) -> str | None:
        """The label word `word` is a typo of, or None (known, too short, or nothing close)."""
        folded = fold(word)
        if len(folded) < MIN_LENGTH or folded in self._frequency:
            return None
        candidates: set[str] = set()
        for variant in (folded, *_deletes(folded)):
            candidates.update(self._by_delete.get(variant, ()))
        if not candidates:
            return None
        best = max(sorted(candidates), key=lambda w: self._frequency[w])
        return self._surface[best]

    def correct(self, text: str) -> str:
        """`text` with each unknown word replaced by its correction (case of the label words)."""

        def fix(match: re.Match[str]) -> str:
            return self.correction(match.group(0)) or match.group(0)

        return _WORD.sub(fix, text)
