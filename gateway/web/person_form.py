"""The person file form (« Ajouter une personne », « Modifier le dossier »): what it shows and the API body
it makes from what was posted.

One form creates and edits a file: identity kept minimal (a display name, a commune), the diagnostic (the
seven contraintes, their situations, the needs agreed), the professional project (the same fields as the
person page's project form, read by `project_change`), the date the person can start and their consent
to be presented to employers. Like the offer form, the page makes the checks only it can make (a commune
of the territory, typed numbers), then checks the body against the API's own model so every wrong field
shows at once, in French, next to it; the API checks again.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from common import french_catalogue as fr
from common.rome import appellations
from common.vocabulary import Contrainte
from contracts.profiles import ProfileCreate, ProfileUpdate
from gateway.web.forms import DiagnosticForm, ProjectForm, checked
from gateway.web.offer_form import commune_location, resolve_appellation
from gateway.web.person_view import project_values
from gateway.web.referent import PROJECT_FIELDS, project_change

# The profile's fields, as the person file form names them.
PERSON_FIELDS = {**PROJECT_FIELDS, "contraintes": "diagnostic", "employer_sharing": "employer_sharing"}


class PersonFileForm(ProjectForm, DiagnosticForm):
    """The whole file as the référent posted it: the project's fields, each contrainte's status
    (contrainte_<code>), and the rest; `values()` is what the form shows back."""

    display_name: str = Field(default="", max_length=10_000)
    commune: str = Field(default="", max_length=10_000)
    situations: list[str] = Field(default_factory=list)  # checkboxes: the name repeats
    needs: list[str] = Field(default_factory=list)
    available_from: str = Field(default="", max_length=40)
    employer_sharing: str = Field(default="none", max_length=20)

    def values(self) -> dict[str, Any]:
        return {
            **super().values(),
            "display_name": self.display_name.strip(),
            "commune": self.commune.strip(),
            "statuses": {c.value: self.status_of(c, fr.CONTRAINTE_STATUS_LABELS) for c in Contrainte},
            "situations": self.situations,
            "needs": self.needs,
            "available_from": self.available_from.strip(),
            "employer_sharing": self.employer_sharing,
        }


def _contraintes(form: PersonFileForm, current: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each contrainte with its status and situations. Situations the form does not offer (a health
    situation, an older code) stay as they were: the form cannot untick what it does not show."""
    stored = {entry["code"]: entry.get("situations", []) for entry in current}
    ticked = set(form.situations)
    entries = []
    for code in Contrainte:
        offered = fr.SITUATIONS_BY_CONTRAINTE[code]
        kept = [s for s in stored.get(code.value, []) if s not in offered]
        situations = kept + [s for s in offered if s in ticked]
        status = form.status_of(code, fr.CONTRAINTE_STATUS_LABELS)
        if status != "NON_ABORDEE" or situations:
            entries.append({"code": code.value, "status": status, "situations": situations})
    return entries


def person_file_body(
    form: PersonFileForm, current: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The API body from the form (a new file when `current` is None, else a change of it), and
    {form field: French message} for what is wrong with it."""
    body, errors = project_change(form)
    body.update(
        display_name=form.display_name,
        contraintes=_contraintes(form, (current or {}).get("contraintes", [])),
        needs=[need for need in form.needs if need in fr.NEED_LABELS],
        available_from=form.available_from.strip() or None,
        employer_sharing=form.employer_sharing,
    )
    located = commune_location(form.commune)
    if located is None:
        errors["commune"] = fr.COMMUNE_NOT_FOUND
    else:
        body["location"] = located
    probe = {k: v for k, v in body.items() if PERSON_FIELDS.get(k, k) not in errors}
    probe.setdefault("location", {"commune": "-", "lat": 47.9, "lon": 2.3})
    if "mobility" not in probe:
        probe["mobility"] = {"max_distance_km": 1.0}
    model = ProfileCreate if current is None else ProfileUpdate
    for name, message in checked(model, probe, PERSON_FIELDS).items():
        errors.setdefault(name, message)
    return body, errors


def person_file_values(profile: dict[str, Any] | None) -> dict[str, Any]:
    """What the form shows: a new file's defaults, or a file of the API as its fields read."""
    if profile is None:
        blank = {"radius": "", "transport": [], "driving_licence_valid": False, "contract_types": []}
        return {
            **blank,
            "target_jobs": ["", "", ""],
            "min_hours": "",
            "max_hours": "",
            "skills": "",
            "excluded_conditions": [],
            "display_name": "",
            "commune": "",
            "statuses": {code.value: "NON_ABORDEE" for code in Contrainte},
            "situations": [],
            "needs": [],
            "available_from": "",
            "employer_sharing": "none",
        }
    place = profile["location"]
    code = place.get("insee_code")
    return {
        **project_values(profile),
        "display_name": profile["display_name"],
        # "Nemours (77333)": the code keeps a same-named commune elsewhere from being picked on save.
        "commune": f"{place['commune']} ({code})" if code else place["commune"],
        "statuses": {c["code"]: c.get("status", "NON_ABORDEE") for c in profile.get("contraintes", [])},
        "situations": [s for c in profile.get("contraintes", []) for s in c.get("situations", [])],
        "needs": profile.get("needs", []),
        "available_from": profile.get("available_from") or "",
        "employer_sharing": profile.get("employer_sharing", "none"),
    }


def linked_fiches(jobs: list[str]) -> dict[str, str]:
    """{target job: its fiche} for each job that is an appellation of the ROME word for word (case and
    accents aside), e.g. "fiche N1103 — Magasinier / Magasinière" (the fiche's principal appellation)."""
    fiches: dict[str, str] = {}
    for job in filter(None, (j.strip() for j in jobs)):
        found = resolve_appellation(job)
        if found is not None:
            principal = next((a for a in appellations() if a.rome_code == found[1] and a.principal), None)
            fiches[job] = f"fiche {found[1]}" + (f" — {principal.label}" if principal else "")
    return fiches
