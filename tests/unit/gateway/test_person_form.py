"""The person file form: the API body it makes, its errors in French next to the fields, what it shows."""

from __future__ import annotations

from typing import Any

from common import french_catalogue as fr
from contracts.profiles import ProfileCreate
from gateway.web.person_form import PersonFileForm, linked_fiches, person_file_body, person_file_values


def filled(**overrides: Any) -> PersonFileForm:
    fields: dict[str, Any] = {
        "display_name": "Mme D.",
        "commune": "Montargis (45208)",
        "target_jobs": ["cariste", "Cariste", ""],
        "radius": "12,5",
        "transport": ["bicycle"],
        "contract_types": ["CDI"],
        "min_hours": "",
        "max_hours": "30",
        "skills": "conduite de chariot\nmanutention",
        "situations": ["garde_enfant", "aucun_moyen_de_transport"],
        "needs": ["solution_de_garde", "inconnu"],
        "available_from": "2027-01-04",
        "employer_sharing": "initials",
        "contrainte_contraintes_familiales": "OUI",
        "contrainte_mobilite": "CLOTUREE",
        "contrainte_sante": "n'importe quoi",
    }
    fields.update(overrides)
    return PersonFileForm.model_validate(fields)


def test_a_filled_form_makes_a_valid_new_file() -> None:
    body, errors = person_file_body(filled(), None)
    assert errors == {}
    created = ProfileCreate.model_validate(body)
    assert created.location.commune == "Montargis" and created.location.insee_code == "45208"
    assert created.mobility.max_distance_km == 12.5 and created.max_hours_per_week == 30
    assert created.skills == ["conduite de chariot", "manutention"]
    assert created.needs == ["solution_de_garde"]  # a need the form does not offer is dropped
    assert str(created.available_from) == "2027-01-04" and created.employer_sharing == "initials"
    contraintes = {c.code.value: (c.status.value, c.situations) for c in created.contraintes}
    assert contraintes == {
        "mobilite": ("CLOTUREE", ["aucun_moyen_de_transport"]),
        "contraintes_familiales": ("OUI", ["garde_enfant"]),
    }


def test_an_empty_form_says_in_french_what_is_missing_next_to_each_field() -> None:
    _, errors = person_file_body(PersonFileForm(), None)
    assert errors["display_name"] == fr.EMPTY_TEXT
    assert errors["commune"] == fr.COMMUNE_NOT_FOUND
    assert errors["radius"] == fr.DISTANCE_EXPECTED
    assert all(message and not message.startswith(("Input", "Value", "Field")) for message in errors.values())


def test_wrong_values_are_reported_together_in_french() -> None:
    _, errors = person_file_body(
        filled(
            commune="Nulle-Part-sur-Loire",
            radius="500",
            available_from="demain",
            min_hours="40",
            max_hours="20",
        ),
        None,
    )
    assert errors["commune"] == fr.COMMUNE_NOT_FOUND
    assert errors["radius"] == "La valeur doit être au plus 200."
    assert errors["available_from"] == "Une date est attendue (jj/mm/aaaa)."


def test_editing_keeps_the_situations_the_form_does_not_show() -> None:
    current = {"contraintes": [{"code": "sante", "status": "OUI", "situations": ["code_de_sante"]}]}
    body, errors = person_file_body(filled(contrainte_sante="OUI", situations=[]), current)
    assert errors == {}
    assert {"code": "sante", "status": "OUI", "situations": ["code_de_sante"]} in body["contraintes"]


def test_a_file_shows_back_as_the_form_reads_it() -> None:
    body, _ = person_file_body(filled(), None)
    profile = {**ProfileCreate.model_validate(body).model_dump(mode="json"), "appellation_codes": []}
    values = person_file_values(profile)
    assert values["commune"] == "Montargis (45208)" and values["radius"] == "12.5"
    assert values["statuses"]["contraintes_familiales"] == "OUI" and values["employer_sharing"] == "initials"
    assert set(values["situations"]) == {"garde_enfant", "aucun_moyen_de_transport"}
    assert values["available_from"] == "2027-01-04"
    assert person_file_values(None)["target_jobs"] == ["", "", ""]


def test_a_target_job_worded_as_a_rome_appellation_shows_its_fiche() -> None:
    fiches = linked_fiches(["cariste", "un métier qui n'existe pas", ""])
    assert list(fiches) == ["cariste"] and fiches["cariste"].startswith("fiche N1101")
