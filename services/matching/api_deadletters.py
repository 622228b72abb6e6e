"""The dead letters of matching's consumer (admins): look at those not dealt with yet, replay them to their
original topics, or discard them (common/messaging/dead_letter_box.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from common.errors import Forbidden
from common.http import CallerDep
from common.identity import Caller
from common.messaging.dead_letter_box import DeadLetterBox
from contracts.operations import DeadLetterOut, DeadLetters, DeadLetterSettle, DeadLettersSettled


def get_box(request: Request) -> DeadLetterBox:
    box: DeadLetterBox = request.app.state.dead_letters
    return box


BoxDep = Annotated[DeadLetterBox, Depends(get_box)]

router = APIRouter(prefix="/deadletters", tags=["operations"])


def _check(caller: Caller) -> None:
    if not caller.is_admin:
        raise Forbidden("Dead letters are for admins.")


@router.get("", response_model=DeadLetters)
def pending(caller: CallerDep, box: BoxDep) -> DeadLetters:
    _check(caller)
    letters = box.pending()
    return DeadLetters(items=[DeadLetterOut.model_validate(letter.model_dump()) for letter in letters])


@router.post("/replay", response_model=DeadLettersSettled)
def replay(body: DeadLetterSettle, caller: CallerDep, box: BoxDep) -> DeadLettersSettled:
    _check(caller)
    return DeadLettersSettled(settled=box.replay(body.expected))


@router.post("/discard", response_model=DeadLettersSettled)
def discard(body: DeadLetterSettle, caller: CallerDep, box: BoxDep) -> DeadLettersSettled:
    _check(caller)
    return DeadLettersSettled(settled=box.discard(body.expected))
