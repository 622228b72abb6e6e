"""What every scenario of `maillage eval-matching` is made of: the Scenario, people's and offers' facts in
Loiret-weighted French communes, and job titles as employers type them (seeded, deterministic)."""

from __future__ import annotations

import csv
import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from common.territory import Commune, communes
from common.text import normalise
from common.vocabulary import ContractType, Transport, WorkCondition

CONTRACTS = [c.value for c in (ContractType.CDI, ContractType.CDD, ContractType.INTERIM, ContractType.CDDI)]
# The eight conditions the scenarios were built with (the two added since are left out, so the generated
# scenarios stay the same).
CONDITIONS = [c.value for c in WorkCondition if c not in (WorkCondition.SHIFT_WORK, WorkCondition.TRAVEL)]
HF_MARKS = ["", "", "", " H/F", " (H/F)", " F/H"]


@dataclass
class Scenario:
    name: str
    offers: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    key_of_offer: list[str] = field(default_factory=list)  # the occupation (grade 2 when equal)
    family_of_offer: list[str] = field(default_factory=list)  # its neighbourhood (grade 1 when equal)
    key_of_person: list[str] = field(default_factory=list)
    family_of_person: list[str] = field(default_factory=list)

    def grade(self, person: int, offer: int) -> int:
        if self.key_of_offer[offer] == self.key_of_person[person]:
            return 2
        return 1 if self.family_of_offer[offer] == self.family_of_person[person] else 0


def _feminine_word(word: str, suffix: str) -> str:
    """'Conducteur' + 'trice' → 'Conductrice', 'Technicien' + 'ne' → 'Technicienne' (ROME short labels)."""
    if suffix == "trice" and word.endswith("teur"):
        return word[:-4] + "trice"
    if suffix in ("se", "euse", "teuse") and word.endswith("eur"):
        return word[:-3] + "euse"
    if suffix in ("ère", "ière") and word.endswith("er"):
        return word[:-2] + "ère"
    if suffix in ("ve", "ive", "tive") and word.endswith("if"):
        return word[:-1] + "ve"
    return word if suffix == "s" else word + suffix


def gender_forms(label: str) -> list[str]:
    """The masculine and feminine forms of a gendered label: ESCO's 'directeur/directrice', ROME's
    'Garçon / Serveuse de café' and 'Conducteur(trice) de…'; one form when the label is not gendered."""
    masculine = feminine = label.strip()
    if label.count(" / ") == 1:  # ROME: the last word on the left pairs with the first on the right
        left, right = (p.split() for p in label.split(" / "))
        if left and right:
            masculine, feminine = " ".join(left + right[1:]), " ".join(left[:-1] + right)
    elif label.count("/") == 1 and " / " not in label:  # ESCO: two whole forms, same head
        left_form, right_form = (p.strip() for p in label.split("/"))
        if left_form and right_form and normalise(left_form)[:3] == normalise(right_form)[:3]:
            masculine, feminine = left_form, right_form
    masculine = re.sub(r"(\w)\((\w+)\)", r"\1", masculine)
    feminine = re.sub(r"(\w+)\((\w+)\)", lambda m: _feminine_word(m.group(1), m.group(2)), feminine)
    return list(dict.fromkeys([masculine, feminine]))


def title_key(title: str) -> str:
    """A title as compared for 'same wording': normalised, the trailing H/F mark dropped."""
    return re.sub(r"(^| )(h f|f h)$", "", normalise(title)).strip()


def typo(rng: random.Random, text: str) -> str:
    """One typo inside a word of at least six letters: a letter dropped or two adjacent letters swapped."""
    words = [m.span() for m in re.finditer(r"[^\W\d_]{6,}", text)]
    if not words:
        return text
    start, end = rng.choice(words)
    i = rng.randrange(start + 1, end - 2)
    if rng.random() < 0.5 or text[i] == text[i + 1]:
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def employer_title(rng: random.Random, form: str) -> str:
    """A label as an employer types it: capitals or not, maybe a typo, maybe an H/F mark."""
    r = rng.random()
    title = form[:1].upper() + form[1:] if r < 0.45 else form.upper() if r < 0.6 else form
    if rng.random() < 0.15:
        title = typo(rng, title)
    return title + rng.choice(HF_MARKS)


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=1)[0] if text.strip() else ""


@cache
def weighted_places() -> tuple[list[Commune], list[float]]:
    places = [c for c in communes() if c.population >= 500]
    return places, [math.sqrt(c.population) for c in places]


def random_commune(rng: random.Random) -> Commune:
    places, weights = weighted_places()
    return rng.choices(places, weights)[0]


def offer_facts(rng: random.Random, where: Commune) -> dict[str, Any]:
    return {
        "location": {"commune": where.name, "lat": where.lat, "lon": where.lon},
        "contract_type": rng.choice(CONTRACTS),
        "hours_per_week": rng.choice([20, 24, 26, 30, 35]),
        "conditions": rng.sample(CONDITIONS, rng.choice([0, 0, 1, 2])),
        "expires_on": (date.today() + timedelta(days=60)).isoformat(),
    }


def random_transport(rng: random.Random) -> list[str]:
    return rng.sample([t.value for t in Transport], rng.choice([1, 1, 2]))


def person_facts(rng: random.Random, where: Commune, transport: list[str]) -> dict[str, Any]:
    return {
        "location": {"commune": where.name, "lat": where.lat, "lon": where.lon},
        "mobility": {
            "max_distance_km": rng.choice([10, 15, 20, 30, 40]),
            "transport": transport,
            "driving_licence_valid": rng.random() < 0.5,
        },
        "contract_types": rng.sample(CONTRACTS, rng.choice([0, 2, 3])),
        "excluded_conditions": rng.sample(CONDITIONS, rng.choice([0, 1, 2])),
    }


def add_person(scenario: Scenario, person: dict[str, Any], key: str, family: str) -> None:
    scenario.people.append({"display_name": f"Personne {len(scenario.people) + 1}", **person})
    scenario.key_of_person.append(key)
    scenario.family_of_person.append(family)


def add_offer(scenario: Scenario, offer: dict[str, Any], key: str, family: str) -> None:
    scenario.offers.append(offer)
    scenario.key_of_offer.append(key)
    scenario.family_of_offer.append(family)


def pick_in_families(rng: random.Random, families: dict[str, list[str]], count: int) -> list[str]:
    """2–3 members of randomly drawn families (with at least two members) until `count` are chosen."""
    chosen: list[str] = []
    candidates = sorted(f for f, members in families.items() if len(members) >= 2)
    for family in rng.sample(candidates, k=len(candidates)):
        if len(chosen) >= count:
            break
        members = sorted(families[family])
        chosen += rng.sample(members, min(len(members), rng.choice([2, 3]), count - len(chosen)))
    return chosen


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def label_groups(labels: Sequence[str]) -> list[list[str]]:
    """Labels as groups of forms that are the same wording (gender forms, repeated labels) — a person's
    target is taken from a group the offers never use."""
    groups: list[tuple[set[str], list[str]]] = []
    for label in labels:
        forms = [f for f in gender_forms(label) if 0 < len(f) <= 150]
        keys = {title_key(f) for f in forms}
        merged_keys, merged_forms = set(keys), list[str]()
        for group in [g for g in groups if g[0] & keys]:
            merged_keys |= group[0]
            merged_forms += group[1]
            groups.remove(group)
        for form in forms:
            if title_key(form) not in {title_key(f) for f in merged_forms}:
                merged_forms.append(form)
        if merged_forms:
            groups.append((merged_keys, merged_forms))
    return [forms for _, forms in groups]
