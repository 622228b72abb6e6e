"""Templates and static files of the pages: one Jinja environment, with the catalogue's labels in reach."""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FunctionLoader, select_autoescape

from common import french_catalogue as fr
from common.identity import Caller, Role
from common.territory import territory_today
from gateway.session import csrf_for, session_token

# Where each role lands after signing in (and where the header's home link goes).
HOME = {
    Role.EMPLOYER: "/employeur",
    Role.REFERENT: "/referent",
    Role.ANALYST: "/tableau-de-bord",
    Role.ADMIN: "/admin",
    Role.COORDINATOR: "/coordination",
}


@cache
def source(name: str) -> str:
    """A file of the gateway.web package: a template, the stylesheet or the script."""
    return resources.files("gateway.web").joinpath(name).read_text(encoding="utf-8")


@cache
def _env() -> Environment:
    env = Environment(loader=FunctionLoader(source), autoescape=select_autoescape(default=True))
    env.globals.update(
        contract_labels={c.value: label for c, label in fr.CONTRACT_LABELS.items()},
        kind_labels={k.value: label for k, label in fr.KIND_LABELS.items()},
        condition_labels={c.value: label for c, label in fr.CONDITION_LABELS_FR.items()},
        transport_labels={t.value: label for t, label in fr.TRANSPORT_LABELS_FR.items()},
        status_labels=fr.OFFER_STATUS_LABELS,
        outcome_labels={status: wording.single for status, wording in fr.OUTCOMES.items()},
        reason_labels=fr.REFUSAL_REASON_LABELS,
        role_labels={r.value: label for r, label in fr.ROLE_LABELS.items()},
        contrainte_status_labels=fr.CONTRAINTE_STATUS_LABELS,
        component_labels=fr.SCORE_COMPONENT_LABELS,
        contact_channel_labels=fr.CONTACT_CHANNEL_LABELS,
        today_iso=lambda: territory_today().isoformat(),
    )
    env.filters["fr_number"] = lambda v: "–" if v is None else f"{v:,}".replace(",", "\u202f")
    env.filters["fr_date"] = fr_date
    env.filters["hours"] = lambda v: plain_number(v).replace(".", ",")
    env.filters["decimal"] = lambda v, places=1: f"{float(v):.{places}f}".replace(".", ",")
    return env


def fr_date(value: Any) -> str:
    """An ISO date (or datetime) as jj/mm/aaaa; anything else as it came."""
    if not value:
        return ""
    text = str(value)[:10]
    try:
        return date.fromisoformat(text).strftime("%d/%m/%Y")
    except ValueError:
        return text


def plain_number(value: Any) -> str:
    """A number as a form shows it: 26 rather than 26.0, 17.5 as it is."""
    number = float(value)
    return str(int(number)) if number.is_integer() else str(number)


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
            notice=fr.NOTICES.get(request.query_params.get("ok", "")),
            **context,
        )
    )
    return HTMLResponse(html, status_code=status_code)
