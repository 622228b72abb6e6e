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

from common.french_error_codes import ERROR_CODES, error_message
from common.identity import Role
from common.vocabulary import (
    CONDITION_LABELS_FR,
    TRANSPORT_LABELS_FR,
    ContractType,
    Contrainte,
    OpportunityKind,
)

__all__ = ["CONDITION_LABELS_FR", "ERROR_CODES", "TRANSPORT_LABELS_FR", "error_message"]

# -- labels -----------------------------------------------------------------------------------------------
ROLE_LABELS: dict[Role, str] = {
    Role.EMPLOYER: "employeur",
    Role.REFERENT: "référent",
    Role.ANALYST: "analyste",
    Role.ADMIN: "administration",
    Role.COORDINATOR: "coordination",
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
    "interview": OutcomeWording(single="Entretien proposé", tally="entretiens"),
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

# Which situations the person file offers under each contrainte (codes of SITUATION_LABELS). None under
# the health contrainte: its situations are never described, only the contrainte is named.
SITUATIONS_BY_CONTRAINTE: dict[Contrainte, tuple[str, ...]] = {
    Contrainte.MOBILITE: (
        "aucun_moyen_de_transport",
        "dependant_des_transports_en_commun",
        "permis_non_valide",
        "territoire_rural_isole",
    ),
    Contrainte.FAMILLE: ("garde_enfant", "aidant"),
    Contrainte.SANTE: (),
    Contrainte.LECTURE_ECRITURE_CALCUL: ("francais_a_renforcer", "usage_du_numerique"),
    Contrainte.LOGEMENT: ("hebergement_temporaire", "logement_a_trouver"),
    Contrainte.FINANCES: ("ressources_insuffisantes", "dettes"),
    Contrainte.ADMINISTRATIF: ("droits_a_ouvrir", "papiers_a_renouveler"),
}
SITUATION_LABELS.update(
    {
        "francais_a_renforcer": "français à renforcer",
        "usage_du_numerique": "usage du numérique à accompagner",
        "hebergement_temporaire": "hébergement temporaire",
        "logement_a_trouver": "logement à trouver",
        "ressources_insuffisantes": "ressources insuffisantes",
        "dettes": "dettes à traiter",
        "droits_a_ouvrir": "droits à ouvrir",
        "papiers_a_renouveler": "papiers à renouveler",
    }
)
# Needs agreed with the person in the diagnostic, in neutral wording (codes stored in the file).
NEED_LABELS: dict[str, str] = {
    "aide_a_la_mobilite": "aide à la mobilité (permis, transport)",
    "solution_de_garde": "solution de garde d'enfant",
    "remise_a_niveau": "remise à niveau (savoirs de base)",
    "accompagnement_numerique": "accompagnement au numérique",
    "formation_qualifiante": "formation qualifiante",
    "immersion_professionnelle": "immersion en entreprise",
    "aide_au_logement": "aide au logement",
    "aide_financiere": "aide financière",
    "acces_aux_droits": "accès aux droits",
    "accompagnement_adapte": "accompagnement adapté",
}

# Why the API finds a job title ambiguous (its French `reason`), explained to the référent or employer.
OCCUPATION_HINTS: dict[str, str] = {
    "plusieurs métiers possibles": "Plusieurs fiches du répertoire ROME sont presque aussi proches.",
    "correspondance incertaine": "Aucun métier du répertoire ROME ne correspond nettement.",
}

# -- proposals shared with employers, and their answers ---------------------------------------------------
# What the person agreed to let employers see (contracts.profiles.EmployerSharing).
EMPLOYER_SHARING_LABELS: dict[str, str] = {
    "none": "Ne rien transmettre aux employeurs (la proposition reste chez le référent)",
    "anonymous": "Transmettre une fiche anonyme (compétences utiles, disponibilité)",
    "initials": "Transmettre la fiche avec les initiales",
    "first_name": "Transmettre la fiche avec le prénom",
}
# The employer's answers (contracts.proposals.EmployerAnswer), as the employer picks them and the
# référent reads them.
EMPLOYER_ANSWER_LABELS: dict[str, str] = {
    "interview": "Entretien proposé",
    "hired": "Embauché(e)",
    "not_retained": "Pas retenu(e)",
    "question": "Question au référent",
}
RESPONSIVENESS_NONE_YET = "Aucune proposition encore transmise à cet employeur."
RESPONSIVENESS_TOO_FEW = "Moins de 5 propositions reçues : l'indicateur s'affichera au-delà."
RESPONSIVENESS_ANSWERED = "{answered} proposition(s) sur {shared} ont reçu une réponse"


def responsiveness_delay(hours: float) -> str:
    """The median time to a first answer, in words a référent reads at a glance."""
    if hours < 24:
        return "Répond en général dans la journée"
    days = round(hours / 24)
    return f"Répond en général sous {days} jour{'s' if days > 1 else ''}"


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
    "personne-creee": "La personne est ajoutée à votre portefeuille.",
    "dossier": "Le dossier est enregistré.",
    "partage": "Le choix de la personne sur le partage avec les employeurs est enregistré.",
    "reponse-envoyee": "Votre réponse est transmise au référent.",
    "reponses-lues": "Les réponses sont marquées comme lues.",
    "contact": "Le contact est enregistré.",
    "compte-cree": "Le compte est créé.",
    "compte-modifie": "Le compte est modifié.",
    "compte-desactive": "Le compte est désactivé : ses sessions sont closes.",
    "compte-active": "Le compte est activé.",
    "mot-de-passe": "Le mot de passe est changé : les sessions du compte sont closes.",
    "transfert": "Le transfert de portefeuille est fait.",
    "demande-employeur": "Votre demande est enregistrée : un administrateur la validera.",
    "reindex": "La reconstruction de l'index est lancée.",
    "lettre-rejouee": "Le message est renvoyé à son sujet.",
    "lettre-ecartee": "Le message est écarté.",
    "territoire": "Le groupe de territoires est enregistré.",
    "territoire-supprime": "Le groupe de territoires est supprimé.",
}

# The parts of a suggestion's score, as the « détails » disclosure names them.
SCORE_COMPONENT_LABELS: dict[str, str] = {
    "occupation": "proximité du métier",
    "skills": "compétences détenues",
    "relevance": "similarité des textes",
    "distance": "proximité géographique",
    "freshness": "fraîcheur de l'offre",
}

# How to apply, as an offer's `contact` names its parts (France Travail's keys, and the CSV import's).
CONTACT_LABELS: dict[str, str] = {
    "nom": "Contact",
    "coordonnees1": "Adresse",
    "coordonnees2": "Adresse (suite)",
    "coordonnees3": "Adresse (suite)",
    "telephone": "Téléphone",
    "courriel": "Courriel",
    "commentaire": "À savoir",
    "urlRecruteur": "Site du recruteur",
    "urlPostulation": "Postuler en ligne",
}

# -- messages of the pages --------------------------------------------------------------------------------
FIELD_REQUIRED = "Ce champ est obligatoire."
NUMBER_EXPECTED = "Un nombre est attendu."
DISTANCE_EXPECTED = "Indiquez une distance en kilomètres."
DATE_EXPECTED = "Indiquez une date (jj/mm/aaaa)."
COMMUNE_NOT_FOUND = "Choisissez une commune du territoire dans la liste."
METIER_NOT_FOUND = "Choisissez un métier du ROME dans la liste."
PICK_ONE_OCCUPATION = "Choisissez un des métiers proposés."
SIGN_IN_REFUSED = "Identifiant ou mot de passe incorrect."
REQUEST_FAILED = "La demande a échoué."
REQUEST_NOT_DONE = "La demande n'a pas abouti."
UNKNOWN_ACTION = "Action inconnue."
PISTES_NEED_AN_OFFER = "Cochez au moins une offre pour préparer la fiche « Mes pistes »."
PISTES_TOO_MANY = "La fiche « Mes pistes » tient {max} offres au plus : décochez-en quelques-unes."
PISTES_STEPS_TOO_LONG = "Les prochaines étapes tiennent en {max} caractères au plus."
PISTES_CONTACT_TOO_LONG = "Vos coordonnées tiennent en {max} caractères au plus."
PISTES_UNKNOWN_OFFER = "Une des offres choisies n'est pas reconnue : refaites la sélection."
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

# -- follow-up: contacts with the person, the caseload as a work list -------------------------------------
CONTACT_CHANNEL_LABELS: dict[str, str] = {
    "telephone": "Téléphone",
    "entretien": "Entretien",
    "courriel": "Courriel",
    "courrier": "Courrier",
    "visio": "Visioconférence",
}
CASELOAD_SORT_LABELS: dict[str, str] = {
    "name": "Nom",
    "last_contact": "Dernier contact (le plus ancien d'abord)",
    "last_proposal": "Dernière proposition (la plus ancienne d'abord)",
}

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
