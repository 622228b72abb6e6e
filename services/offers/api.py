"""HTTP entrypoint of the offers service. Thin: parse, call the service, return."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from common.http import CallerDep, EntityId
from common.schemas import Page
from contracts.offers import OfferAction, OfferCreate, OfferPublic, OfferStatus, OfferUpdate
from services.offers.service import OffersService


def get_service(request: Request) -> OffersService:
    service: OffersService = request.app.state.offers
    return service


ServiceDep = Annotated[OffersService, Depends(get_service)]

router = APIRouter(prefix="/offers", tags=["offers"])


@router.post("", status_code=201, response_model=OfferPublic)
def create_offer(body: OfferCreate, caller: CallerDep, service: ServiceDep) -> OfferPublic:
    return service.create(caller, body)


@router.get("", response_model=Page[OfferPublic])
def list_offers(
    caller: CallerDep,
    service: ServiceDep,
    status: OfferStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Page[OfferPublic]:
    return service.list_offers(caller, status, limit, offset)


@router.get("/{offer_id}", response_model=OfferPublic)
def get_offer(offer_id: EntityId, caller: CallerDep, service: ServiceDep) -> OfferPublic:
    return service.get(caller, offer_id)


@router.patch("/{offer_id}", response_model=OfferPublic)
def update_offer(
    offer_id: EntityId, body: OfferUpdate, caller: CallerDep, service: ServiceDep
) -> OfferPublic:
    return service.update(caller, offer_id, body)


@router.post("/{offer_id}/{action}", response_model=OfferPublic)
def act_on_offer(
    offer_id: EntityId, action: OfferAction, caller: CallerDep, service: ServiceDep
) -> OfferPublic:
    return service.act(caller, offer_id, action)


internal = APIRouter(prefix="/internal", tags=["internal"], include_in_schema=False)


@internal.get("/offers", response_model=list[OfferPublic])
def offers_after(
    caller: CallerDep,
    service: ServiceDep,
    after: str = "",
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> list[OfferPublic]:
    """Every offer in id order, a page at a time: what the matching index is rebuilt from."""
    return service.after(caller, after, limit)
