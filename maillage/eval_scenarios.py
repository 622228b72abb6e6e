"""The scenarios of `maillage eval-matching`, built from the referentials (seeded, deterministic).

Offers sit in Loiret communes; people have communes, radii, transport, licences, contracts and conditions
to avoid, so hard constraints bite. Relevance comes from the *referential*, never from the product:
2 = the person's occupation, 1 = a neighbour (same ROME parent family / 4-digit ISCO group), 0 otherwise.

- ``appellations``: offer titles are ROME appellations; people want another appellation of the same fiche
  (the original scenario, unchanged: same seed, same scenario).
- ``free-titles``: offer titles are ESCO occupation labels written as employers write them (gender form,
  capitals, "H/F" marks, one typo in ~15 %); people want a *different* label of the same occupation (a
  label group held out of the offers). Several occupations share an ISCO group.
- ``skills-only``: people have no target job, only five skills of their fiche reworded as ESCO skill
  labels; offers carry a ROME appellation, sometimes the fiche's definition, sometimes ROME skills.
  The rewording picks ESCO labels by *word overlap* (Okapi BM25 over accent-folded words) — which is NOT
  how the product links skills (it uses character n-grams and a sentence encoder), so the rewording
  neither favours nor mirrors the product's linking; it does favour the BM25 yardstick a little.
- ``real-titles``: people want a job title *written by an employer*, not by a referential: the job-ad
  titles of the MELO development set (``Charpentier escaliéteur (h/f/x)``), each annotated with its ESCO
  occupation. Offers are that occupation's ESCO labels as employers write them (as in ``free-titles``),
  beside a sibling occupation of the same ISCO group (grade 1, and the confusable one). The product's
  linker was measured on these titles (MELO MAP, docs/linking.md), so this is real wording, not held out.
Reference data: ``../shared/data`` (an evaluation tool; the product never reads it).
"""

import csv
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from common.text import normalise
from maillage.eval_bm25 import LabelMatcher
from maillage.eval_linking import read_tsv
from maillage.eval_parts import (
    HF_MARKS,
    Scenario,
    add_offer,
    add_person,
    employer_title,
    first_sentence,
    gender_forms,
    label_groups,
    offer_facts,
    person_facts,
    pick_in_families,
    random_commune,
    random_transport,
    rows,
)

SCENARIOS = ("appellations", "free-titles", "skills-only", "real-titles")
MELO_DEV = Path("eval") / "occupation-linking-dev"


def build_appellations(fiches: int, offers_per_fiche: int, people: int, seed: int) -> Scenario:
    from services.matching.linking.taxonomy import load

    rng = random.Random(seed)
    taxonomy = load()
    by_fiche: dict[str, list[str]] = {}
    for appellation in taxonomy.appellations:
        by_fiche.setdefault(appellation.code_rome, []).append(appellation.label)
    eligible = sorted(code for code, labels in by_fiche.items() if len(labels) >= 4)
    chosen = rng.sample(eligible, fiches)
    scenario = Scenario("appellations")

    def family(code: str) -> str:
        fiche = taxonomy.fiches.get(code)
        return fiche.parent_code if fiche else code

    for fiche in chosen:
        for _ in range(offers_per_fiche):
            where = random_commune(rng)
            title = rng.choice(by_fiche[fiche]) + rng.choice(["", " H/F", " (H/F)"])
            offer = {"title": title, "description": "", **offer_facts(rng, where)}
            add_offer(scenario, offer, fiche, family(fiche))
    for _ in range(people):
        fiche = rng.choice(chosen)
        offer_titles = {
            o["title"].split(" (H/F)")[0].split(" H/F")[0]
            for o, f in zip(scenario.offers, scenario.key_of_offer, strict=True)
            if f == fiche
        }
        other_forms = [label for label in by_fiche[fiche] if label not in offer_titles] or by_fiche[fiche]
        where = random_commune(rng)
        transport = random_transport(rng)
        target = rng.choice(other_forms)
        person = {"target_jobs": [target], **person_facts(rng, where, transport)}
        add_person(scenario, person, fiche, family(fiche))
    return scenario


@dataclass(frozen=True)
class _Occupation:
    uri: str
    isco: str
    groups: tuple[tuple[str, ...], ...]
    description: str


@cache
def _every_esco_occupation(data: Path) -> dict[str, _Occupation]:
    result: dict[str, _Occupation] = {}
    for row in rows(data / "esco" / "occupations_fr.csv"):
        labels = [row["preferredLabel"], *(a for a in row["altLabels"].split("\n") if a.strip())]
        groups = tuple(tuple(g) for g in label_groups(labels))
        if groups:
            uri = row["conceptUri"]
            result[uri] = _Occupation(uri, row["iscoGroup"], groups, row["description"])
    return result


def _esco_occupations(data: Path) -> dict[str, _Occupation]:
    """The occupations with a label group to hold out of the offers and enough labels to write them."""
    return {
        uri: o
        for uri, o in _every_esco_occupation(data).items()
        if len(o.groups) >= 2 and sum(len(g) for g in o.groups) >= 3
    }


def _free_title_offer(
    rng: random.Random, occupation: _Occupation, groups: Sequence[tuple[str, ...]]
) -> dict[str, Any]:
    """An offer of `occupation` titled with one of `groups`' labels as an employer types it (the draws in
    the order the free-titles scenario has always made them: its people and offers stay the same)."""
    where = random_commune(rng)
    title = employer_title(rng, rng.choice(rng.choice(groups)))
    description = first_sentence(occupation.description) if rng.random() < 0.5 else ""
    return {"title": title, "description": description, "skills": [], **offer_facts(rng, where)}


def build_free_titles(data: Path, occupations: int, offers_per: int, people: int, seed: int) -> Scenario:
    rng = random.Random(seed)
    pool = _esco_occupations(data)
    by_isco: dict[str, list[str]] = {}
    for uri, occupation in pool.items():
        by_isco.setdefault(occupation.isco, []).append(uri)
    chosen = [pool[uri] for uri in pick_in_families(rng, by_isco, occupations)]
    scenario = Scenario("free-titles")
    held: dict[str, list[tuple[str, ...]]] = {}
    for occupation in chosen:
        groups = list(occupation.groups)
        rng.shuffle(groups)
        cut = max(1, len(groups) // 3)
        held[occupation.uri] = groups[:cut]
        for _ in range(offers_per):
            offer = _free_title_offer(rng, occupation, groups[cut:])
            add_offer(scenario, offer, occupation.uri, occupation.isco)
    for _ in range(people):
        occupation = rng.choice(chosen)
        where = random_commune(rng)
        target = rng.choice(rng.choice(held[occupation.uri]))
        person = {"target_jobs": [target], **person_facts(rng, where, random_transport(rng))}
        add_person(scenario, person, occupation.uri, occupation.isco)
    return scenario


def melo_titles(data: Path) -> dict[str, list[str]]:
    """The MELO development set's job-ad titles by the ESCO occupation they were annotated with."""
    folder = data / MELO_DEV
    concept_of = read_tsv(folder / "concept_mapping.tsv")
    text_of = read_tsv(folder / "queries.tsv")
    with (folder / "annotations.tsv").open(encoding="utf-8", newline="") as f:  # TREC qrels: qid 0 cid 1
        judged = {(row[0], concept_of[row[2]]) for row in csv.reader(f, delimiter="\t") if row}
    titles: dict[str, list[str]] = {}
    for query, uri in sorted(judged):
        titles.setdefault(uri, []).append(text_of[query])
    return titles


def build_real_titles(data: Path, occupations: int, offers_per: int, people: int, seed: int) -> Scenario:
    rng = random.Random(seed)
    pool = _every_esco_occupation(data)
    titles = {uri: t for uri, t in melo_titles(data).items() if uri in pool}
    siblings: dict[str, list[str]] = {}
    for uri, occupation in pool.items():
        siblings.setdefault(occupation.isco, []).append(uri)
    # Half the occupations are wanted (a MELO title each), half are a sibling of one of them: same ISCO
    # group, different occupation, on offer only.
    wanted = rng.sample(sorted(titles), occupations // 2)
    chosen = list(wanted)
    for uri in wanted:
        others = sorted(set(siblings[pool[uri].isco]) - set(chosen))
        if others:
            chosen.append(rng.choice(others))
    scenario = Scenario("real-titles")
    for uri in chosen:
        for _ in range(offers_per):
            add_offer(scenario, _free_title_offer(rng, pool[uri], pool[uri].groups), uri, pool[uri].isco)
    for _ in range(people):
        uri = rng.choice(wanted)
        person = {
            "target_jobs": [rng.choice(titles[uri])],
            **person_facts(rng, random_commune(rng), random_transport(rng)),
        }
        add_person(scenario, person, uri, pool[uri].isco)
    return scenario


@dataclass
class _Fiche:
    code: str
    parent: str
    titles: list[str] = field(default_factory=list)
    definition: list[str] = field(default_factory=list)
    links: list[tuple[str, str, bool]] = field(default_factory=list)  # (kind, label, core of the job)

    @property
    def savoir_faire(self) -> list[str]:
        return [label for kind, label, _ in self.links if kind == "savoir_faire"]


@cache
def _rome_fiches(data: Path) -> dict[str, _Fiche]:
    rome = data / "rome"
    fiches = {
        r["code_rome"]: _Fiche(r["code_rome"], r["code_rome_parent"] or r["code_rome"])
        for r in rows(rome / "fiches_v460.csv")
    }
    for r in rows(rome / "appellations_v460.csv"):
        if r["code_rome"] in fiches:
            fiches[r["code_rome"]].titles.append(r["libelle_appellation_court"])
    texts = sorted(
        (r["code_rome"], int(r["position_phrase"] or 0), r["libelle_texte"].replace("''", "'"))
        for r in rows(rome / "texte_v460.csv")
        if r["libelle_type_texte"] == "definition"
    )
    for code, _, sentence in texts:
        if code in fiches:
            fiches[code].definition.append(sentence)
    for r in rows(rome / "fiche_competences_v460.csv"):
        if r["code_rome"] in fiches and 0 < len(r["libelle"]) <= 120:
            fiches[r["code_rome"]].links.append((r["kind"], r["libelle"], r["coeur_metier"] == "Principale"))
    return fiches


def rome_labels(data: Path, code_rome: str) -> set[str]:
    """The normalised wordings of every skill and knowledge the fiche lists in ROME."""
    return {normalise(label) for _, label, _ in _rome_fiches(data)[code_rome].links}


@cache
def _rewording(data: Path) -> LabelMatcher:
    """The ESCO skill labels (preferred and alternative), one document each, distinct wordings."""
    labels: dict[str, str] = {}
    for row in rows(data / "esco" / "skills_fr.csv"):
        for label in [row["preferredLabel"], *row["altLabels"].split("\n")]:
            if 0 < len(label.strip()) <= 120:
                labels.setdefault(normalise(label), label.strip())
    return LabelMatcher(list(labels.values()))


def _person_skills(rng: random.Random, data: Path, fiche: _Fiche, count: int = 5) -> list[str] | None:
    links = [(not core, label) for kind, label, core in fiche.links if kind in ("savoir_faire", "savoir")]
    rng.shuffle(links)
    links.sort(key=lambda link: link[0])  # stable: the core of the job first, in random order
    forbidden = rome_labels(data, fiche.code)
    skills: list[str] = []
    for _, label in links:
        taken = {normalise(s) for s in skills}
        options = [c for c in _rewording(data).candidates(label, forbidden) if normalise(c) not in taken]
        if options:  # no ESCO label shares a content word: this competence is skipped
            skills.append(rng.choice(options))
        if len(skills) == count:
            return skills
    return None


def _skills_offer(rng: random.Random, fiche: _Fiche) -> dict[str, Any]:
    where = random_commune(rng)
    title = rng.choice(gender_forms(rng.choice(fiche.titles))) + rng.choice(HF_MARKS)
    description = " ".join(fiche.definition[: rng.choice([1, 2])]) if rng.random() < 0.5 else ""
    skills = rng.sample(fiche.savoir_faire, rng.choice([2, 3, 4])) if rng.random() < 0.5 else []
    return {"title": title, "description": description, "skills": skills, **offer_facts(rng, where)}


def build_skills_only(data: Path, fiches: int, offers_per: int, people: int, seed: int) -> Scenario:
    rng = random.Random(seed)
    pool = _rome_fiches(data)
    families: dict[str, list[str]] = {}
    for code, fiche in pool.items():
        if fiche.titles and len(fiche.savoir_faire) >= 4 and len(fiche.links) >= 10:
            families.setdefault(fiche.parent, []).append(code)
    chosen = [pool[code] for code in pick_in_families(rng, families, fiches)]
    scenario = Scenario("skills-only")
    for fiche in chosen:
        for _ in range(offers_per):
            add_offer(scenario, _skills_offer(rng, fiche), fiche.code, fiche.parent)
    for _ in range(100 * people):  # a fiche whose skills cannot all be reworded is drawn again
        fiche = rng.choice(chosen)
        if len(scenario.people) >= people or (skills := _person_skills(rng, data, fiche)) is None:
            continue
        where = random_commune(rng)
        person = {"target_jobs": [], "skills": skills, **person_facts(rng, where, random_transport(rng))}
        add_person(scenario, person, fiche.code, fiche.parent)
    return scenario


def build(name: str, data: Path, occupations: int, offers_per: int, people: int, seed: int) -> Scenario:
    if name == "appellations":
        return build_appellations(occupations, offers_per, people, seed)
    builders = {
        "free-titles": build_free_titles,
        "skills-only": build_skills_only,
        "real-titles": build_real_titles,
    }
    return builders[name](data, occupations, offers_per, people, seed)
