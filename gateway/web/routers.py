"""Every page router, in the order the app includes them (one module per audience)."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.web import (
    admin,
    admin_accounts,
    admin_caseloads,
    admin_ops,
    coordination,
    dashboard,
    employer,
    employer_request,
    legal,
    occupations,
    referent,
    signin,
)

PAGE_ROUTERS: tuple[APIRouter, ...] = (
    signin.router,
    employer.router,
    referent.router,
    dashboard.router,
    admin.router,
    occupations.router,
    admin_accounts.router,
    admin_caseloads.router,
    admin_ops.router,
    coordination.router,
    employer_request.router,
    legal.router,
)
