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
    employer_proposals,
    employer_request,
    follow_up,
    legal,
    occupations,
    offer_sheet,
    person_file,
    referent,
    referent_answers,
    signin,
    territory_groups,
)

PAGE_ROUTERS: tuple[APIRouter, ...] = (
    signin.router,
    employer.router,
    employer_proposals.router,
    referent.router,
    referent_answers.router,
    dashboard.router,
    admin.router,
    occupations.router,
    person_file.router,
    offer_sheet.router,
    follow_up.router,
    admin_accounts.router,
    admin_caseloads.router,
    admin_ops.router,
    coordination.router,
    employer_request.router,
    legal.router,
    territory_groups.router,
)
