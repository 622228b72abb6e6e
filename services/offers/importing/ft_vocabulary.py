"""France Travail's words → Maillage's: contract codes, weekly hours, work conditions (the offer's own
text first, then the usual work contexts of its ROME fiche), dates."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

from common.vocabulary import CONDITION_LABELS_FR, ContractType, OpportunityKind, WorkCondition
from services.offers.domain import DEFAULT_VALIDITY
from services.offers.importing.base import Collector


@dataclass(frozen=True)
class FtContract:
    contract: ContractType
    label: str
    kind: OpportunityKind = OpportunityKind.JOB
    note: str = ""


_INDEPENDENT = "activité non salariée : rangée en CDI faute de catégorie, code d'origine conservé"
# Every code of France Travail's typeContrat referential (GET /referentiel/typesContrats).
FT_CONTRACTS: dict[str, FtContract] = {
    "CDI": FtContract(ContractType.CDI, "Contrat à durée indéterminée"),
    "CDD": FtContract(ContractType.CDD, "Contrat à durée déterminée"),
    "MIS": FtContract(ContractType.INTERIM, "Mission intérimaire"),
    "DIN": FtContract(ContractType.INTERIM, "CDI intérimaire"),
    "SAI": FtContract(ContractType.SAISONNIER, "Contrat travail saisonnier"),
    "DDI": FtContract(ContractType.CDDI, "CDD insertion", OpportunityKind.IAE),
    "TTI": FtContract(ContractType.INTERIM, "Contrat travail temporaire insertion", OpportunityKind.IAE),
    "CCE": FtContract(ContractType.CDI, "Profession commerciale", note=_INDEPENDENT),
    "FRA": FtContract(ContractType.CDI, "Franchise", note=_INDEPENDENT),
    "LIB": FtContract(ContractType.CDI, "Profession libérale", note=_INDEPENDENT),
    "REP": FtContract(ContractType.CDI, "Reprise d'entreprise", note=_INDEPENDENT),
}
FULL_TIME_HOURS = 35.0
PART_TIME_MINIMUM = 24.0  # Code du travail, art. L3123-27: the usual minimum of a part-time contract
PLAUSIBLE_HOURS = (4.0, 48.0)
HOURS = re.compile(r"(\d{1,3})\s*[hH](?:\s*(\d{2}))?")


def ft_contract(record: dict[str, Any], out: Collector) -> tuple[FtContract | None, str]:
    """The domain contract (the nature of the contract first: apprentissage, professionnalisation) and
    the source's own code and label, kept as given."""
    code = str(record.get("typeContrat") or "").strip().upper()
    label = str(record.get("typeContratLibelle") or "").strip()
    nature = str(record.get("natureContrat") or "").lower()
    original = f"{code} — {label}" if label else code
    if "apprentissage" in nature:
        return FtContract(ContractType.APPRENTISSAGE, "Apprentissage"), original
    if "professionnalisation" in nature:
        return FtContract(ContractType.CONTRAT_PRO, "Contrat de professionnalisation"), original
    found = FT_CONTRACTS.get(code)
    if found is None:
        out.error(
            "typeContrat", f"type de contrat inconnu : « {code or '(vide)'} »", "type de contrat inconnu"
        )
        return None, original
    if found.note:
        out.warn("typeContrat", f"{found.label} ({code}) : {found.note}", "activité non salariée")
    return found, original or code


def ft_hours(libelle: str, converti: str = "") -> float | None:
    """'35H Travail en journée' → 35; '24H30/semaine' → 24.5; none given but 'Temps plein' → 35."""
    match = HOURS.search(libelle or "")
    if match:
        return int(match.group(1)) + (int(match.group(2)) / 60 if match.group(2) else 0.0)
    if "plein" in (converti or "").lower():
        return FULL_TIME_HOURS
    return None


def hours_of(record: dict[str, Any], out: Collector) -> float:
    """Weekly hours; anything implausible or missing is flagged (warning), never silently stored."""
    libelle = str(record.get("dureeTravailLibelle") or "")
    converti = str(record.get("dureeTravailLibelleConverti") or "").strip()
    shown = " ".join(libelle.split()) or "(vide)"
    match = HOURS.search(libelle)
    read = ft_hours(libelle) if match else None
    fallback = FULL_TIME_HOURS if "plein" in converti.lower() or not converti else PART_TIME_MINIMUM
    low, high = PLAUSIBLE_HOURS
    if read is not None and low <= read <= high:
        return read
    if read is not None and 0 < read < low:
        out.warn(
            "dureeTravailLibelle",
            f"durée invraisemblable : {read:g} h/semaine (« {shown} »), gardée telle quelle : à vérifier",
            "durée invraisemblable",
        )
        return read
    if read is not None:
        out.warn(
            "dureeTravailLibelle",
            f"durée invraisemblable : {read:g} h/semaine (« {shown} ») ; "
            f"{fallback:g} h retenues ({converti or 'par défaut'})",
            "durée invraisemblable",
        )
        return fallback
    out.warn(
        "dureeTravailLibelle",
        f"durée hebdomadaire non précisée (« {shown} », {converti or 'sans autre indication'}) : "
        f"{fallback:g} h retenues",
        "durée non précisée",
    )
    return fallback


_WEEKEND = re.compile(r"samedi|dimanche|week-?\s?end|jours? f[ée]ri[ée]s|7\s*j\s*/\s*7")
_NO_WEEKEND = re.compile(
    r"(pas|sans|jamais|aucun|libres?|repos)\W+(\w+\W+){0,3}?(week-?\s?ends?|samedis?|dimanches?)"
    r"|week-?\s?ends? (libres?|de repos)|lundi au vendredi"
)
_NIGHT = re.compile(r"\bnuit|\b3\s*x\s*8|\bnocturne")
_NO_NIGHT = re.compile(r"(pas|sans|jamais|aucun)\W+(\w+\W+){0,3}?nuits?|en journ[ée]e|horaires? de jour")
_EARLY = re.compile(r"d[ée]cal[ée]|tr[èe]s t[ôo]t|d[èe]s [45]\s*h")
# "poste" alone is the job post; "travail en équipe" is team work: neither is shift work.
_SHIFT = re.compile(r"(travail|horaires?) post[ée]s?\b|\b[2358]\s*x\s*8|[ée]quipes? altern|par roulement")
_SPLIT = re.compile(r"coup[ée]s?\b|coupure")
_TRAVEL = re.compile(r"d[ée]placements?")
ROME_SOURCE = "code France Travail"


@cache
def rome_contexts() -> dict[str, tuple[tuple[str, str], ...]]:
    """ROME fiche → (condition, context label), from the v460 work contexts (package data)."""
    text = resources.files("services.offers.data").joinpath("rome_work_contexts_v460.csv").read_text("utf-8")
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in csv.DictReader(text.splitlines()):
        found[row["code_rome"]].append((row["condition"], row["libelle"]))
    return {k: tuple(v) for k, v in found.items()}


def _stance(text: str, yes: re.Pattern[str], no: re.Pattern[str]) -> bool | None:
    """True: the offer declares it; False: it rules it out ("du lundi au vendredi"); None: silent."""
    if yes.search(no.sub(" ", text)):
        return True
    return False if no.search(text) else None


def _offer_says(record: dict[str, Any], text: str) -> dict[WorkCondition, bool]:
    said: dict[WorkCondition, bool] = {}
    for condition, yes, no in (
        (WorkCondition.WEEKEND_WORK, _WEEKEND, _NO_WEEKEND),
        (WorkCondition.NIGHT_WORK, _NIGHT, _NO_NIGHT),
    ):
        stance = _stance(text, yes, no)
        if stance is not None:
            said[condition] = stance
    if _EARLY.search(text):
        said[WorkCondition.EARLY_MORNING] = True
    if _SPLIT.search(text):
        said[WorkCondition.SPLIT_SHIFTS] = True
    if _SHIFT.search(text):
        said[WorkCondition.SHIFT_WORK] = True
    if _TRAVEL.search(text):
        said[WorkCondition.TRAVEL] = True
    if any(isinstance(p, dict) and p.get("exigence") == "E" for p in record.get("permis") or []):
        said[WorkCondition.DRIVING_LICENCE] = True
    return said


def conditions_of(record: dict[str, Any], out: Collector) -> list[str]:
    """What the offer says (hours text, complementExercice, conditionExercice, licence required); then,
    where the offer is silent, the usual work contexts of its ROME fiche — each one noted."""
    text = " ".join(
        str(record.get(k) or "") for k in ("dureeTravailLibelle", "complementExercice", "conditionExercice")
    ).lower()
    said = _offer_says(record, text)
    found = [c for c, declared in said.items() if declared]
    rome = str(record.get("romeCode") or "")
    for value, label in rome_contexts().get(rome, ()):
        if value == "travel":
            # Most fiches list travel among their usual contexts: from the ROME it is a note, not a
            # condition; an offer that mentions travel declares it (above).
            if not _TRAVEL.search(text):
                out.warn("romeCode", f"{label} : contexte habituel du métier {rome} (ROME)", "note")
            continue
        condition = WorkCondition(value)
        if condition in said or condition in found:
            continue
        found.append(condition)
        out.warn(
            "romeCode",
            f"{CONDITION_LABELS_FR[condition]} : contexte habituel du métier {rome} "
            f"(ROME : « {label} »), l'offre n'en dit rien",
            "condition déduite du ROME",
        )
    return [c.value for c in found]


def parse_ft_datetime(raw: Any) -> datetime | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        return datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def expiry_from(published: datetime | None, updated: datetime | None) -> date | None:
    """Offers are unpublished 90 days after their last update at the source (not after the import)."""
    last = updated or published
    return (last + DEFAULT_VALIDITY).date() if last else None


def expiry_fallback(today: date) -> date:
    return today + timedelta(days=DEFAULT_VALIDITY.days)
