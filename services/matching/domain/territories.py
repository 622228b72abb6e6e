"""The places the dashboard filters and compares: the configured territory, a département, an EPCI, a
commune, or a named group of EPCI and communes (the Montargois, the Giennois…) that an administrator keeps.

An area says which communes its offers come from, and which EPCI its people figures cover: people are
counted by EPCI only (docs/analytics.md), so an area counts the people of the EPCI it covers whole.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from common.errors import ValidationFailed
from common.territory import Commune, all_communes, french_commune, territory

TERRITORY = "territoire"
GROUP_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass(frozen=True)
class TerritoryGroup:
    key: str
    name: str
    epcis: tuple[str, ...]  # SIREN codes
    communes: tuple[str, ...] = ()  # INSEE codes, beside whole EPCI


@dataclass(frozen=True)
class Area:
    key: str
    label: str
    communes: frozenset[str] | None  # None: every commune (a deployment for all of France)
    epcis: frozenset[str]  # the EPCI whose people are counted: those the area covers whole


@cache
def epci_members() -> dict[str, frozenset[str]]:
    members: dict[str, set[str]] = defaultdict(set)
    for commune in all_communes():
        if commune.epci_siren:
            members[commune.epci_siren].add(commune.insee_code)
    return {siren: frozenset(codes) for siren, codes in members.items()}


@cache
def epci_names() -> dict[str, str]:
    return {c.epci_siren: c.epci_name for c in all_communes() if c.epci_siren}


def epci_of(insee_code: str | None) -> str | None:
    found = french_commune(insee_code) if insee_code else None
    return found.epci_siren or None if found else None


def whole_epcis(communes: Iterable[str]) -> frozenset[str]:
    codes = set(communes)
    return frozenset(siren for siren, members in epci_members().items() if members <= codes)


def _area(key: str, label: str, members: Iterable[Commune]) -> Area:
    codes = frozenset(c.insee_code for c in members)
    return Area(key, label, codes, whole_epcis(codes))


def resolve_area(key: str, groups: Mapping[str, TerritoryGroup]) -> Area:
    """`territoire`, `dep:45`, `epci:244500211`, `commune:45155` or `groupe:giennois`."""
    kind, _, code = key.partition(":")
    if key == TERRITORY:
        served = territory()
        if served.everything:
            return Area(key, "Toute la France", None, frozenset(epci_members()))
        return _area(key, f"Territoire servi ({served.spec})", served.members)
    if kind == "dep":
        members = [c for c in all_communes() if c.departement == code]
        if members:
            return _area(key, f"Département {code}", members)
    elif kind == "epci" and code in epci_members():
        return Area(key, epci_names()[code], epci_members()[code], frozenset({code}))
    elif kind == "commune":
        commune = french_commune(code)
        if commune is not None:
            return Area(key, commune.name, frozenset({commune.insee_code}), frozenset())
    elif kind == "groupe" and code in groups:
        group = groups[code]
        codes = set(group.communes)
        for siren in group.epcis:
            codes |= epci_members().get(siren, frozenset())
        return Area(key, group.name, frozenset(codes), whole_epcis(codes))
    raise ValidationFailed(f"Unknown area {key!r}.", code="analytics.unknown_area")


def check_group(group: TerritoryGroup) -> TerritoryGroup:
    """A group an administrator may save: a slug, a name, known EPCI and communes, not empty."""
    if not GROUP_KEY.match(group.key):
        raise ValidationFailed(
            "A group key is 1 to 40 lowercase letters, digits or dashes.", code="analytics.group_key"
        )
    if not group.name.strip() or len(group.name) > 80:
        raise ValidationFailed("A group needs a name of 1 to 80 characters.", code="analytics.group_name")
    unknown = [s for s in group.epcis if s not in epci_members()]
    unknown += [c for c in group.communes if french_commune(c) is None]
    if unknown:
        raise ValidationFailed(
            f"Unknown EPCI or commune: {', '.join(unknown)}.", code="analytics.group_unknown"
        )
    if not group.epcis and not group.communes:
        raise ValidationFailed("A group needs at least one EPCI or commune.", code="analytics.group_empty")
    return TerritoryGroup(
        group.key, group.name.strip(), tuple(dict.fromkeys(group.epcis)), tuple(dict.fromkeys(group.communes))
    )


def area_choices(groups: Mapping[str, TerritoryGroup]) -> list[tuple[str, str]]:
    """What the dashboard offers to pick: the territory, its groups, départements and EPCI."""
    served = territory()
    choices = [(TERRITORY, "Territoire servi")]
    choices += [(f"groupe:{g.key}", g.name) for g in sorted(groups.values(), key=lambda g: g.name)]
    if not served.everything:
        departements = sorted({c.departement for c in served.members})
        choices += [(f"dep:{d}", f"Département {d}") for d in departements]
        sirens = sorted({c.epci_siren for c in served.members if c.epci_siren}, key=lambda s: epci_names()[s])
        choices += [(f"epci:{s}", epci_names()[s]) for s in sirens]
    return choices


def default_groups() -> list[TerritoryGroup]:
    """The groups shipped as data (services/matching/data/territory_groups.json, see its NOTICE.md)."""
    text = resources.files("services.matching.data").joinpath("territory_groups.json").read_text("utf-8")
    return [
        TerritoryGroup(g["key"], g["name"], tuple(g["epcis"]), tuple(g.get("communes", ())))
        for g in json.loads(text)["groups"]
    ]
