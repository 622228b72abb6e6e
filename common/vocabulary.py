"""Words both sides of a match must share: contracts, work conditions, means of transport, contraintes.

Offers *declare* work conditions; a person's diagnostic may *exclude* some of them, in neutral wording
(the reason — health, family — stays in the person's file and never travels to matching or employers).
"""

from __future__ import annotations

from enum import StrEnum


class ContractType(StrEnum):
    CDI = "CDI"
    CDD = "CDD"
    INTERIM = "interim"
    SAISONNIER = "saisonnier"
    APPRENTISSAGE = "apprentissage"
    CONTRAT_PRO = "contrat_professionnalisation"
    CDDI = "CDDI"  # CDD d'insertion in an SIAE
    PMSMP = "PMSMP"  # immersion (période de mise en situation en milieu professionnel)


class OpportunityKind(StrEnum):
    JOB = "job"
    IMMERSION = "immersion"
    IAE = "iae"
    TRAINING = "training"


class WorkCondition(StrEnum):
    """Conditions an offer declares and a person may be unable to meet."""

    DRIVING_LICENCE = "driving_licence"
    NIGHT_WORK = "night_work"
    WEEKEND_WORK = "weekend_work"
    EARLY_MORNING = "early_morning"
    HEAVY_LIFTING = "heavy_lifting"
    STANDING_ALL_DAY = "standing_all_day"
    WORK_AT_HEIGHT = "work_at_height"
    SPLIT_SHIFTS = "split_shifts"
    SHIFT_WORK = "shift_work"
    TRAVEL = "travel"


CONDITION_LABELS_FR: dict[WorkCondition, str] = {
    WorkCondition.DRIVING_LICENCE: "permis de conduire exigé",
    WorkCondition.NIGHT_WORK: "travail de nuit",
    WorkCondition.WEEKEND_WORK: "travail le week-end",
    WorkCondition.EARLY_MORNING: "horaires très matinaux",
    WorkCondition.HEAVY_LIFTING: "port de charges lourdes",
    WorkCondition.STANDING_ALL_DAY: "station debout prolongée",
    WorkCondition.WORK_AT_HEIGHT: "travail en hauteur",
    WorkCondition.SPLIT_SHIFTS: "horaires coupés",
    WorkCondition.SHIFT_WORK: "travail posté en équipes alternantes",
    WorkCondition.TRAVEL: "déplacements professionnels fréquents",
}


class Transport(StrEnum):
    CAR = "car"
    MOTORBIKE = "motorbike"
    PUBLIC_TRANSPORT = "public_transport"
    BICYCLE = "bicycle"
    WALKING = "walking"
    CARPOOL = "carpool"


# How far a person can reasonably travel to work (km, one way) with their best means of transport.
# A person without a car is not sent 40 km away, whatever radius was typed.
TRANSPORT_REACH_KM: dict[Transport, float] = {
    Transport.CAR: 80.0,
    Transport.MOTORBIKE: 60.0,
    Transport.CARPOOL: 40.0,
    Transport.PUBLIC_TRANSPORT: 30.0,
    Transport.BICYCLE: 12.0,
    Transport.WALKING: 3.0,
}

TRANSPORT_LABELS_FR: dict[Transport, str] = {
    Transport.CAR: "voiture",
    Transport.MOTORBIKE: "deux-roues motorisé",
    Transport.CARPOOL: "covoiturage",
    Transport.PUBLIC_TRANSPORT: "transports en commun",
    Transport.BICYCLE: "vélo",
    Transport.WALKING: "à pied",
}


class Contrainte(StrEnum):
    """The seven contraintes of the diagnostic socio-professionnel (France Travail codes in comments)."""

    MOBILITE = "mobilite"  # 23
    FAMILLE = "contraintes_familiales"  # 24
    SANTE = "sante"  # 25 — shown as "difficulté déclarée", never detailed to partners
    LECTURE_ECRITURE_CALCUL = "lecture_ecriture_calcul"  # 26
    LOGEMENT = "logement"  # 27
    FINANCES = "difficultes_financieres"  # 28
    ADMINISTRATIF = "difficultes_administratives"  # 29


class ContrainteStatus(StrEnum):
    NON_ABORDEE = "NON_ABORDEE"
    OUI = "OUI"
    CLOTUREE = "CLOTUREE"
