"""The skills field of the project forms: the skill picked from the referential joins the list once."""

from __future__ import annotations

from gateway.web.forms import ProjectForm, with_skill
from gateway.web.offer_form import skill_list


def test_the_picked_skill_is_added_last() -> None:
    added = with_skill("accueil\nmanutention\n", "Conduite de chariot")
    assert added == "accueil\nmanutention\nConduite de chariot"
    assert with_skill("", "  Conduite de chariot ") == "Conduite de chariot"


def test_a_skill_already_listed_is_not_added_again_case_and_accents_aside() -> None:
    assert with_skill("Préparation de commandes", "preparation DE commandes") == "Préparation de commandes"
    assert with_skill("accueil", "   ") == "accueil"


def test_the_project_form_sends_the_picked_skill_with_the_others() -> None:
    form = ProjectForm(skills="accueil", skill_add="Chariots élévateurs")
    assert skill_list(form.values()["skills"]) == ["accueil", "Chariots élévateurs"]
