"""The forms the pages accept, as pydantic models, and their errors in French.

Each form is read in two steps. Its model takes the body as posted (FastAPI parses it with `Form()`; a
field longer than its limit is refused there with a 422 in the error envelope, before the page runs), so
the page can show the values back as typed. Then the page converts what needs converting (numbers written
"12,5", a commune, a métier) and checks the body against the API's own model, so every wrong field is
reported at once, in French, next to the field — the API checks again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Form
from pydantic import BaseModel, BeforeValidator, Field, TypeAdapter, ValidationError, field_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from common.french_catalogue import input_error_message
from common.text import normalise
from common.vocabulary import Contrainte

# The API's field names, as the forms name them.
FORM_FIELDS = {"location": "commune", "appellation_code": "metier", "rome_code": "metier"}


def form_field(api_field: str, aliases: Mapping[str, str] = FORM_FIELDS) -> str:
    """The form field an API error is about: "location.lat" → "commune"."""
    name = api_field.split(".")[0]
    return aliases.get(name, name)


def french_errors(errors: Iterable[ErrorDetails], aliases: Mapping[str, str] = FORM_FIELDS) -> dict[str, str]:
    """Pydantic's errors as {form field: French message}, the first error of each field."""
    found: dict[str, str] = {}
    for error in errors:
        loc = [str(part) for part in error["loc"] if part != "body"]
        name = form_field(".".join(loc) or "_form", aliases)
        found.setdefault(name, input_error_message(error["type"], error.get("ctx")))
    return found


def checked(
    model: type[BaseModel], data: Mapping[str, Any], aliases: Mapping[str, str] = FORM_FIELDS
) -> dict[str, str]:
    """Checks `data` against `model` (an API model): {form field: French message}, empty when it passes."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return french_errors(exc.errors(), aliases)
    return {}


# -- numbers as people type them ---------------------------------------------------------------------------
def _decimal_text(value: Any) -> Any:
    """ "12,5 " reads as 12.5."""
    return value.strip().replace(",", ".") if isinstance(value, str) else value


def _required(value: Any) -> Any:
    value = _decimal_text(value)
    if value == "":
        raise PydanticCustomError("missing", "Field required")
    return value


def _optional(value: Any) -> Any:
    value = _decimal_text(value)
    return None if value == "" else value


REQUIRED_NUMBER: TypeAdapter[float] = TypeAdapter(Annotated[float, BeforeValidator(_required)])
REQUIRED_WHOLE_NUMBER: TypeAdapter[int] = TypeAdapter(Annotated[int, BeforeValidator(_required)])
OPTIONAL_NUMBER: TypeAdapter[float | None] = TypeAdapter(Annotated[float | None, BeforeValidator(_optional)])
NUMBER: TypeAdapter[float] = TypeAdapter(Annotated[float, BeforeValidator(_decimal_text)])


def read_numbers(
    data: Mapping[str, str],
    kinds: Mapping[str, TypeAdapter[Any]],
    unreadable: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The numbers typed in a form, each read by its kind: ({field: number} for those that read,
    {field: French message} for the others). A field's message in `unreadable` replaces the catalogue's
    wording, except for a missing value."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, kind in kinds.items():
        try:
            values[name] = kind.validate_python(data[name])
        except ValidationError as exc:
            error = exc.errors()[0]
            own = (unreadable or {}).get(name) if error["type"] != "missing" else None
            errors[name] = own or input_error_message(error["type"], error.get("ctx"))
    return values, errors


# -- the forms, as posted -----------------------------------------------------------------------------------
class CsrfForm(BaseModel):
    """A form with nothing but its CSRF token: sign-out, an offer's pause/resume/close buttons."""

    csrf: str = ""


class LoginForm(BaseModel):
    username: str = Field(default="", max_length=64)
    password: str = Field(default="", max_length=200)
    csrf: str = ""
    suite: str = ""


class OfferForm(BaseModel):
    """The offer form's fields as posted; `values()` is what the form shows back."""

    title: str = Field(default="", max_length=10_000)
    description: str = Field(default="", max_length=10_000)
    commune: str = Field(default="", max_length=10_000)
    metier: str = Field(default="", max_length=10_000)
    kind: str = Field(default="job", max_length=10_000)
    contract_type: str = Field(default="", max_length=10_000)
    hours_per_week: str = Field(default="", max_length=10_000)
    skills: str = Field(default="", max_length=10_000)
    openings: str = Field(default="1", max_length=10_000)
    expires_on: str = Field(default="", max_length=10_000)
    conditions: list[str] = Field(default_factory=list)  # checkboxes: the name repeats
    csrf: str = Field(default="", max_length=10_000)

    def values(self) -> dict[str, Any]:
        return self.model_dump(exclude={"csrf"})


class ProjectForm(BaseModel):
    """A person's professional project, as the référent posted it; `values()` is what the form shows back."""

    target_jobs: list[str] = Field(default_factory=list)
    radius: str = ""
    transport: list[str] = Field(default_factory=list)
    driving_licence_valid: str = ""  # a checkbox: "on" when ticked
    contract_types: list[str] = Field(default_factory=list)
    min_hours: str = ""
    max_hours: str = ""
    skills: str = ""
    skill_add: str = Field(default="", max_length=10_000)  # one more skill, picked from the referential
    excluded_conditions: list[str] = Field(default_factory=list)
    csrf: str = ""

    def values(self) -> dict[str, Any]:
        return {
            "target_jobs": [job.strip() for job in self.target_jobs],
            "radius": self.radius.strip(),
            "transport": self.transport,
            "driving_licence_valid": self.driving_licence_valid == "on",
            "contract_types": self.contract_types,
            "min_hours": self.min_hours.strip(),
            "max_hours": self.max_hours.strip(),
            "skills": with_skill(self.skills, self.skill_add),
            "excluded_conditions": self.excluded_conditions,
        }


def with_skill(skills: str, added: str) -> str:
    """The skills typed one per line, with the one picked in « Ajouter une compétence » last, unless
    it is already there (case and accents aside)."""
    added = added.strip()
    if not added or normalise(added) in {normalise(line) for line in skills.splitlines()}:
        return skills
    return f"{skills.rstrip()}\n{added}" if skills.strip() else added


def _contrainte(code: Contrainte) -> Any:
    return Field(default="NON_ABORDEE", alias=f"contrainte_{code.value}")


class DiagnosticForm(BaseModel):
    """The status of each contrainte of the diagnostic, posted as contrainte_<code> (one field per
    Contrainte, named by its value); an unknown status is "not discussed"."""

    mobilite: str = _contrainte(Contrainte.MOBILITE)
    contraintes_familiales: str = _contrainte(Contrainte.FAMILLE)
    sante: str = _contrainte(Contrainte.SANTE)
    lecture_ecriture_calcul: str = _contrainte(Contrainte.LECTURE_ECRITURE_CALCUL)
    logement: str = _contrainte(Contrainte.LOGEMENT)
    difficultes_financieres: str = _contrainte(Contrainte.FINANCES)
    difficultes_administratives: str = _contrainte(Contrainte.ADMINISTRATIF)
    csrf: str = ""

    def status_of(self, code: Contrainte, known: Iterable[str]) -> str:
        status = str(getattr(self, code.value))
        return status if status in set(known) else "NON_ABORDEE"


class OutcomeForm(BaseModel):
    """A proposal (status=proposed) or what came of it, with a reason on refusal."""

    offer_id: str = Field(default="", max_length=32)
    status: str = Field(default="", max_length=20)
    reason: str = Field(default="", max_length=40)
    csrf: str = ""


class EmployerAnswerForm(BaseModel):
    """An employer's answer to a proposal: interview, hired, not retained (with a reason) or a question."""

    answer: str = Field(default="", max_length=20)
    reason: str = Field(default="", max_length=40)
    question: str = Field(default="", max_length=2000)  # the API's 500 says it in French
    csrf: str = ""


class SharingForm(BaseModel):
    """What the person agreed to share with employers, and from when they can start (jj/mm/aaaa or ISO)."""

    employer_sharing: str = Field(default="none", max_length=20)
    available_from: str = Field(default="", max_length=20)
    csrf: str = ""


class CaseloadFilters(BaseModel):
    """The caseload's search form (a GET form: its URL can be bookmarked). An empty field is no filter;
    a value the form never offers is refused (the page answers 400)."""

    q: str = Field(default="", max_length=100)
    frein: str = Field(default="", max_length=40)
    famille: str = Field(default="", pattern=r"^[A-N]?$")
    en_attente: str = Field(default="", max_length=2)  # checkboxes: "1" when ticked
    sans_contact: str = Field(default="", max_length=2)
    tri: str = Field(default="name", pattern=r"^(name|last_contact|last_proposal)$")
    page: int = Field(default=1, ge=1, le=10_000)

    @field_validator("frein")
    @classmethod
    def _known_frein(cls, value: str) -> str:
        if value and value not in {c.value for c in Contrainte}:
            raise ValueError("unknown contrainte")
        return value

    def link(self, **changes: Any) -> str:
        """The query string of these filters with `changes` (another page, say), empty fields left out."""
        values = {**self.model_dump(), **changes}
        return urlencode(
            {k: v for k, v in values.items() if v not in ("", None) and (k, v) != ("tri", "name")}
        )


class ContactForm(BaseModel):
    """A contact with the person, as the référent posted it."""

    happened_on: str = Field(default="", max_length=10)
    channel: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=10_000)
    csrf: str = ""


class OccupationChoiceForm(BaseModel):
    """The métier chosen for an ambiguous target job (`text`) or offer title (no text)."""

    text: str = Field(default="", max_length=200)
    appellation_code: str = Field(default="", max_length=10)
    csrf: str = ""


class ImportForm(BaseModel):
    """The admin's bulk import, besides the file itself."""

    format: str = ""
    partial: str = ""
    employer: str = Field(default="", max_length=64)
    csrf: str = ""


# What a route takes: `form: LoginBody` has FastAPI read the body into the model.
CsrfBody = Annotated[CsrfForm, Form()]
LoginBody = Annotated[LoginForm, Form()]
OfferBody = Annotated[OfferForm, Form()]
ProjectBody = Annotated[ProjectForm, Form()]
DiagnosticBody = Annotated[DiagnosticForm, Form()]
OutcomeBody = Annotated[OutcomeForm, Form()]
EmployerAnswerBody = Annotated[EmployerAnswerForm, Form()]
SharingBody = Annotated[SharingForm, Form()]
OccupationChoiceBody = Annotated[OccupationChoiceForm, Form()]
ContactBody = Annotated[ContactForm, Form()]
ImportBody = Annotated[ImportForm, Form()]
