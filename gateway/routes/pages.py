"""Web pages served by the gateway. For now the landing page; the three surfaces build on the API."""

from __future__ import annotations

from functools import cache
from importlib import resources

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


@cache
def _page(name: str) -> str:
    return resources.files("gateway.web").joinpath(name).read_text(encoding="utf-8")


@router.get("/", response_class=HTMLResponse)
def landing() -> HTMLResponse:
    return HTMLResponse(_page("landing.html"))
