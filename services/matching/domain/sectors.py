"""Sectors and months as the dashboard names them.

One classification for offers and people alike: the ROME *grand domaine* (the first letter of the ROME
code). Offers carry a ROME code and people's projects are linked to one, so demand and supply meet in the
same sector; the employer's NAF activity says who hires, not which job, and mixing the two made one sector
appear twice.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from common.rome import ROME_DOMAINS, appellations

UNKNOWN = "inconnu"

MONTHS_FR = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


def sector_key(rome_code: str | None) -> str:
    """'rome:K' for a ROME code of domain K, 'inconnu' without one."""
    letter = (rome_code or "")[:1].upper()
    return f"rome:{letter}" if letter in ROME_DOMAINS else UNKNOWN


def sector_label(key: str) -> str:
    letter = key.removeprefix("rome:")
    if letter in ROME_DOMAINS:
        return f"{ROME_DOMAINS[letter]} (ROME {letter})"
    return "Métier non renseigné"


@cache
def _job_labels() -> dict[str, str]:
    return {a.rome_code: a.label for a in appellations() if a.principal}


def job_label(rome_code: str) -> str:
    """The ROME fiche's principal appellation."""
    return _job_labels().get(rome_code, rome_code)


def month_key(month: date | None) -> str:
    return month.strftime("%Y-%m") if month else UNKNOWN


def month_label(key: str) -> str:
    if key == UNKNOWN:
        return "date inconnue"
    year, month = key.split("-")
    return f"{MONTHS_FR[int(month) - 1]} {year}"


def add_months(month: date, count: int) -> date:
    """The first day of the month `count` months after (or before) `month`'s."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)
