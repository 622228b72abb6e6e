"""The legal pages every French public-service tool has, open to anyone and linked from every page's
footer: mentions légales, données personnelles, déclaration d'accessibilité. The operator's name,
address and contacts, and the retention period, come from the settings (gateway/legal_notice.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from gateway.legal_notice import LegalNotice
from gateway.session import session_caller
from gateway.web.rendering import render

router = APIRouter(include_in_schema=False)

# Path → template; the footer of base.html links the three.
LEGAL_PAGES = {
    "/mentions-legales": "legal_notice.html",
    "/donnees-personnelles": "legal_privacy.html",
    "/accessibilite": "legal_accessibility.html",
}


def _legal_page(request: Request, template: str) -> Response:
    notice: LegalNotice = getattr(request.app.state, "legal", None) or LegalNotice()
    return render(request, template, caller=session_caller(request), legal=notice)


@router.get("/mentions-legales", response_class=HTMLResponse)
def legal_notice(request: Request) -> Response:
    return _legal_page(request, LEGAL_PAGES["/mentions-legales"])


@router.get("/donnees-personnelles", response_class=HTMLResponse)
def privacy(request: Request) -> Response:
    return _legal_page(request, LEGAL_PAGES["/donnees-personnelles"])


@router.get("/accessibilite", response_class=HTMLResponse)
def accessibility(request: Request) -> Response:
    return _legal_page(request, LEGAL_PAGES["/accessibilite"])
