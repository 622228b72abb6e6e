"""ESCO occupations and ROME appellations worded the same: the two referentials' own correspondence.

No published ESCO ↔ ROME crosswalk is shipped; where an ESCO occupation has a label worded as a ROME
appellation (gender forms and word order aside), that wording ties them. 1,252 of the 2,942 French ESCO
occupations have one.
"""

from __future__ import annotations

from collections import Counter

from services.matching.linking.normalize import key
from services.matching.linking.taxonomy import RomeAppellation, Taxonomies


def same_wordings(tax: Taxonomies) -> dict[str, tuple[RomeAppellation, str]]:
    """ESCO occupation URI → the ROME appellation worded as one of its labels, with that label.

    When its labels name several fiches, the fiche most of them name wins, then the earliest label (the
    preferred one first). An alternative label of one word does not count: those are the homonyms
    ("lecteur", an alternative label of the language assistant, is the publisher's reader in the ROME).
    """
    by_key: dict[str, list[RomeAppellation]] = {}
    for appellation in tax.appellations:
        by_key.setdefault(key(appellation.label), []).append(appellation)
    out: dict[str, tuple[RomeAppellation, str]] = {}
    for occupation in tax.esco:
        keyed = {label: key(label) for label in (occupation.preferred_label, *occupation.alt_labels)}
        named = [
            (appellation, label)
            for label, label_key in keyed.items()
            if label == occupation.preferred_label or len(label_key.split()) > 1
            for appellation in by_key.get(label_key, ())
        ]
        if named:
            votes = Counter(appellation.code_rome for appellation, _ in named)
            best = max(votes.values())
            out[occupation.uri] = next(pair for pair in named if votes[pair[0].code_rome] == best)
    return out
