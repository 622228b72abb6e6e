"""What demand analytics may know of the people followed: per person, no id — where they live, the métier
of their main project, the métiers their skills point to, their skills — turned at once into the grids of
atoms the disclosure policy publishes from (domain/disclosure.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

from common.text import normalise
from contracts.profiles import MatchingView
from services.matching.domain.disclosure import THRESHOLD, PeopleGrid, coarse_grid, refined_grid
from services.matching.domain.occupations import OccupationLink
from services.matching.domain.sectors import UNKNOWN, sector_key
from services.matching.domain.territories import epci_of


@dataclass(frozen=True)
class PersonFacts:
    insee_code: str | None
    project: str | None  # ROME code of the main project: the first target job linked to the ROME
    skill_fits: tuple[str, ...] = ()  # ROME codes the person's skills were linked to
    skills: tuple[str, ...] = ()  # normalised


def facts_of(view: MatchingView, occupations: Iterable[OccupationLink]) -> PersonFacts:
    links = list(occupations)
    projects = [link.rome_code for link in links if not link.from_skills]
    return PersonFacts(
        insee_code=view.location.insee_code,
        project=projects[0] if projects else None,
        skill_fits=tuple(dict.fromkeys(link.rome_code for link in links if link.from_skills)),
        skills=tuple(sorted({normalise(s) for s in view.skills if normalise(s)})),
    )


@dataclass(frozen=True)
class PeopleGrids:
    jobs: PeopleGrid  # (EPCI, ROME code of the main project), published only where its domain allows
    sectors: PeopleGrid  # (EPCI, ROME domain of the main project)
    skill_fits: PeopleGrid  # (EPCI, ROME domain the skills fit); one person may fit several
    skills: PeopleGrid  # (EPCI, skill)


def people_grids(people: Iterable[PersonFacts], threshold: int = THRESHOLD) -> PeopleGrids:
    jobs: Counter[tuple[str, str]] = Counter()
    fits: Counter[tuple[str, str]] = Counter()
    skills: Counter[tuple[str, str]] = Counter()
    for person in people:
        epci = epci_of(person.insee_code)
        if epci is None:
            continue  # a person with no known commune belongs to no area
        jobs[(epci, person.project or UNKNOWN)] += 1
        fits.update({(epci, sector_key(code)) for code in person.skill_fits})
        skills.update({(epci, skill) for skill in person.skills if skill})
    fine = PeopleGrid(dict(jobs), threshold)
    return PeopleGrids(
        jobs=refined_grid(fine, sector_key),
        sectors=coarse_grid(fine, sector_key),
        skill_fits=PeopleGrid(dict(fits), threshold),
        skills=PeopleGrid(dict(skills), threshold),
    )


@dataclass
class PeopleGridsCache:
    """The grids of the latest *generation* of the people seen (any write or delete of a projection
    changes it, so grids are never served after their people changed): computing them reads and parses
    every projection, ~1 s at 20k people, where the generation is one indexed query."""

    _kept: tuple[Hashable, PeopleGrids] | None = field(default=None, repr=False)

    def grids(self, generation: Hashable, compute: Callable[[], PeopleGrids]) -> PeopleGrids:
        kept = self._kept  # one read: a concurrent report may replace it meanwhile, with grids as good
        if kept is None or kept[0] != generation:
            kept = self._kept = (generation, compute())
        return kept[1]
