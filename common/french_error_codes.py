"""The French of each error code the services raise (common.errors), for the pages: the API keeps its
English details for clients and adds the stable `code`, which the pages look up here. Re-exported by
common.french_catalogue, where the pages read every wording."""

from __future__ import annotations

# A unit test (tests/unit/gateway/test_error_codes.py) checks that every code raised is here.
ERROR_CODES: dict[str, str] = {
    "outcome.refusal_needs_reason": "Un refus demande un motif.",
    "outcome.reason_only_on_refusal": "Seul un refus prend un motif.",
    "outcome.proposal_first": "Enregistrez d'abord la proposition, puis ce qu'elle a donné.",
    "outcome.already_closed": "Cette proposition est déjà close.",
    "outcome.already_proposed": "Cette offre a déjà été proposée.",
    "outcome.already_interview": "Un entretien est déjà proposé.",
    "proposal.closed": "Cette proposition est close : elle ne prend plus de réponse.",
    "proposal.not_found": "Cette proposition n'existe pas ou ne vous a pas été adressée.",
    "proposal.reason_needed": "Indiquez pourquoi la personne n'est pas retenue.",
    "proposal.reason_not_for_employers": "Choisissez un motif de la liste.",
    "proposal.reason_only_when_not_retained": "Seul « pas retenu(e) » prend un motif.",
    "proposal.question_needed": "Écrivez votre question au référent.",
    "proposal.text_only_with_question": "Seule une question prend un texte.",
    "offer.not_found": "Cette offre est introuvable.",
    "offer.owner_only": "Seul l'employeur de l'offre peut la modifier.",
    "offer.invalid_transition": "Cette action n'est pas possible dans l'état actuel de l'offre.",
    "offer.source_id_taken": "Cet identifiant de source appartient à l'offre d'un autre employeur.",
    "offer.role_not_allowed": "Cette action n'est pas ouverte à votre compte.",
    "profile.not_found": "Cette personne est introuvable.",
    "profile.referent_only": "Un dossier personnel n'est ouvert qu'au référent de la personne.",
    "profile.write_referent_only": "Seul le référent de la personne peut modifier son dossier.",
    "profile.create_referent_only": "Seuls les référents créent un dossier ; il rejoint leur portefeuille.",
    "contact.in_the_future": "Un contact ne s'enregistre pas avant sa date : indiquez un jour passé.",
    "contact.too_old": "Cette date est trop ancienne pour un contact.",
    "form.expired": "Le formulaire a expiré : rechargez la page, puis recommencez.",
    "account.exists": "Cet identifiant est déjà pris.",
    "account.not_found": "Ce compte est introuvable.",
    "account.not_referent": "Le compte de destination doit être un référent actif.",
    "account.self": "Vous ne pouvez pas faire cette action sur votre propre compte.",
    "account.siret_invalid": "Ce numéro SIRET n'est pas valide (14 chiffres, clé de contrôle).",
    "handover.same_referent": "La personne est déjà suivie par ce référent.",
    "handover.nothing": "Il n'y a personne à transférer.",
    "audit.admin_only": "Le journal d'audit est consulté par l'administration.",
    "deadletters.changed": "D'autres messages sont arrivés entre-temps : relisez la liste, puis recommencez.",
    "coordination.no_structure": "Aucune structure n'est indiquée pour ce suivi.",
    "profile.handover_admin_only": "Seule l'administration transfère une personne vers un autre référent.",
    "profile.counts_only": "Ces effectifs sont réservés à la coordination et à l'administration.",
    "analytics.unknown_area": "Ce territoire est inconnu : choisissez-en un dans la liste.",
    "analytics.bad_month": "Indiquez un mois sous la forme AAAA-MM.",
    "analytics.group_key": "La clé d'un groupe : 1 à 40 lettres minuscules, chiffres ou tirets.",
    "analytics.group_name": "Donnez au groupe un nom de 1 à 80 caractères.",
    "analytics.group_unknown": "Un code d'EPCI ou de commune est inconnu.",
    "analytics.group_empty": "Un groupe réunit au moins une intercommunalité ou une commune.",
    "analytics.group_not_found": "Ce groupe de territoires est introuvable.",
}


def error_message(code: str | None) -> str | None:
    """The French of an error code, or None for no code or a code this catalogue does not know."""
    return ERROR_CODES.get(code) if code else None
