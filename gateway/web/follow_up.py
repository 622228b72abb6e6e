"""The référent records a contact with the person (day, channel, short note) from the person's page; the
contacts show in the page's follow-up history (person_contacts.html; person_view.person_context reads
them)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from common import french_catalogue as fr
from contracts.follow_up import ContactIn
from gateway.session import check_csrf
from gateway.web.access import ReferentCaller, failure_page
from gateway.web.api_client import ApiFailure, api, form_refusal
from gateway.web.forms import ContactBody, ContactForm, checked
from gateway.web.person_view import person_context, person_page

router = APIRouter(include_in_schema=False)


def contact_values(form: ContactForm) -> dict[str, str]:
    """The contact as posted, as the API takes it (and the form shows it back)."""
    return {"happened_on": form.happened_on.strip(), "channel": form.channel, "note": form.note}


@router.post("/referent/personnes/{profile_id}/contacts", response_class=HTMLResponse)
async def record_contact(
    request: Request, caller: ReferentCaller, profile_id: str, form: ContactBody
) -> Response:
    check_csrf(request, form.csrf)
    body = contact_values(form)
    errors = checked(ContactIn, body)
    if "happened_on" in errors:
        errors["happened_on"] = "Indiquez la date du contact (jj/mm/aaaa)."
    try:
        async with api(request) as client:
            if not errors:
                answer = await client.post(f"/api/v1/profiles/{quote(profile_id)}/contacts", json=body)
                if answer.status_code == 201:
                    return RedirectResponse(
                        f"/referent/personnes/{quote(profile_id)}?ok=contact#contacts", status_code=303
                    )
                errors = form_refusal(answer).field_errors()
            context = await person_context(client, profile_id)
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return person_page(
        request,
        caller,
        context,
        422,
        contact_form=body,
        contact_errors=errors or {"_form": fr.REQUEST_FAILED},
    )
