"""The web surfaces, rendered on the server: sign-in, employer portal, référent workspace, demand dashboard,
admin import. French, accessible (labels, keyboard, contrast), no JavaScript framework: a small same-origin
script adds autocomplete and inline validation on top of forms that work without it.

Pages are clients of the public API: each request forwards the session cookie's token as a bearer token
to the gateway's own /api/v1 routes (in-process ASGI, no socket), so every role, ownership and caseload
rule is the API's. State-changing forms are POSTs carrying a CSRF token (see gateway.session).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date
from functools import cache
from importlib import resources
from typing import Annotated, Any
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FunctionLoader, select_autoescape
from markupsafe import Markup
from pydantic import BaseModel, Field, ValidationError

from common.communes_search import search_communes
from common.http import field_errors
from common.identity import REQUEST_ID_HEADER, Caller, Role
from common.rome import search_appellations
from common.territory import Commune, commune_by_code, commune_named
from common.text import normalise
from common.vocabulary import (
    CONDITION_LABELS_FR,
    CONTRAINTE_LABELS_FR,
    TRANSPORT_LABELS_FR,
    ContractType,
    Contrainte,
    OpportunityKind,
    Transport,
    WorkCondition,
)
from contracts.matching import REASON_LABELS_FR, RefusalReason
from contracts.offers import OfferCreate, OfferUpdate
from gateway import charts
from gateway.routes.occupation_choices import offer_choice, person_choices
from gateway.session import (
    check_csrf,
    check_login_csrf,
    clear_session,
    csrf_for,
    login_csrf,
    session_caller,
    session_token,
    set_session,
)

router = APIRouter(include_in_schema=False)

HOME = {
    Role.EMPLOYER: "/employeur",
    Role.REFERENT: "/referent",
    Role.ANALYST: "/tableau-de-bord",
    Role.ADMIN: "/admin",
}
ROLE_LABELS = {
    Role.EMPLOYER: "employeur",
    Role.REFERENT: "référent",
    Role.ANALYST: "analyste",
    Role.ADMIN: "administration",
}
CONTRACT_LABELS = {
    ContractType.CDI: "CDI",
    ContractType.CDD: "CDD",
    ContractType.INTERIM: "Intérim",
    ContractType.SAISONNIER: "Saisonnier",
    ContractType.APPRENTISSAGE: "Apprentissage",
    ContractType.CONTRAT_PRO: "Contrat de professionnalisation",
    ContractType.CDDI: "CDD d'insertion (SIAE)",
    ContractType.PMSMP: "Immersion (PMSMP)",
}
KIND_LABELS = {
    OpportunityKind.JOB: "Emploi",
    OpportunityKind.IMMERSION: "Immersion",
    OpportunityKind.IAE: "Insertion par l'activité économique",
    OpportunityKind.TRAINING: "Formation",
}
STATUS_LABELS = {"active": "Publiée", "paused": "En pause", "closed": "Clôturée"}
CONTRAINTE_STATUS_LABELS = {"NON_ABORDEE": "Non abordée", "OUI": "Oui", "CLOTUREE": "Clôturée"}
OUTCOME_LABELS = {
    "proposed": "Proposée",
    "accepted": "Acceptée",
    "refused": "Refusée",
    "withdrawn": "Retirée",
}
# Situations of the diagnostic, in neutral wording. Health situations are never spelled out.
SITUATION_LABELS = {
    "aucun_moyen_de_transport": "aucun moyen de transport",
    "dependant_des_transports_en_commun": "dépend des transports en commun",
    "permis_non_valide": "permis non valide",
    "garde_enfant": "garde d'enfant à organiser",
    "aidant": "aidant d'un proche",
    "territoire_rural_isole": "territoire rural isolé",
}
NOTICES = {
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
}
FIELD_ALIASES = {"location": "commune", "appellation_code": "metier", "rome_code": "metier"}

_MESSAGES_FR = [
    (re.compile(r"^Field required$"), "Ce champ est obligatoire."),
    (re.compile(r"^A refusal needs a reason\.$"), "Un refus demande un motif."),
    (re.compile(r"^Only a refusal takes a reason\.$"), "Seul un refus prend un motif."),
    (re.compile(r"^This proposal is already (\w+)\.$"), r"Cette proposition est déjà close (\1)."),
    (re.compile(r"^Input should be greater than or equal to (.+)$"), r"La valeur doit être au moins \1."),
    (re.compile(r"^Input should be greater than (.+)$"), r"La valeur doit être supérieure à \1."),
    (re.compile(r"^Input should be less than or equal to (.+)$"), r"La valeur doit être au plus \1."),
    (re.compile(r"^Input should be less than (.+)$"), r"La valeur doit être inférieure à \1."),
    (re.compile(r"^String should have at least 1 character$"), "Ce champ ne doit pas être vide."),
    (re.compile(r"^String should have at most (\d+) characters?$"), r"\1 caractères au plus."),
    (re.compile(r"^Input should be a valid number.*$"), "Un nombre est attendu."),
    (re.compile(r"^Input should be a valid integer.*$"), "Un nombre entier est attendu."),
    (re.compile(r"^Input should be a valid date.*$"), "Une date est attendue (jj/mm/aaaa)."),
    (re.compile(r"^String should match pattern.*$"), "Le format n'est pas valide."),
    (re.compile(r"^List should have at most (\d+) items?.*$"), r"\1 éléments au plus."),
]


def french(message: str) -> str:
    for pattern, replacement in _MESSAGES_FR:
        if pattern.match(message):
            return pattern.sub(replacement, message)
    return message


# -- templates --------------------------------------------------------------------------------------------
@cache
def _source(name: str) -> str:
    return resources.files("gateway.web").joinpath(name).read_text(encoding="utf-8")


@cache
def _env() -> Environment:
    env = Environment(loader=FunctionLoader(_source), autoescape=select_autoescape(default=True))
    env.globals.update(
        contract_labels={c.value: label for c, label in CONTRACT_LABELS.items()},
        kind_labels={k.value: label for k, label in KIND_LABELS.items()},
        condition_labels={c.value: label for c, label in CONDITION_LABELS_FR.items()},
        transport_labels={t.value: label for t, label in TRANSPORT_LABELS_FR.items()},
        status_labels=STATUS_LABELS,
        outcome_labels=OUTCOME_LABELS,
        reason_labels={r.value: label for r, label in REASON_LABELS_FR.items()},
        role_labels={r.value: label for r, label in ROLE_LABELS.items()},
        contrainte_status_labels=CONTRAINTE_STATUS_LABELS,
    )
    env.filters["fr_number"] = lambda v: "–" if v is None else f"{v:,}".replace(",", "\u202f")
    env.filters["fr_date"] = _fr_date
    env.filters["hours"] = lambda v: _num(v).replace(".", ",")
    return env


def _fr_date(value: Any) -> str:
    if not value:
        return ""
    text = str(value)[:10]
    try:
        return date.fromisoformat(text).strftime("%d/%m/%Y")
    except ValueError:
        return text


def render(
    request: Request, name: str, status_code: int = 200, caller: Caller | None = None, **context: Any
) -> HTMLResponse:
    token = session_token(request)
    html = (
        _env()
        .get_template(name)
        .render(
            caller=caller,
            home=HOME.get(caller.role) if caller else None,
            csrf=csrf_for(request, token) if token and caller else "",
            path=request.url.path,
            notice=NOTICES.get(request.query_params.get("ok", "")),
            **context,
        )
    )
    return HTMLResponse(html, status_code=status_code)


# -- the API, called in-process with the session's token ---------------------------------------------------
@asynccontextmanager
async def api(request: Request) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {session_token(request) or ''}"}
    rid = request.scope.get("state", {}).get("request_id")
    if rid:
        headers[REQUEST_ID_HEADER] = rid
    transport = httpx.ASGITransport(app=request.app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://gateway.internal", headers=headers, timeout=60
    ) as client:
        yield client


class ApiFailure(Exception):
    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = {}
        self.kind = str(body.get("error", "error")) if isinstance(body, dict) else "error"
        self.detail = body.get("detail") if isinstance(body, dict) else None
        super().__init__(f"{self.status_code} {self.kind}")

    def field_errors(self) -> dict[str, str]:
        """The envelope's field list as {form field: French message}; a sentence goes under '_form'."""
        if isinstance(self.detail, list):
            errors: dict[str, str] = {}
            for item in self.detail:
                if not isinstance(item, dict):
                    continue
                name = str(item.get("field", "_form")).split(".")[0]
                name = FIELD_ALIASES.get(name, name)
                errors.setdefault(name, french(str(item.get("message", ""))))
            return errors
        return {"_form": str(self.detail or "La demande a échoué.")}


def ok(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise ApiFailure(response)
    return response.json()


# -- access -----------------------------------------------------------------------------------------------
class PageAccessRefused(Exception):
    """A page turned its visitor away: nobody signed in, or a role the page is not for.

    Raised by the page_caller dependency, before the handler runs; access_refused_page answers it (the app
    registers it as the exception handler), so handlers only ever see an allowed caller.
    """

    def __init__(self, caller: Caller | None, allowed: tuple[Role, ...]) -> None:
        self.caller = caller
        self.allowed = allowed
        super().__init__("not signed in" if caller is None else f"{caller.role.value} may not open this page")


def page_caller(*roles: Role) -> Callable[[Request], Awaitable[Caller]]:
    """A dependency: the session's caller, if their role is one of `roles`; anyone else is refused.

    FastAPI solves dependencies before it validates the route's own fields, so a visitor who may not open
    the page is turned away even when the form they sent is malformed.
    """

    async def allowed_caller(request: Request) -> Caller:  # async: no thread-pool hop for a cookie read
        caller = session_caller(request)
        if caller is None or caller.role not in roles:
            raise PageAccessRefused(caller, roles)
        return caller

    return allowed_caller


# One alias per audience, so each page handler's signature says who may open it.
EmployerCaller = Annotated[Caller, Depends(page_caller(Role.EMPLOYER))]
ReferentCaller = Annotated[Caller, Depends(page_caller(Role.REFERENT))]
DashboardCaller = Annotated[Caller, Depends(page_caller(Role.ANALYST, Role.ADMIN))]
AdminCaller = Annotated[Caller, Depends(page_caller(Role.ADMIN))]


def access_refused_page(request: Request, refusal: PageAccessRefused) -> Response:
    """Anonymous visitors go to sign-in, which brings them back here; a wrong role gets a 403 page."""
    if refusal.caller is None:
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        return RedirectResponse(f"/connexion?suite={quote(target)}", status_code=303)
    allowed = ", ".join(ROLE_LABELS[r] for r in refusal.allowed)
    return render(
        request,
        "error.html",
        403,
        refusal.caller,
        title="Accès refusé",
        message=f"Cette page est réservée aux comptes : {allowed}.",
    )


def failure_page(request: Request, caller: Caller, exc: ApiFailure) -> Response:
    if exc.status_code == 401:
        return RedirectResponse("/connexion", status_code=303)
    titles = {403: "Accès refusé", 404: "Introuvable", 503: "Service indisponible"}
    message = exc.detail if isinstance(exc.detail, str) else "La demande n'a pas abouti."
    return render(
        request,
        "error.html",
        exc.status_code if exc.status_code in titles else 400,
        caller,
        title=titles.get(exc.status_code, "Erreur"),
        message=message,
    )


def safe_next(value: str | None) -> str | None:
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return None


# -- static files -----------------------------------------------------------------------------------------
STATIC = {"app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8"}


@router.get("/static/{name}")
def static(name: str) -> Response:
    if name not in STATIC:
        return Response(status_code=404)
    return Response(_source(name), media_type=STATIC[name], headers={"cache-control": "public, max-age=300"})


# -- landing, sign-in, sign-out ---------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse)
def landing(request: Request) -> Response:
    caller = session_caller(request)
    if caller is not None and caller.role in HOME:
        return RedirectResponse(HOME[caller.role], status_code=303)
    return render(request, "landing.html")


@router.get("/connexion", response_class=HTMLResponse)
def login_page(request: Request, suite: str | None = None) -> Response:
    response = HTMLResponse("")
    token = login_csrf(request, response)
    page = render(request, "login.html", login_csrf=token, suite=safe_next(suite) or "", errors={})
    page.raw_headers.extend(h for h in response.raw_headers if h[0] == b"set-cookie")
    return page


@router.post("/connexion", response_class=HTMLResponse)
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form()] = "",
    suite: Annotated[str, Form()] = "",
) -> Response:
    check_login_csrf(request, csrf)
    async with api(request) as client:
        answer = await client.post("/api/v1/auth/token", data={"username": username, "password": password})
    if answer.status_code != 200:
        return render(
            request,
            "login.html",
            401,
            login_csrf=csrf,
            suite=safe_next(suite) or "",
            username=username,
            errors={"_form": "Identifiant ou mot de passe incorrect."},
        )
    body = answer.json()
    role = Role(body["role"])
    target = safe_next(suite) or HOME.get(role, "/")
    response = RedirectResponse(target, status_code=303)
    set_session(response, request, body["access_token"], int(body["expires_in"]))
    return response


@router.post("/deconnexion")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    if session_token(request):
        check_csrf(request, csrf)
    response = RedirectResponse("/connexion", status_code=303)
    clear_session(response)
    return response


# -- employer portal --------------------------------------------------------------------------------------
OFFER_FIELDS = ("title", "description", "commune", "metier", "kind", "contract_type", "hours_per_week")


def offer_form_values(offer: dict[str, Any] | None) -> dict[str, Any]:
    if offer is None:
        return {"kind": "job", "contract_type": "CDI", "openings": "1", "skills": "", "conditions": []}
    metier = ""
    if offer.get("appellation_code"):
        from common.rome import appellation

        found = appellation(str(offer["appellation_code"]))
        metier = found.label if found else ""
    return {
        "title": offer["title"],
        "description": offer.get("description", ""),
        # "Nemours (77333)": the code keeps a same-named commune elsewhere from being picked on save.
        "commune": "{commune} ({insee_code})".format(**offer["location"])
        if offer["location"].get("insee_code")
        else offer["location"]["commune"],
        "metier": metier,
        "kind": offer["kind"],
        "contract_type": offer["contract_type"],
        "hours_per_week": _num(offer["hours_per_week"]),
        "skills": "\n".join(offer.get("skills", [])),
        "openings": str(offer.get("openings", 1)),
        "expires_on": offer.get("expires_on", ""),
        "conditions": offer.get("conditions", []),
    }


def _num(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else str(number)


def resolve_commune(text: str) -> Commune | None:
    text = text.strip()
    if not text:
        return None
    match = re.match(r"^(.*?)\s*\((\d{5})\)$", text)  # "Montargis (45208)" from the autocomplete
    if match:
        by_code = commune_by_code(match.group(2))
        if by_code is not None:
            return by_code
        text = match.group(1)
    try:
        return commune_named(text)
    except KeyError:
        found = search_communes(text, 2)
        return found[0] if len(found) == 1 else None


def resolve_appellation(text: str) -> tuple[str, str] | None:
    wanted = normalise(text)
    for item in search_appellations(text, 50):
        if normalise(item.label) == wanted:
            return item.code, item.rome_code
    return None


def offer_payload(form: dict[str, Any], creating: bool) -> tuple[dict[str, Any], dict[str, str]]:
    """The API body from the form, with the checks only the page can make (commune, métier)."""
    errors: dict[str, str] = {}
    body: dict[str, Any] = {
        "title": form["title"],
        "description": form["description"],
        "kind": form["kind"],
        "contract_type": form["contract_type"],
        "skills": [s.strip() for s in re.split(r"[\n;]", form["skills"]) if s.strip()],
        "conditions": form["conditions"],
    }
    commune = resolve_commune(form["commune"])
    if commune is None:
        errors["commune"] = "Choisissez une commune du Loiret dans la liste."
    else:
        body["location"] = {
            "commune": commune.name,
            "lat": commune.lat,
            "lon": commune.lon,
            "insee_code": commune.insee_code,
        }
    if form["metier"].strip():
        found = resolve_appellation(form["metier"])
        if found is None:
            errors["metier"] = "Choisissez un métier du ROME dans la liste."
        else:
            body["appellation_code"], body["rome_code"] = found
    for name, convert in (("hours_per_week", float), ("openings", int)):
        raw = str(form[name]).strip().replace(",", ".")
        if not raw:
            errors[name] = "Ce champ est obligatoire."
            continue
        try:
            body[name] = convert(raw)
        except ValueError:
            errors[name] = "Un nombre est attendu."
    if form["expires_on"]:
        body["expires_on"] = form["expires_on"]
    # The API's own schema, checked here too, so that every wrong field is reported at once (the API
    # checks again; its envelope's details land next to the same fields).
    probe = {k: v for k, v in body.items() if k not in errors}
    probe.setdefault("location", {"commune": "-", "lat": 47.9, "lon": 2.3})
    try:
        (OfferCreate if creating else OfferUpdate).model_validate(probe)
    except ValidationError as exc:
        for item in field_errors(exc.errors()):
            name = FIELD_ALIASES.get(item["field"].split(".")[0], item["field"].split(".")[0])
            errors.setdefault(name, french(item["message"]))
    return body, errors


class OfferFormFields(BaseModel):
    """The offer form's text fields as posted (validation happens in offer_payload, against the API)."""

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
    csrf: str = Field(default="", max_length=10_000)


OfferForm = Annotated[OfferFormFields, Form()]


async def _offer_form(request: Request, fields: OfferFormFields) -> dict[str, Any]:
    check_csrf(request, fields.csrf)
    form = await request.form()
    values: dict[str, Any] = fields.model_dump(exclude={"csrf"})
    # Checkboxes repeat their name, which a model of single fields cannot hold: read them from the form.
    values["conditions"] = [str(c) for c in form.getlist("conditions")]
    return values


@router.get("/employeur", response_class=HTMLResponse)
async def employer_home(request: Request, caller: EmployerCaller) -> Response:
    try:
        async with api(request) as client:
            page = ok(await client.get("/api/v1/offers", params={"limit": 200}))
            offers = page["items"]
            for offer in offers:
                offer["outcomes"] = ok(await client.get(f"/api/v1/offers/{offer['id']}/outcomes"))
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return render(request, "employer.html", caller=caller, offers=offers, total=page["total"])


@router.get("/employeur/offres/nouvelle", response_class=HTMLResponse)
def new_offer_page(request: Request, caller: EmployerCaller) -> Response:
    return render(
        request, "offer_form.html", caller=caller, offer=None, values=offer_form_values(None), errors={}
    )


@router.post("/employeur/offres/nouvelle", response_class=HTMLResponse)
async def create_offer(
    request: Request,
    caller: EmployerCaller,
    fields: OfferForm,
) -> Response:
    values = await _offer_form(request, fields)
    body, errors = offer_payload(values, creating=True)
    if not errors:
        async with api(request) as client:
            answer = await client.post("/api/v1/offers", json=body)
        if answer.status_code == 201:
            return RedirectResponse("/employeur?ok=offre-creee", status_code=303)
        errors = ApiFailure(answer).field_errors()
    return render(request, "offer_form.html", 422, caller, offer=None, values=values, errors=errors)


@router.get("/employeur/offres/{offer_id}", response_class=HTMLResponse)
async def edit_offer_page(request: Request, caller: EmployerCaller, offer_id: str) -> Response:
    try:
        async with api(request) as client:
            offer = ok(await client.get(f"/api/v1/offers/{quote(offer_id)}"))
            choice = await offer_choice(client, offer)
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    values = offer_form_values(offer)
    return render(
        request, "offer_form.html", caller=caller, offer=offer, values=values, errors={}, choice=choice
    )


@router.post("/employeur/offres/{offer_id}", response_class=HTMLResponse)
async def update_offer(
    request: Request,
    caller: EmployerCaller,
    offer_id: str,
    fields: OfferForm,
) -> Response:
    values = await _offer_form(request, fields)
    body, errors = offer_payload(values, creating=False)
    try:
        async with api(request) as client:
            offer = ok(await client.get(f"/api/v1/offers/{quote(offer_id)}"))
            if not errors:
                answer = await client.patch(f"/api/v1/offers/{quote(offer_id)}", json=body)
                if answer.status_code == 200:
                    return RedirectResponse("/employeur?ok=offre-modifiee", status_code=303)
                errors = ApiFailure(answer).field_errors()
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return render(request, "offer_form.html", 422, caller, offer=offer, values=values, errors=errors)


@router.post("/employeur/offres/{offer_id}/{action}")
async def act_on_offer(
    request: Request,
    caller: EmployerCaller,
    offer_id: str,
    action: str,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf)
    if action not in ("pause", "resume", "close"):
        return render(request, "error.html", 404, caller, title="Introuvable", message="Action inconnue.")
    try:
        async with api(request) as client:
            ok(await client.post(f"/api/v1/offers/{quote(offer_id)}/{action}"))
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return RedirectResponse(f"/employeur?ok=offre-{action}", status_code=303)


# -- référent workspace -----------------------------------------------------------------------------------
@router.get("/referent", response_class=HTMLResponse)
async def caseload(request: Request, caller: ReferentCaller) -> Response:
    try:
        async with api(request) as client:
            page = ok(await client.get("/api/v1/profiles", params={"limit": 200}))
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return render(request, "referent.html", caller=caller, people=page["items"], total=page["total"])


def contraintes_view(profile: dict[str, Any]) -> list[dict[str, Any]]:
    """The seven contraintes in order, with neutral wording; health details are never shown."""
    entries = {c["code"]: c for c in profile.get("contraintes", [])}
    view = []
    for code in Contrainte:
        entry = entries.get(code.value, {"status": "NON_ABORDEE", "situations": []})
        situations = [] if code == Contrainte.SANTE else entry.get("situations", [])
        view.append(
            {
                "code": code.value,
                "label": CONTRAINTE_LABELS_FR[code],
                "status": entry.get("status", "NON_ABORDEE"),
                "situations": [SITUATION_LABELS.get(s, s.replace("_", " ")) for s in situations],
            }
        )
    return view


async def _person_context(client: httpx.AsyncClient, profile_id: str) -> dict[str, Any]:
    pid = quote(profile_id)
    profile = ok(await client.get(f"/api/v1/profiles/{pid}"))
    ranked = ok(await client.get(f"/api/v1/profiles/{pid}/suggestions", params={"limit": 10}))
    suggestions = ranked["items"]
    history = ok(await client.get(f"/api/v1/profiles/{pid}/outcomes"))["items"]
    titles = {s["offer_id"]: s for s in suggestions}
    latest: dict[str, str] = {}
    for item in reversed(history):  # oldest first: the last one written wins
        latest[item["offer_id"]] = item["status"]
    for offer_id in {h["offer_id"] for h in history} - set(titles):
        answer = await client.get(f"/api/v1/offers/{quote(offer_id)}")
        if answer.status_code == 200:
            offer = answer.json()
            titles[offer_id] = {"title": offer["title"], "commune": offer["location"]["commune"]}
    open_proposals = [oid for oid, status in latest.items() if status == "proposed"]
    return {
        "profile": profile,
        "contraintes": contraintes_view(profile),
        "suggestions": suggestions,
        "end_of_list": ranked.get("end_of_list"),
        "history": history,
        "titles": titles,
        "latest": latest,
        "open_proposals": open_proposals,
        "occupation_choices": await person_choices(client, profile),
        "occupation_errors": {},
    }


def project_values(profile: dict[str, Any]) -> dict[str, Any]:
    from common.rome import appellation

    jobs = list(profile.get("target_jobs", []))
    for code in profile.get("appellation_codes", []):
        found = appellation(code)
        if found and found.label not in jobs:
            jobs.append(found.label)
    return {
        "target_jobs": jobs + [""] * max(0, 3 - len(jobs)),
        "radius": _num(profile["mobility"]["max_distance_km"]),
        "transport": profile["mobility"].get("transport", []),
        "driving_licence_valid": profile["mobility"].get("driving_licence_valid", False),
        "contract_types": profile.get("contract_types", []),
        "min_hours": _num(profile["min_hours_per_week"]) if profile.get("min_hours_per_week") else "",
        "max_hours": _num(profile["max_hours_per_week"]) if profile.get("max_hours_per_week") else "",
        "skills": "\n".join(profile.get("skills", [])),
        "excluded_conditions": profile.get("excluded_conditions", []),
    }


def person_page(
    request: Request,
    caller: Caller,
    context: dict[str, Any],
    status_code: int = 200,
    project: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    outcome_errors: dict[str, dict[str, str]] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "person.html",
        status_code,
        caller,
        project=project or project_values(context["profile"]),
        errors=errors or {},
        outcome_errors=outcome_errors or {},
        reasons=[(r.value, REASON_LABELS_FR[r]) for r in RefusalReason],
        contracts=list(CONTRACT_LABELS.items()),
        transports=[(t.value, TRANSPORT_LABELS_FR[t]) for t in Transport],
        conditions=[(c.value, CONDITION_LABELS_FR[c]) for c in WorkCondition],
        **context,
    )


@router.get("/referent/personnes/{profile_id}", response_class=HTMLResponse)
async def person(request: Request, caller: ReferentCaller, profile_id: str) -> Response:
    try:
        async with api(request) as client:
            context = await _person_context(client, profile_id)
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return person_page(request, caller, context)


@router.post("/referent/personnes/{profile_id}/projet", response_class=HTMLResponse)
async def update_project(request: Request, caller: ReferentCaller, profile_id: str) -> Response:
    form = await request.form()
    check_csrf(request, str(form.get("csrf", "")))
    values: dict[str, Any] = {
        "target_jobs": [str(j).strip() for j in form.getlist("target_jobs")],
        "radius": str(form.get("radius", "")).strip(),
        "transport": [str(t) for t in form.getlist("transport")],
        "driving_licence_valid": form.get("driving_licence_valid") == "on",
        "contract_types": [str(c) for c in form.getlist("contract_types")],
        "min_hours": str(form.get("min_hours", "")).strip(),
        "max_hours": str(form.get("max_hours", "")).strip(),
        "skills": str(form.get("skills", "")),
        "excluded_conditions": [str(c) for c in form.getlist("excluded_conditions")],
    }
    errors: dict[str, str] = {}
    jobs = [j for j in values["target_jobs"] if j]
    codes = []
    for job in jobs:
        found = resolve_appellation(job)
        if found:
            codes.append(found[0])
    body: dict[str, Any] = {
        "target_jobs": jobs,
        "appellation_codes": codes,
        "contract_types": values["contract_types"],
        "skills": [s.strip() for s in re.split(r"[\n;]", values["skills"]) if s.strip()],
        "excluded_conditions": values["excluded_conditions"],
    }
    for name, target in (("min_hours", "min_hours_per_week"), ("max_hours", "max_hours_per_week")):
        raw = values[name].replace(",", ".")
        try:
            body[target] = float(raw) if raw else None
        except ValueError:
            errors[name] = "Un nombre est attendu."
    try:
        radius = float(values["radius"].replace(",", "."))
    except ValueError:
        errors["radius"] = "Indiquez une distance en kilomètres."
        radius = 0.0
    body["mobility"] = {
        "max_distance_km": radius,
        "transport": values["transport"],
        "driving_licence_valid": values["driving_licence_valid"],
    }
    try:
        async with api(request) as client:
            if not errors:
                answer = await client.patch(f"/api/v1/profiles/{quote(profile_id)}", json=body)
                if answer.status_code == 200:
                    return RedirectResponse(
                        f"/referent/personnes/{quote(profile_id)}?ok=projet#projet", status_code=303
                    )
                errors = _project_errors(ApiFailure(answer))
            context = await _person_context(client, profile_id)
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return person_page(request, caller, context, 422, project=values, errors=errors)


def _project_errors(exc: ApiFailure) -> dict[str, str]:
    aliases = {"mobility": "radius", "min_hours_per_week": "min_hours", "max_hours_per_week": "max_hours"}
    return {aliases.get(k, k): v for k, v in exc.field_errors().items()}


@router.post("/referent/personnes/{profile_id}/diagnostic", response_class=HTMLResponse)
async def update_diagnostic(request: Request, caller: ReferentCaller, profile_id: str) -> Response:
    form = await request.form()
    check_csrf(request, str(form.get("csrf", "")))
    try:
        async with api(request) as client:
            profile = ok(await client.get(f"/api/v1/profiles/{quote(profile_id)}"))
            current = {c["code"]: c for c in profile.get("contraintes", [])}
            contraintes = []
            for code in Contrainte:
                status = str(form.get(f"contrainte_{code.value}", "NON_ABORDEE"))
                if status not in CONTRAINTE_STATUS_LABELS:
                    status = "NON_ABORDEE"
                situations = current.get(code.value, {}).get("situations", [])
                if status != "NON_ABORDEE" or situations:
                    contraintes.append({"code": code.value, "status": status, "situations": situations})
            ok(await client.patch(f"/api/v1/profiles/{quote(profile_id)}", json={"contraintes": contraintes}))
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return RedirectResponse(f"/referent/personnes/{quote(profile_id)}?ok=diagnostic#diagnostic", 303)


@router.post("/referent/personnes/{profile_id}/resultats", response_class=HTMLResponse)
async def record_outcome(
    request: Request,
    caller: ReferentCaller,
    profile_id: str,
    offer_id: Annotated[str, Form(max_length=32)] = "",
    status: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=40)] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Propose an offer (status=proposed), or record what came of a proposal (with a reason on refusal)."""
    check_csrf(request, csrf)
    body = {"offer_id": offer_id, "status": status, "reason": reason or None}
    try:
        async with api(request) as client:
            answer = await client.post(f"/api/v1/profiles/{quote(profile_id)}/outcomes", json=body)
            if answer.status_code == 201:
                notice = "proposee" if status == "proposed" else "resultat"
                anchor = "suggestions" if status == "proposed" else "historique"
                return RedirectResponse(
                    f"/referent/personnes/{quote(profile_id)}?ok={notice}#{anchor}", status_code=303
                )
            failure = ApiFailure(answer)
            if failure.status_code in (401, 403, 404):
                raise failure
            context = await _person_context(client, profile_id)
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    errors = {offer_id: failure.field_errors()}
    return person_page(request, caller, context, 422, outcome_errors=errors)


# -- demand dashboard -------------------------------------------------------------------------------------
def _since(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return None


@router.get("/tableau-de-bord", response_class=HTMLResponse)
async def dashboard(request: Request, caller: DashboardCaller, depuis: str | None = None) -> Response:
    since = _since(depuis)
    try:
        async with api(request) as client:
            report = ok(
                await client.get("/api/v1/analytics/demand", params={"since": since} if since else {})
            )
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    figures = {
        "sector": charts.bar_chart(
            "Offres par secteur", [(r["label"], r["offers"]) for r in report["by_sector"]], "offres"
        ),
        "epci": charts.bar_chart(
            "Offres par intercommunalité (EPCI)",
            [(r["label"], r["offers"]) for r in report["by_epci"]],
            "offres",
        ),
        "month": charts.column_chart(
            "Offres publiées par mois", [(r["label"], r["offers"]) for r in report["by_month"]]
        ),
        "skills": charts.paired_chart(
            "Compétences demandées et disponibles",
            [(s["skill"], s["demanded"], s["available"]) for s in report["skills"][:12]],
            ("demandées (offres)", "disponibles (personnes)"),
        ),
        "unfilled": charts.bar_chart(
            "Offres non pourvues selon leur ancienneté",
            [(r["label"], r["offers"]) for r in report["unfilled"]],
            "offres",
        ),
    }
    return render(
        request,
        "dashboard.html",
        caller=caller,
        report=report,
        figures={k: Markup(v) for k, v in figures.items()},
        since=since or "",
    )


@router.get("/tableau-de-bord/export.csv")
async def dashboard_csv(request: Request, caller: DashboardCaller, depuis: str | None = None) -> Response:
    since = _since(depuis)
    async with api(request) as client:
        answer = await client.get("/api/v1/analytics/demand.csv", params={"since": since} if since else {})
    if answer.status_code != 200:
        return failure_page(request, caller, ApiFailure(answer))
    return Response(
        answer.content,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="maillage-demande.csv"'},
    )


# -- admin: bulk import -----------------------------------------------------------------------------------
@router.get("/admin", response_class=HTMLResponse)
def admin_home(request: Request, caller: AdminCaller) -> Response:
    return render(request, "admin.html", caller=caller, report=None, errors={})


@router.post("/admin/import", response_class=HTMLResponse)
async def admin_import(
    request: Request,
    caller: AdminCaller,
    file: Annotated[UploadFile, File()],
    format: Annotated[str, Form()] = "",
    partial: Annotated[str, Form()] = "",
    employer: Annotated[str, Form(max_length=64)] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf)
    content = await file.read()
    data = {"partial": "true" if partial else "false"}
    if format in ("csv", "ft-json"):
        data["format"] = format
    if employer.strip():
        data["employer"] = employer.strip()
    files = {"file": (file.filename or "offres.csv", content, file.content_type or "text/plain")}
    async with api(request) as client:
        answer = await client.post("/api/v1/offers/import", data=data, files=files)
    if answer.status_code == 200:
        return render(request, "admin.html", caller=caller, report=answer.json(), errors={}, rejected=[])
    failure = ApiFailure(answer)
    by_line = isinstance(failure.detail, list) and all(
        isinstance(item, dict) and "line" in item for item in failure.detail
    )
    if failure.status_code == 422 and by_line:
        return render(request, "admin.html", 422, caller, report=None, errors={}, rejected=failure.detail)
    return render(
        request, "admin.html", failure.status_code, caller, report=None, errors=failure.field_errors()
    )
