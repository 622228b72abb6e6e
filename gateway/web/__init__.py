"""The web surfaces, rendered on the server: sign-in, employer portal, référent workspace, demand dashboard,
admin import. French, accessible (labels, keyboard, contrast), no JavaScript framework: a small same-origin
script adds autocomplete and inline validation on top of forms that work without it.

Pages are clients of the public API: each request forwards the session cookie's token as a bearer token
to the gateway's own /api/v1 routes (in-process ASGI, no socket), so every role, ownership and caseload
rule is the API's. State-changing forms are POSTs carrying a CSRF token (see gateway.session).

One module per audience (signin, employer, referent, dashboard, admin, and occupations for the métier
questions of the first two); shared pieces: rendering (templates), api_client (the in-process API),
access (who may open a page), forms (the forms' models). Every label and message comes from
common.french_catalogue. The templates, stylesheet and script sit next to these modules.
"""
