"""Loiret demo data: employers' offers across the Montargois, the Giennois, the Pithiverais and Orléans,
and a référent's caseload whose people carry real freins (no car, childcare, a declared difficulty).

Everything goes through the services' own use cases, as the demo accounts, so events, outbox and index
are exercised exactly as in use.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from common.clock import utcnow
from common.identity import Caller, Role
from common.territory import Commune, territory
from common.territory import commune_named as _commune_named
from common.vocabulary import ContractType as C
from common.vocabulary import OpportunityKind as K
from common.vocabulary import WorkCondition as W
from contracts.offers import OfferCreate
from contracts.profiles import ProfileCreate
from services.offers.service import OffersService
from services.profiles.service import ProfilesService

DEMO_DEPARTEMENT = "45"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OfferTemplate:
    title: str
    rome: str
    skills: tuple[str, ...]
    contract: C
    hours: float
    conditions: tuple[W, ...] = ()
    kind: K = K.JOB
    description: str = ""


TEMPLATES = [
    OfferTemplate(
        "Agent / Agente d'entretien des locaux",
        "K2204",
        ("nettoyage des locaux", "utilisation des produits d'entretien", "tri des déchets"),
        C.CDI,
        24,
        (W.EARLY_MORNING,),
        description="Entretien de bureaux et de parties communes.",
    ),
    OfferTemplate(
        "Préparateur / Préparatrice de commandes",
        "N1103",
        ("préparation de commandes", "lecture de bons de commande", "manutention"),
        C.INTERIM,
        35,
        (W.HEAVY_LIFTING, W.STANDING_ALL_DAY),
        description="Entrepôt logistique.",
    ),
    OfferTemplate(
        "Aide à domicile",
        "K1302",
        ("entretien du logement", "aide à la préparation des repas", "accompagnement de personnes âgées"),
        C.CDI,
        28,
        (W.DRIVING_LICENCE, W.WEEKEND_WORK),
        description="Interventions chez des personnes âgées.",
    ),
    OfferTemplate(
        "Employé / Employée polyvalent(e) de restauration",
        "G1603",
        ("mise en place de la salle", "plonge", "service au comptoir"),
        C.CDD,
        30,
        (W.WEEKEND_WORK, W.SPLIT_SHIFTS),
        description="Restaurant traditionnel.",
    ),
    OfferTemplate(
        "Agent / Agente de propreté et d'hygiène",
        "K2204",
        ("nettoyage des locaux", "respect des protocoles d'hygiène"),
        C.CDDI,
        26,
        kind=K.IAE,
        description="Entreprise d'insertion, accompagnement socio-professionnel.",
    ),
    OfferTemplate(
        "Ouvrier / Ouvrière du paysage",
        "A1203",
        ("tonte et débroussaillage", "plantation", "entretien des espaces verts"),
        C.SAISONNIER,
        35,
        (W.HEAVY_LIFTING,),
        description="Saison printemps-été.",
    ),
    OfferTemplate(
        "Caissier / Caissière",
        "D1505",
        ("encaissement", "accueil de la clientèle"),
        C.CDD,
        25,
        (W.STANDING_ALL_DAY, W.WEEKEND_WORK),
    ),
    OfferTemplate(
        "Employé / Employée de libre-service",
        "D1507",
        ("mise en rayon", "étiquetage", "rotation des produits"),
        C.CDI,
        30,
        (W.EARLY_MORNING,),
    ),
    OfferTemplate(
        "Cariste",
        "N1101",
        ("conduite de chariot élévateur", "CACES R489", "chargement de camions"),
        C.CDI,
        35,
    ),
    OfferTemplate(
        "Opérateur / Opératrice de production en agroalimentaire",
        "H2102",
        ("conduite de ligne", "contrôle qualité", "respect des règles d'hygiène"),
        C.INTERIM,
        35,
        (W.NIGHT_WORK, W.STANDING_ALL_DAY),
    ),
    OfferTemplate(
        "Plongeur / Plongeuse en restauration",
        "G1605",
        ("plonge", "entretien de la cuisine"),
        C.CDD,
        20,
        (W.SPLIT_SHIFTS,),
    ),
    OfferTemplate(
        "Chauffeur-livreur / Chauffeuse-livreuse",
        "N4105",
        ("livraison de colis", "chargement du véhicule"),
        C.CDI,
        35,
        (W.DRIVING_LICENCE, W.HEAVY_LIFTING),
    ),
    OfferTemplate(
        "Agent / Agente d'accueil",
        "M1601",
        ("accueil physique et téléphonique", "orientation du public"),
        C.CDD,
        30,
    ),
    OfferTemplate(
        "Jardinier / Jardinière d'espaces verts",
        "A1203",
        ("entretien des espaces verts", "taille des haies", "plantation"),
        C.CDDI,
        26,
        kind=K.IAE,
        description="Chantier d'insertion communal.",
    ),
    OfferTemplate(
        "Agent / Agente de maintenance des bâtiments",
        "I1203",
        ("petits travaux de peinture", "plomberie de base", "entretien des bâtiments"),
        C.CDDI,
        26,
        (W.WORK_AT_HEIGHT,),
        kind=K.IAE,
    ),
    OfferTemplate(
        "Vendeur / Vendeuse en boulangerie (immersion)",
        "D1106",
        ("vente", "encaissement"),
        C.PMSMP,
        35,
        (W.EARLY_MORNING, W.WEEKEND_WORK),
        kind=K.IMMERSION,
        description="Immersion de deux semaines pour découvrir le métier.",
    ),
    OfferTemplate(
        "Formation : Titre professionnel Agent de propreté et d'hygiène",
        "K2204",
        ("nettoyage des locaux", "utilisation des autolaveuses"),
        C.CONTRAT_PRO,
        35,
        kind=K.TRAINING,
    ),
    OfferTemplate(
        "Serveur / Serveuse en restauration",
        "G1803",
        ("service en salle", "prise de commandes"),
        C.SAISONNIER,
        35,
        (W.WEEKEND_WORK, W.SPLIT_SHIFTS),
    ),
    OfferTemplate(
        "Magasinier / Magasinière",
        "N1103",
        ("réception de marchandises", "gestion des stocks", "inventaire"),
        C.CDI,
        35,
        (W.HEAVY_LIFTING,),
    ),
    OfferTemplate(
        "Agent / Agente de service hospitalier",
        "J1301",
        ("bionettoyage", "service des repas"),
        C.CDD,
        35,
        (W.WEEKEND_WORK, W.EARLY_MORNING),
    ),
]

COMMUNES = [
    "Montargis",
    "Amilly",
    "Châlette-sur-Loing",
    "Villemandeur",
    "Gien",
    "Briare",
    "Pithiviers",
    "Le Malesherbois",
    "Orléans",
    "Saint-Jean-de-Braye",
    "Fleury-les-Aubrais",
    "Sully-sur-Loire",
    "Ferrières-en-Gâtinais",
    "Courtenay",
    "Beaune-la-Rolande",
    "Lorris",
    "Nogent-sur-Vernisson",
    "Châteauneuf-sur-Loire",
    "Puiseaux",
    "Dordives",
    "Corquilleroy",
]

EMPLOYERS = [
    ("employer", "Entreprise de démonstration"),
    ("demo-employer-2", "Propreté du Gâtinais"),
    ("demo-employer-3", "Logistique Val de Loire"),
    ("demo-employer-4", "Association Aide et Domicile 45"),
    ("demo-employer-5", "Restaurant Le Loing"),
    ("demo-employer-6", "Chantier d'insertion du Giennois"),
]


def demo_offers(count: int = 63) -> list[tuple[Caller, OfferCreate]]:
    offers = []
    today = utcnow()
    for i in range(count):
        template = TEMPLATES[i % len(TEMPLATES)]
        # 5 is coprime with the 21 communes, so the offers visit all of them.
        commune = commune_named(COMMUNES[(i * 5) % len(COMMUNES)])
        employer_id, employer_name = EMPLOYERS[i % len(EMPLOYERS)]
        offer = OfferCreate(
            title=template.title,
            description=template.description or f"{template.title} à {commune.name}.",
            kind=template.kind,
            location={
                "commune": commune.name,
                "lat": commune.lat,
                "lon": commune.lon,
                "insee_code": commune.insee_code,
            },
            contract_type=template.contract,
            hours_per_week=template.hours,
            skills=list(template.skills),
            rome_code=template.rome,
            openings=1 + i % 3,
            conditions=list(template.conditions),
            employer_name=employer_name,
            expires_on=(today + timedelta(days=30 + i % 60)).date(),
            source_id=f"demo-{i:03d}",
        )
        offers.append((Caller(employer_id, Role.EMPLOYER), offer))
    return offers


def _person(name: str, commune: str, **fields: object) -> ProfileCreate:
    place = commune_named(commune)
    location = {"commune": place.name, "lat": place.lat, "lon": place.lon, "insee_code": place.insee_code}
    return ProfileCreate.model_validate({"display_name": name, "location": location, **fields})


def demo_profiles() -> list[ProfileCreate]:
    return [
        _person(
            "Mme A. — Amilly",
            "Amilly",
            target_jobs=["technicien de surface"],
            skills=["nettoyage des locaux"],
            mobility={"max_distance_km": 15, "transport": ["bicycle", "public_transport"]},
            contraintes=[{"code": "mobilite", "status": "OUI", "situations": ["aucun_moyen_de_transport"]}],
        ),
        _person(
            "M. B. — Gien",
            "Gien",
            target_jobs=["magasinier", "cariste"],
            skills=["préparation de commandes", "gestion des stocks"],
            mobility={"max_distance_km": 30, "transport": ["car"], "driving_licence_valid": True},
            excluded_conditions=["night_work"],
            contraintes=[{"code": "contraintes_familiales", "status": "OUI", "situations": ["garde_enfant"]}],
        ),
        _person(
            "Mme C. — Pithiviers",
            "Pithiviers",
            target_jobs=["aide à domicile", "agent de service"],
            skills=["entretien du logement"],
            mobility={"max_distance_km": 20, "transport": ["public_transport"]},
            excluded_conditions=["weekend_work"],
            contraintes=[{"code": "contraintes_familiales", "status": "OUI", "situations": ["garde_enfant"]}],
        ),
        _person(
            "M. D. — Montargis",
            "Montargis",
            target_jobs=["commis de cuisine", "plongeur"],
            skills=["plonge"],
            mobility={"max_distance_km": 10, "transport": ["walking", "bicycle"]},
            excluded_conditions=["heavy_lifting", "standing_all_day"],
            contraintes=[{"code": "sante", "status": "OUI"}],
        ),
        _person(
            "M. E. — Châlette-sur-Loing",
            "Châlette-sur-Loing",
            target_jobs=["jardinier paysagiste"],
            skills=["entretien des espaces verts", "taille des haies"],
            mobility={"max_distance_km": 20, "transport": ["carpool"]},
            contract_types=["CDDI", "CDD", "CDI"],
        ),
        _person(
            "Mme F. — Orléans",
            "Orléans",
            target_jobs=["hôtesse d'accueil", "secrétaire"],
            skills=["accueil physique et téléphonique"],
            mobility={"max_distance_km": 10, "transport": ["public_transport"]},
            min_hours_per_week=20,
            max_hours_per_week=30,
            contraintes=[{"code": "lecture_ecriture_calcul", "status": "NON_ABORDEE"}],
        ),
    ]


def commune_named(name: str) -> Commune:
    """The demo's places are the Loiret's, whatever the territory: "Olivet" is Olivet (45)."""
    return _commune_named(name, DEMO_DEPARTEMENT)


def demo_reachable() -> bool:
    """The demo only makes sense where the configured territory reaches the Loiret's communes."""
    area = territory()
    return all(area.reach(commune_named(name)).within_band for name in COMMUNES)


def seed(offers: OffersService, profiles: ProfilesService, referent: str = "referent") -> tuple[int, int]:
    """Idempotent for offers (by source id); profiles are only added to an empty caseload. Nothing when
    the territory (MAILLAGE_TERRITORY) does not reach the Loiret: its offers would all be refused."""
    if not demo_reachable():
        log.warning("demo data skipped: the territory %s does not reach the Loiret", territory().spec)
        return 0, 0
    offer_count = 0
    for caller, offer in demo_offers():
        offers.create(caller, offer)
        offer_count += 1
    referent_caller = Caller(referent, Role.REFERENT)
    if profiles.caseload(referent_caller, 1, 0).total:
        return offer_count, 0
    people = demo_profiles()
    for person in people:
        profiles.create(referent_caller, person)
    return offer_count, len(people)
