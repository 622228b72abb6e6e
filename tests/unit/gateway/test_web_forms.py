"""The pages' forms: read as posted, converted, and checked against the API's models, in French."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from common import french_catalogue as fr
from common.vocabulary import Contrainte
from gateway.web.forms import (
    NUMBER,
    OPTIONAL_NUMBER,
    REQUIRED_NUMBER,
    REQUIRED_WHOLE_NUMBER,
    DiagnosticForm,
    OfferForm,
    ProjectForm,
    read_numbers,
)
from gateway.web.offer_form import offer_payload
from gateway.web.referent import project_change


def test_numbers_read_as_people_type_them() -> None:
    values, errors = read_numbers(
        {"a": " 12,5 ", "b": "", "c": "3"},
        {"a": REQUIRED_NUMBER, "b": OPTIONAL_NUMBER, "c": REQUIRED_WHOLE_NUMBER},
    )
    assert values == {"a": 12.5, "b": None, "c": 3} and errors == {}


def test_a_field_message_replaces_the_wording_of_a_wrong_number_but_not_of_a_missing_one() -> None:
    kinds: dict[str, TypeAdapter[Any]] = {
        "hours": REQUIRED_NUMBER,
        "openings": REQUIRED_WHOLE_NUMBER,
        "radius": NUMBER,
    }
    own = {"hours": "own", "openings": "own", "radius": "own radius"}
    _, errors = read_numbers({"hours": "", "openings": "1,5", "radius": ""}, kinds, own)
    assert errors == {"hours": fr.FIELD_REQUIRED, "openings": "own", "radius": "own radius"}
    _, errors = read_numbers({"hours": "abc", "openings": "x", "radius": "1"}, kinds)
    assert errors == {"hours": fr.NUMBER_EXPECTED, "openings": "Un nombre entier est attendu."}


def test_an_empty_offer_form_gets_a_french_message_per_field() -> None:
    _, errors = offer_payload(OfferForm(kind="job", contract_type="", openings="1"), creating=True)
    assert errors["commune"] == fr.COMMUNE_NOT_FOUND
    assert errors["hours_per_week"] == fr.FIELD_REQUIRED
    assert errors["title"] == "Ce champ ne doit pas être vide."
    assert errors["contract_type"] == "Choisissez une valeur de la liste."
    assert all(message and not message.startswith("Input") for message in errors.values())


def test_an_offer_form_makes_the_api_body() -> None:
    form = OfferForm(
        title="Agent de propreté",
        commune="Montargis (45208)",
        metier="Agent / Agente de propreté de locaux",
        contract_type="CDI",
        hours_per_week="26,5",
        skills="nettoyage\nvitres; sols",
        openings="2",
        conditions=["heavy_lifting"],
    )
    body, errors = offer_payload(form, creating=True)
    assert errors == {}
    assert body["location"]["insee_code"] == "45208" and body["hours_per_week"] == 26.5
    assert body["openings"] == 2 and body["skills"] == ["nettoyage", "vitres", "sols"]
    assert body["appellation_code"] and body["rome_code"]


def test_the_project_form_reports_every_wrong_field_in_french() -> None:
    form = ProjectForm(radius="500", max_hours="60", transport=["car"], csrf="x")
    _, errors = project_change(form)
    assert errors == {
        "radius": "La valeur doit être au plus 200.",
        "max_hours": "La valeur doit être au plus 48.",
    }
    _, errors = project_change(ProjectForm(radius="loin", min_hours="x"))
    assert errors == {"min_hours": fr.NUMBER_EXPECTED, "radius": fr.DISTANCE_EXPECTED}


def test_the_project_form_makes_the_profile_change() -> None:
    form = ProjectForm(
        target_jobs=[" Agent / Agente de propreté de locaux ", ""],
        radius="25",
        driving_licence_valid="on",
        min_hours="",
        max_hours="35",
        skills="nettoyage;vitres",
    )
    body, errors = project_change(form)
    assert errors == {}
    assert body["target_jobs"] == ["Agent / Agente de propreté de locaux"] and body["appellation_codes"]
    assert body["mobility"] == {"max_distance_km": 25.0, "transport": [], "driving_licence_valid": True}
    assert body["min_hours_per_week"] is None and body["max_hours_per_week"] == 35.0
    assert form.values()["target_jobs"] == ["Agent / Agente de propreté de locaux", ""]


def test_the_diagnostic_form_has_one_field_per_contrainte() -> None:
    posted = {field.alias for field in DiagnosticForm.model_fields.values() if field.alias}
    assert posted == {f"contrainte_{code.value}" for code in Contrainte}
    form = DiagnosticForm.model_validate({"contrainte_mobilite": "OUI", "contrainte_logement": "bogus"})
    assert form.status_of(Contrainte.MOBILITE, fr.CONTRAINTE_STATUS_LABELS) == "OUI"
    assert form.status_of(Contrainte.LOGEMENT, fr.CONTRAINTE_STATUS_LABELS) == "NON_ABORDEE"
    assert form.status_of(Contrainte.SANTE, fr.CONTRAINTE_STATUS_LABELS) == "NON_ABORDEE"
