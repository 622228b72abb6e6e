"""French job-title normalisation: accents folded, gender markers and forms merged, stop words dropped.

Users write one métier a hundred ways: "Agent / Agente de propreté H/F", "agent(e) d'entretien",
"Technicienne de surface (h/f/x)". Both sides of a comparison go through the same functions, so a crude
but consistent stemmer is enough: it maps feminine and plural forms onto one key ("agente" → "agent",
"bouchère" → "boucher", "conductrice" → "conducteur"), it does not need to produce real words.
"""

from __future__ import annotations

import re
import unicodedata

# "H/F", "(h/f/x)", "F/H", "(m/f)", "h-f": gender markers of job ads, they carry no meaning.
_GENDER_MARKER = re.compile(r"\(?\b[hfmx]\s*[/-]\s*[hfmx](?:\s*[/-]\s*[hfmx])?\b\)?", re.IGNORECASE)
# "agent(e)", "vendeur(se)", "technicien(ne)": the bracketed feminine ending.
_BRACKET_ENDING = re.compile(r"(\w)\((?:e|ne|se|euse|rice|ere|ère|le|te)\)", re.IGNORECASE)
# "agent.e", "salarié·e": inclusive-writing endings.
_INCLUSIVE_ENDING = re.compile(r"(\w)[.·•](?:e|ne|se|euse|rice|ère|ere)s?\b", re.IGNORECASE)
_NON_WORD = re.compile(r"[^a-z0-9]+")

STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "ou",
        "par",
        "pour",
        "sur",
        "un",
        "une",
        "dans",
        "chez",
        "h",
        "f",
        "x",
        "hf",
        "fh",
        "cdi",
        "cdd",
        "interim",
        "poste",
        "emploi",
        "offre",
    ]
)

# Ordered suffix rules, longest first; applied once to each folded token.
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("trices", "teur"),
    ("trice", "teur"),
    ("euses", "eur"),
    ("euse", "eur"),
    ("eresses", "eur"),
    ("eresse", "eur"),
    ("iennes", "ien"),
    ("ienne", "ien"),
    ("ennes", "en"),
    ("enne", "en"),
    ("ieres", "ier"),
    ("iere", "ier"),
    ("eres", "er"),
    ("ere", "er"),
    ("ives", "if"),
    ("ive", "if"),
    ("ettes", "et"),
    ("ette", "et"),
    ("elles", "el"),
    ("elle", "el"),
    ("eaux", "eau"),
    ("aux", "al"),
)


def fold(text: str) -> str:
    """Lower case, accents removed, ligatures expanded ("Œ" → "oe")."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def clean(text: str) -> str:
    """Remove the gender markers and bracketed endings, keep the wording: "Agent(e) H/F" → "Agent"."""
    text = _GENDER_MARKER.sub(" ", text)
    text = _BRACKET_ENDING.sub(r"\1", text)
    text = _INCLUSIVE_ENDING.sub(r"\1", text)
    return " ".join(text.split())


def stem(token: str) -> str:
    """A feminine or plural form mapped onto the masculine singular key, crudely but consistently."""
    if len(token) <= 3 or token.isdigit():
        return token
    for suffix, replacement in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 2:
            return token[: -len(suffix)] + replacement
    if token.endswith(("s", "x")) and not token.endswith(("ss", "us")):
        token = token[:-1]
    if token.endswith("e") and len(token) > 4:
        token = token[:-1]
    return token


def tokens(text: str) -> list[str]:
    """The stemmed content words of a text, in order (duplicates kept)."""
    words = _NON_WORD.split(fold(clean(text)))
    return [stem(w) for w in words if w and w not in STOP_WORDS]


def head_forms(text: str) -> list[str]:
    """The title's shorter wordings that keep its head, longest first: French job titles put the métier
    first and qualify it after ("Couvreur de toits inclinés" → "Couvreur de toits", "Couvreur"), so
    trailing words are dropped, each form ending on a content word."""
    words = clean(text).split()
    return [
        " ".join(words[:end])
        for end in range(len(words) - 1, 0, -1)
        if _NON_WORD.sub("", fold(words[end - 1])) not in STOP_WORDS
    ]


def word_count(label: str) -> int:
    """How many words a label's fullest form has: "Conducteur / Conductrice de bus" has three, and
    "Conseiller / Conseillère à l'emploi" three, though its key is "conseiller" alone ("emploi" is a stop
    word of job ads)."""
    return max(len(clean(form).split()) for form in label.split(" / "))


def key(text: str) -> str:
    """A normalised form for exact comparison: the sorted set of stemmed content words.

    "Agent / Agente de propreté" and "agente de propreté" share one key.
    """
    return " ".join(sorted(set(tokens(text))))


def surface(text: str) -> str:
    """Folded text with markers removed and the stemmed words re-joined, for character n-grams."""
    return " ".join(tokens(text))
