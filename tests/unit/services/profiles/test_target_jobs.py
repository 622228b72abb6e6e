"""A target job counts once, whatever its case or accents (in the profiles domain: API and pages alike)."""

from __future__ import annotations

from services.profiles.domain import distinct_target_jobs


def test_case_and_accents_do_not_make_two_jobs() -> None:
    assert distinct_target_jobs(["cariste", "Cariste", "CARISTE"]) == ["cariste"]
    assert distinct_target_jobs(["Électricien", "electricien", "ÉLECTRICIEN"]) == ["Électricien"]


def test_the_first_wording_is_kept_and_the_order_too() -> None:
    assert distinct_target_jobs(["magasinier", "Cariste", "Magasinier", "cariste", "vendeur"]) == [
        "magasinier",
        "Cariste",
        "vendeur",
    ]


def test_punctuation_and_spacing_do_not_make_two_jobs_either() -> None:
    assert distinct_target_jobs(["agent d'entretien", "Agent  d’entretien"]) == ["agent d'entretien"]


def test_different_jobs_stay_apart() -> None:
    assert distinct_target_jobs(["cariste", "caristes", "aide-soignant", "aide soignant"]) == [
        "cariste",
        "caristes",
        "aide-soignant",
    ]
