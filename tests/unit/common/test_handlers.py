"""The handler registry: typed decoding by event type and schema version, dispatch in order."""

from __future__ import annotations

import json
from typing import Literal

import pytest
from pydantic import BaseModel, ValidationError

from common.messaging.handlers import HandlerRegistry, UnknownEvent, kind_of


class PingV1(BaseModel):
    type: Literal["ping"] = "ping"
    schema_version: Literal[1] = 1
    key: str


class PingV2(BaseModel):
    type: Literal["ping"] = "ping"
    schema_version: Literal[2] = 2
    key: str
    loud: bool


class PongV1(BaseModel):
    type: Literal["pong"] = "pong"
    schema_version: Literal[1] = 1
    key: str


def test_each_record_is_read_with_the_model_of_its_type_and_version() -> None:
    registry = HandlerRegistry().on(PingV1, lambda _: None).on(PingV2, lambda _: None)
    assert registry.decode(PingV1(key="a").model_dump_json().encode()) == PingV1(key="a")
    assert registry.decode(PingV2(key="b", loud=True).model_dump_json().encode()) == PingV2(
        key="b", loud=True
    )
    assert registry.kinds() == {("ping", 1), ("ping", 2)}


def test_a_type_or_version_without_a_handler_is_an_unknown_event() -> None:
    registry = HandlerRegistry().on(PingV1, lambda _: None)
    with pytest.raises(UnknownEvent, match="'ping', schema version 2"):
        registry.decode(PingV2(key="b", loud=True).model_dump_json().encode())
    with pytest.raises(UnknownEvent, match="'pong', schema version 1"):
        registry.decode(PongV1(key="c").model_dump_json().encode())


def test_a_record_that_is_no_event_or_that_its_model_refuses_is_invalid() -> None:
    registry = HandlerRegistry().on(PingV2, lambda _: None)
    with pytest.raises(ValidationError):
        registry.decode(b'{"key": "no type"}')
    with pytest.raises(ValidationError):
        registry.decode(json.dumps({"type": "ping", "schema_version": 2, "key": "k"}).encode())


def test_events_reach_their_handlers_in_order_one_call_per_run_of_a_model() -> None:
    calls: list[tuple[str, list[str]]] = []
    registry = (
        HandlerRegistry()
        .on(PingV1, lambda events: calls.append(("ping", [e.key for e in events])))
        .on(PongV1, lambda events: calls.append(("pong", [e.key for e in events])))
    )
    registry.dispatch([PingV1(key="1"), PingV1(key="2"), PongV1(key="3"), PingV1(key="4")])
    assert calls == [("ping", ["1", "2"]), ("pong", ["3"]), ("ping", ["4"])]


def test_a_model_has_one_handler_and_must_name_its_type_and_version() -> None:
    registry = HandlerRegistry().on(PingV1, lambda _: None)
    with pytest.raises(ValueError, match="already has a handler"):
        registry.on(PingV1, lambda _: None)

    class Untyped(BaseModel):
        type: str
        schema_version: int

    with pytest.raises(TypeError, match="not an event model"):
        kind_of(Untyped)
