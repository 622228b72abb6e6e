"""Every page router, in the order the app includes them (one module per audience)."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.web import admin, dashboard, employer, occupations, referent, signin, territory_groups

PAGE_ROUTERS: tuple[APIRouter, ...] = (
    signin.router,
    employer.router,
    referent.router,
    dashboard.router,
    admin.router,
    occupations.router,
    territory_groups.router,
)
