"""An employer asks for an account, with its SIRET: the account waits until an administrator validates it
(/admin/comptes). Open to anyone, like the sign-in page, with the same double-submit CSRF cookie."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from gateway.session import check_login_csrf, login_csrf
from gateway.web.admin_forms import EmployerRequestBody
from gateway.web.api_client import ApiFailure, api
from gateway.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/employeur/demande", response_class=HTMLResponse)
def request_page(request: Request) -> Response:
    response = HTMLResponse("")
    token = login_csrf(request, response)
    page = render(request, "employer_request.html", form_csrf=token, values={}, errors={}, sent=False)
    page.raw_headers.extend(h for h in response.raw_headers if h[0] == b"set-cookie")
    return page


@router.post("/employeur/demande", response_class=HTMLResponse)
async def send_request(request: Request, form: EmployerRequestBody) -> Response:
    check_login_csrf(request, form.csrf)
    async with api(request) as client:
        answer = await client.post("/api/v1/accounts/employer-requests", json=form.body())
    if answer.status_code == 202:
        return RedirectResponse("/employeur/demande/envoyee?ok=demande-employeur", status_code=303)
    errors = ApiFailure(answer).field_errors()
    values = form.values()
    return render(
        request, "employer_request.html", 422, form_csrf=form.csrf, values=values, errors=errors, sent=False
    )


@router.get("/employeur/demande/envoyee", response_class=HTMLResponse)
def request_sent(request: Request) -> Response:
    return render(request, "employer_request.html", form_csrf="", values={}, errors={}, sent=True)
