"""Web pages served by the gateway. For now the landing page; the three surfaces build on the API."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

LANDING = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Maillage</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.5}
a{color:#0b4f9c}code{background:#f2f2f2;padding:.1rem .3rem}</style></head>
<body><h1>Maillage</h1>
<p>Des opportunités classées et expliquées pour chaque personne accompagnée, dans le respect de ses freins.</p>
<ul><li><a href="/docs">Documentation de l'API (OpenAPI)</a></li>
<li>Connexion : <code>POST /api/v1/auth/token</code> (comptes de démonstration : referent, employer, analyst, admin — mot de passe <code>demo</code>)</li></ul>
</body></html>"""


@router.get("/", response_class=HTMLResponse)
def landing() -> HTMLResponse:
    return HTMLResponse(LANDING)
