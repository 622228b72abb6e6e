"""The person file in a real browser: the référent adds a person through the form (commune autocomplete,
diagnostic, project, consent), edits it, confirms an ambiguous target job, and one job typed in two cases
is kept once. People are created in Pithiviers and Orléans, after test_surfaces.py (file order), so its
demo figures are untouched."""

from __future__ import annotations

import re
import uuid
from typing import Any

from tests.browser.conftest import sign_in
from tests.browser.test_surfaces_occupation_choice import api_call
from tests.processes import LiveServer


def profile_id_of(page: Any) -> str:
    found = re.search(r"/referent/personnes/([0-9a-f]+)", page.url)
    assert found, page.url
    return found.group(1)


def pick_commune(page: Any, typed: str) -> str:
    """Types the start of a commune's name and picks the autocomplete's first suggestion."""
    field = page.get_by_label("Commune de résidence")
    field.fill(typed)
    page.locator("#commune-list option").first.wait_for(state="attached")
    chosen = str(page.locator("#commune-list option").first.get_attribute("value") or "")
    assert chosen
    field.fill(chosen)
    return chosen


def add_person(page: Any, name: str, jobs: list[str]) -> str:
    page.goto("/referent")
    page.get_by_role("link", name="Ajouter une personne").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Ajouter une personne"
    page.get_by_label("Nom affiché").fill(name)
    pick_commune(page, "Orléa")
    for n, job in enumerate(jobs, start=1):
        page.get_by_label(f"Métier visé {n}").fill(job)
    page.get_by_label("Rayon de mobilité (km)").fill("20")
    page.get_by_role("button", name="Ajouter la personne").click()
    page.wait_for_url(re.compile(r"ok=personne-creee"))
    return profile_id_of(page)


def test_the_referent_adds_a_person_through_the_form(new_page: Any, live_server: LiveServer) -> None:
    name = f"Mme Ajout {uuid.uuid4().hex[:6]}"
    page = new_page()
    sign_in(page, "referent")
    page.get_by_role("link", name="Ajouter une personne").first.click()
    page.get_by_label("Nom affiché").fill(name)
    page.get_by_label("Commune de résidence").fill("Nulle-Part-sur-Loire")
    page.get_by_label("Rayon de mobilité (km)").fill("15")
    page.get_by_role("button", name="Ajouter la personne").click()
    # The server's refusal, in French next to the field, the values kept; never the API's JSON.
    assert (
        page.locator("#commune-error").inner_text() == "Choisissez une commune du territoire dans la liste."
    )
    assert page.get_by_label("Nom affiché").input_value() == name
    assert '"error"' not in page.content() and "Input should" not in page.content()

    commune = pick_commune(page, "Pithiv")
    assert commune.startswith("Pithiviers")
    page.get_by_label("Métier visé 1").fill("cariste")
    page.get_by_label("Métier visé 2").fill("Cariste")
    page.get_by_label("Mobilité", exact=True).select_option("OUI")
    page.get_by_label("permis non valide").check()
    page.get_by_label("aide à la mobilité (permis, transport)").check()
    page.get_by_label("vélo").check()
    page.get_by_label("Disponible à partir du").fill("2027-01-04")
    page.get_by_label("Transmettre la fiche avec les initiales").check()
    page.get_by_role("button", name="Ajouter la personne").click()

    page.wait_for_url(re.compile(r"ok=personne-creee"))
    assert "La personne est ajoutée à votre portefeuille." in page.locator(".notice").inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == name
    assert page.locator("#resume-freins").inner_text() == "Mobilité"
    assert page.locator("#resume-metiers").inner_text() == "cariste"  # « Cariste » was the same job
    assert page.locator("#resume-mobilite").inner_text() == "15 km · vélo"
    assert page.locator("#resume-disponibilite").inner_text() == "à partir du 04/01/2027"
    assert "permis non valide" in page.locator("#contraintes").inner_text()
    saved = api_call(live_server, "referent", "GET", f"/api/v1/profiles/{profile_id_of(page)}")
    assert saved["target_jobs"] == ["cariste"] and saved["location"]["commune"] == "Pithiviers"
    assert saved["needs"] == ["aide_a_la_mobilite"] and saved["employer_sharing"] == "initials"

    page.get_by_role("link", name="Mon portefeuille").first.click()
    page.get_by_role("link", name=name).click()
    assert page.get_by_role("heading", level=1).inner_text() == name


def test_the_referent_edits_the_project_and_a_job_typed_again_is_not_doubled(
    new_page: Any, live_server: LiveServer
) -> None:
    page = new_page()
    sign_in(page, "referent")
    person = add_person(page, f"M. Projet {uuid.uuid4().hex[:6]}", ["cariste"])
    page.get_by_role("link", name="Modifier le dossier").click()
    assert page.get_by_label("Métier visé 1").input_value() == "cariste"
    assert "Lié à la fiche N1101" in page.locator(".fiche").first.inner_text()

    page.get_by_label("Métier visé 2").fill("Cariste")
    page.get_by_label("Métier visé 3").fill("Magasinier / Magasinière")
    page.get_by_label("Rayon de mobilité (km)").fill("10")
    page.get_by_label("Heures par semaine, au plus").fill("24")
    page.get_by_label("Logement", exact=True).select_option("OUI")
    page.get_by_role("button", name="Enregistrer le dossier").click()

    page.wait_for_url(re.compile(r"ok=dossier"))
    assert "Le dossier est enregistré." in page.locator(".notice").inner_text()
    assert page.locator("#resume-metiers").inner_text() == "cariste, Magasinier / Magasinière"
    assert page.locator("#resume-mobilite").inner_text().startswith("10 km")
    assert page.locator("#resume-freins").inner_text() == "Logement"
    saved = api_call(live_server, "referent", "GET", f"/api/v1/profiles/{person}")
    assert saved["target_jobs"] == ["cariste", "Magasinier / Magasinière"]
    assert saved["max_hours_per_week"] == 24 and saved["mobility"]["max_distance_km"] == 10

    # A wrong value comes back in French next to its field, the others kept as typed.
    page.get_by_role("link", name="Modifier le dossier").click()
    page.get_by_label("Heures par semaine, au plus").fill("60")
    page.locator("#max_hours").evaluate("input => input.removeAttribute('max')")  # past the browser
    page.get_by_role("button", name="Enregistrer le dossier").click()
    assert page.locator("#max_hours-error").inner_text() == "La valeur doit être au plus 48."
    assert page.get_by_label("Rayon de mobilité (km)").input_value() == "10"


def test_the_referent_confirms_an_ambiguous_target_job_from_the_file(
    new_page: Any, live_server: LiveServer
) -> None:
    page = new_page()
    sign_in(page, "referent")
    person = add_person(page, f"Mme Lien {uuid.uuid4().hex[:6]}", ["employé polyvalent"])
    page.get_by_role("link", name="Modifier le dossier").click()
    group = page.get_by_role(
        "group", name="Plusieurs métiers correspondent à « employé polyvalent » — lequel vise la personne ?"
    )
    group.get_by_role("radio").first.check()
    chosen = group.locator("label").first.inner_text().split(" — ")[0].strip()
    page.get_by_role("button", name="Confirmer").click()

    page.wait_for_url(re.compile(r"ok=metier"))
    assert page.locator("#resume-metiers").inner_text() == chosen
    page.get_by_role("link", name="Modifier le dossier").click()
    assert page.locator("form.occupation-choice").count() == 0
    assert page.get_by_label("Métier visé 1").input_value() == chosen
    assert page.locator(".fiche").first.inner_text().startswith("Lié à la fiche ")
    saved = api_call(live_server, "referent", "GET", f"/api/v1/profiles/{person}")
    assert saved["target_jobs"] == [chosen] and len(saved["appellation_codes"]) == 1


def test_the_referent_picks_a_skill_from_the_rome_referential_and_sees_it_linked(
    new_page: Any, live_server: LiveServer
) -> None:
    page = new_page()
    sign_in(page, "referent")
    person = add_person(page, f"M. Savoir {uuid.uuid4().hex[:6]}", ["cariste"])
    page.get_by_role("link", name="Modifier le dossier").click()
    page.get_by_label("Compétences (une par ligne)").fill("accueil des clients")
    field = page.get_by_label("Ajouter une compétence du répertoire ROME")
    field.fill("chariots élév")
    options = page.locator("#skill-list option")
    options.first.wait_for(state="attached")
    suggested = [str(v) for v in options.evaluate_all("os => os.map(o => o.value)")]
    assert suggested and all("chariot" in s.lower() for s in suggested)
    field.fill(suggested[0])  # what picking a datalist suggestion does
    page.get_by_role("button", name="Enregistrer le dossier").click()

    page.wait_for_url(re.compile(r"ok=dossier"))
    saved = api_call(live_server, "referent", "GET", f"/api/v1/profiles/{person}")
    assert saved["skills"] == ["accueil des clients", suggested[0]]
    # Right after the save, each skill is shown as matching understands it; the picked one as itself.
    links = page.locator(".skill-links li")
    assert links.count() == 2
    assert links.nth(1).inner_text() == f"{suggested[0]} — lié à : {suggested[0]}"
    assert links.nth(0).inner_text().startswith("accueil des clients — lié à : ")
    page.get_by_role("link", name="Modifier le dossier").click()
    assert (
        page.get_by_label("Compétences (une par ligne)").input_value()
        == f"accueil des clients\n{suggested[0]}"
    )
    assert page.locator(".skill-links li").count() == 2
