"""The French catalogue: every label and message the web pages show, and the French of each error code.

One place for the wording, so that a label reads the same on every page and a change of wording is one
edit. The API keeps its English details for clients; it adds a stable `code` to the errors that name a
rule of the domain (see common.errors), and the pages look the code up here — never the English sentence.

Labels of the shared vocabulary that the API's own answers also use (work conditions, transports) live
with their enums in common.vocabulary and are re-exported here, so the pages read every label from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from common.identity import Role
from common.vocabulary import (
    CONDITION_LABELS_FR,
    TRANSPORT_LABELS_FR,
    ContractType,
    Contrainte,
    OpportunityKind,
)

__all__ = ["CONDITION_LABELS_FR", "TRANSPORT_LABELS_FR"]

# -- labels -----------------------------------------------------------------------------------------------
ROLE_LABELS: dict[Role, str] = {
    Role.EMPLOYER: "employeur",
    Role.REFERENT: "référent",
    Role.ANALYST: "analyste",
    Role.ADMIN: "administration",
}
CONTRACT_LABELS: dict[ContractType, str] = {
    ContractType.CDI: "CDI",
    ContractType.CDD: "CDD",
    ContractType.INTERIM: "Intérim",
    ContractType.SAISONNIER: "Saisonnier",
    ContractType.APPRENTISSAGE: "Apprentissage",
    ContractType.CONTRAT_PRO: "Contrat de professionnalisation",
    ContractType.CDDI: "CDD d'insertion (SIAE)",
    ContractType.PMSMP: "Immersion (PMSMP)",
}
KIND_LABELS: dict[OpportunityKind, str] = {
    OpportunityKind.JOB: "Emploi",
    OpportunityKind.IMMERSION: "Immersion",
    OpportunityKind.IAE: "Insertion par l'activité économique",
    OpportunityKind.TRAINING: "Formation",
}
# By the offers service's status values (active, paused, closed).
OFFER_STATUS_LABELS: dict[str, str] = {"active": "Publiée", "paused": "En pause", "closed": "Clôturée"}


@dataclass(frozen=True)
class OutcomeWording:
    """How one outcome status reads: `single` names the state of one proposal (a history line), `tally`
    heads a count of them (the dashboard's table)."""

    single: str
    tally: str


# By the matching service's outcome statuses, in the order a proposal goes through them.
OUTCOMES: dict[str, OutcomeWording] = {
    "proposed": OutcomeWording(single="Proposée", tally="propositions"),
    "accepted": OutcomeWording(single="Acceptée", tally="acceptées"),
    "refused": OutcomeWording(single="Refusée", tally="refusées"),
    "withdrawn": OutcomeWording(single="Retirée", tally="retirées"),
}
# By the matching service's refusal reasons (a unit test checks that each one has its label).
REFUSAL_REASON_LABELS: dict[str, str] = {
    "incompatible": "incompatible avec une contrainte",
    "not_mobile": "trop loin ou inaccessible",
    "lacking_skills": "compétences insuffisantes",
    "no_answer": "pas de réponse de l'employeur",
    "did_not_come_to_interview": "absence à l'entretien",
    "person_declined": "refus de la personne",
    "position_filled": "poste pourvu",
    "other": "autre motif",
}

# The diagnostic's contraintes, in neutral wording: a health difficulty is named, never described.
CONTRAINTE_LABELS: dict[Contrainte, str] = {
    Contrainte.MOBILITE: "Mobilité",
    Contrainte.FAMILLE: "Contraintes familiales",
    Contrainte.SANTE: "Difficulté déclarée",
    Contrainte.LECTURE_ECRITURE_CALCUL: "Lecture, écriture, calcul",
    Contrainte.LOGEMENT: "Logement",
    Contrainte.FINANCES: "Difficultés financières",
    Contrainte.ADMINISTRATIF: "Difficultés administratives ou juridiques",
}
CONTRAINTE_STATUS_LABELS: dict[str, str] = {
    "NON_ABORDEE": "Non abordée",
    "OUI": "Oui",
    "CLOTUREE": "Clôturée",
}
# Situations of the diagnostic, in neutral wording. Health situations are never spelled out.
SITUATION_LABELS: dict[str, str] = {
    "aucun_moyen_de_transport": "aucun moyen de transport",
    "dependant_des_transports_en_commun": "dépend des transports en commun",
    "permis_non_valide": "permis non valide",
    "garde_enfant": "garde d'enfant à organiser",
    "aidant": "aidant d'un proche",
    "territoire_rural_isole": "territoire rural isolé",
}

# Why the API finds a job title ambiguous (its French `reason`), explained to the référent or employer.
OCCUPATION_HINTS: dict[str, str] = {
    "plusieurs métiers possibles": "Plusieurs fiches du répertoire ROME sont presque aussi proches.",
    "correspondance incertaine": "Aucun métier du répertoire ROME ne correspond nettement.",
}

# -- notices (the ?ok= of a redirect after a form succeeded) ----------------------------------------------
NOTICES: dict[str, str] = {
    "offre-creee": "L'offre est publiée.",
    "offre-modifiee": "L'offre est modifiée.",
    "offre-pause": "L'offre est en pause : elle n'est plus proposée.",
    "offre-resume": "L'offre est de nouveau publiée.",
    "offre-close": "L'offre est clôturée.",
    "projet": "Le projet professionnel est enregistré.",
    "diagnostic": "Le diagnostic est enregistré.",
    "proposee": "La proposition est enregistrée.",
    "resultat": "Le résultat est enregistré.",
    "metier": "Le métier visé est confirmé : il compte désormais pour les suggestions.",
    "metier-offre": "Le métier de l'offre est confirmé.",
}

# The parts of a suggestion's score, as the « détails » disclosure names them.
SCORE_COMPONENT_LABELS: dict[str, str] = {
    "occupation": "proximité du métier",
    "skills": "compétences détenues",
    "relevance": "similarité des textes",
    "distance": "proximité géographique",
    "freshness": "fraîcheur de l'offre",
}

# -- messages of the pages --------------------------------------------------------------------------------
FIELD_REQUIRED = "Ce champ est obligatoire."
NUMBER_EXPECTED = "Un nombre est attendu."
DISTANCE_EXPECTED = "Indiquez une distance en kilomètres."
COMMUNE_NOT_FOUND = "Choisissez une commune du Loiret dans la liste."
METIER_NOT_FOUND = "Choisissez un métier du ROME dans la liste."
PICK_ONE_OCCUPATION = "Choisissez un des métiers proposés."
SIGN_IN_REFUSED = "Identifiant ou mot de passe incorrect."
REQUEST_FAILED = "La demande a échoué."
REQUEST_NOT_DONE = "La demande n'a pas abouti."
UNKNOWN_ACTION = "Action inconnue."
ACCESS_REFUSED = "Accès refusé"
RESERVED_PAGE = "Cette page est réservée aux comptes : {roles}."
ERROR_PAGE_TITLES: dict[int, str] = {403: ACCESS_REFUSED, 404: "Introuvable", 503: "Service indisponible"}
ERROR_PAGE_TITLE = "Erreur"


@dataclass(frozen=True)
class ErrorPageWording:
    title: str
    message: str


# The page a browser gets for an error outside the API (gateway.web.error_pages), by HTTP status.
ERROR_PAGES: dict[int, ErrorPageWording] = {
    400: ErrorPageWording(
        "Demande incorrecte", "La demande n'a pas pu être traitée. Revenez en arrière et réessayez."
    ),
    403: ErrorPageWording(
        ACCESS_REFUSED, "Votre compte ne permet pas d'ouvrir cette page ni de faire cette action."
    ),
    404: ErrorPageWording(
        "Page introuvable",
        "Cette page n'existe pas ou n'existe plus. Vérifiez l'adresse, ou repartez de votre espace.",
    ),
    405: ErrorPageWording(
        "Action impossible", "Cette adresse ne s'ouvre pas de cette façon. Repartez de votre espace."
    ),
    500: ErrorPageWording(
        "Erreur du service",
        "Une erreur inattendue a empêché de répondre. Elle a été enregistrée ; réessayez dans un instant.",
    ),
    503: ErrorPageWording(
        "Service indisponible",
        "Un service de Maillage ne répond pas pour le moment. Réessayez dans quelques minutes.",
    ),
}

# -- error codes (raised with common.errors; a unit test checks that every code raised is here) -----------
ERROR_CODES: dict[str, str] = {
    "outcome.refusal_needs_reason": "Un refus demande un motif.",
    "outcome.reason_only_on_refusal": "Seul un refus prend un motif.",
    "outcome.proposal_first": "Enregistrez d'abord la proposition, puis ce qu'elle a donné.",
    "outcome.already_closed": "Cette proposition est déjà close.",
    "outcome.already_proposed": "Cette offre a déjà été proposée.",
    "offer.not_found": "Cette offre est introuvable.",
    "offer.owner_only": "Seul l'employeur de l'offre peut la modifier.",
    "offer.invalid_transition": "Cette action n'est pas possible dans l'état actuel de l'offre.",
    "offer.source_id_taken": "Cet identifiant de source appartient à l'offre d'un autre employeur.",
    "offer.role_not_allowed": "Cette action n'est pas ouverte à votre compte.",
    "profile.not_found": "Cette personne est introuvable.",
    "profile.referent_only": "Un dossier personnel n'est ouvert qu'au référent de la personne.",
    "profile.write_referent_only": "Seul le référent de la personne peut modifier son dossier.",
    "profile.create_referent_only": "Seuls les référents créent un dossier ; il rejoint leur portefeuille.",
    "form.expired": "Le formulaire a expiré : rechargez la page, puis recommencez.",
}


def error_message(code: str | None) -> str | None:
    """The French of an error code, or None for no code or a code this catalogue does not know."""
    return ERROR_CODES.get(code) if code else None


# -- input errors (pydantic's error types, with the limits pydantic puts in their context) ----------------
INPUT_ERRORS: dict[str, str] = {
    "missing": FIELD_REQUIRED,
    "greater_than_equal": "La valeur doit être au moins {ge}.",
    "greater_than": "La valeur doit être supérieure à {gt}.",
    "less_than_equal": "La valeur doit être au plus {le}.",
    "less_than": "La valeur doit être inférieure à {lt}.",
    "string_too_long": "{max_length} caractères au plus.",
    "too_long": "{max_length} éléments au plus.",
    "float_parsing": NUMBER_EXPECTED,
    "float_type": NUMBER_EXPECTED,
    "int_parsing": "Un nombre entier est attendu.",
    "int_type": "Un nombre entier est attendu.",
    "int_from_float": "Un nombre entier est attendu.",
    "date_parsing": "Une date est attendue (jj/mm/aaaa).",
    "date_type": "Une date est attendue (jj/mm/aaaa).",
    "date_from_datetime_parsing": "Une date est attendue (jj/mm/aaaa).",
    "date_from_datetime_inexact": "Une date est attendue (jj/mm/aaaa).",
    "string_pattern_mismatch": "Le format n'est pas valide.",
    "enum": "Choisissez une valeur de la liste.",
    "literal_error": "Choisissez une valeur de la liste.",
}
EMPTY_TEXT = "Ce champ ne doit pas être vide."
TOO_SHORT = "{min_length} caractères au moins."
INVALID_VALUE = "Cette valeur n'est pas acceptée."


def input_error_message(error_type: str, context: Mapping[str, Any] | None = None) -> str:
    """The French of one pydantic error, from its type and context (never from its English message)."""
    # Limits read as pydantic's own messages write them: 48, not 48.0.
    limits = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in (context or {}).items()}
    if error_type == "string_too_short":
        template = EMPTY_TEXT if limits.get("min_length") == 1 else TOO_SHORT
    else:
        template = INPUT_ERRORS.get(error_type, INVALID_VALUE)
    try:
        return template.format(**limits)
    except (KeyError, IndexError):  # a context without the expected limit: the sentence without it
        return INVALID_VALUE


# The dashboard's map (gateway/web/dashboard_map.py): each level as a choice, and as a column head.
MAP_LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "epci": ("Intercommunalités (EPCI)", "Intercommunalité"),
    "commune": ("Communes", "Commune"),
    "departement": ("Départements", "Département"),
}
MAP_NO_OUTLINES = (
    "Les contours de ce territoire ne sont pas fournis avec Maillage : la carte ne peut pas être dessinée, "
    "les mêmes chiffres sont dans le tableau ci-dessous."
)
