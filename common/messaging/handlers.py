"""How a consumer says what it does with each event: a registry from event model to handler.

An event model (a pydantic model, see contracts/events.py) names its type and schema version as the
defaults of its `type` and `schema_version` fields. The registry reads a record's envelope first, picks the
model registered for that (type, schema_version), and validates the record with it; a record of a type or
version that nothing is registered for is an UnknownEvent, which the worker dead-letters with the reason
rather than skipping it silently or stopping the partition.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import groupby
from typing import Any, TypeVar

from pydantic import BaseModel

EventModel = TypeVar("EventModel", bound=BaseModel)
EventKind = tuple[str, int]  # (type, schema_version)


class UnknownEvent(Exception):
    """No handler is registered for the record's event type and schema version."""


class _Envelope(BaseModel):
    """The two fields read before the record's model is known."""

    type: str
    schema_version: int


def kind_of(model: type[BaseModel]) -> EventKind:
    fields = model.model_fields
    type_, version = fields["type"].default, fields["schema_version"].default
    if not isinstance(type_, str) or not isinstance(version, int):
        raise TypeError(f"{model.__name__} fixes no type and schema_version: it is not an event model")
    return type_, version


class HandlerRegistry:
    """Event models and their handlers. A handler takes a list of events of its model, so that a consumer
    can treat a batch at once (one embedding call for a hundred offers)."""

    def __init__(self) -> None:
        self._models: dict[EventKind, type[BaseModel]] = {}
        self._handlers: dict[type[BaseModel], Callable[[list[Any]], None]] = {}

    def on(self, model: type[EventModel], handler: Callable[[list[EventModel]], None]) -> HandlerRegistry:
        kind = kind_of(model)
        if kind in self._models:
            raise ValueError(f"{kind[0]} v{kind[1]} already has a handler")
        self._models[kind] = model
        self._handlers[model] = handler
        return self

    def kinds(self) -> set[EventKind]:
        return set(self._models)

    def decode(self, raw: bytes) -> BaseModel:
        """The record as its registered model. Raises UnknownEvent when nothing handles its type and
        version, and pydantic's ValidationError when it is not an event or its model refuses it."""
        envelope = _Envelope.model_validate_json(raw)
        model = self._models.get((envelope.type, envelope.schema_version))
        if model is None:
            raise UnknownEvent(
                f"no handler for event type {envelope.type!r}, schema version {envelope.schema_version}"
            )
        return model.model_validate_json(raw)

    def dispatch(self, events: Sequence[BaseModel]) -> None:
        """Hand the events to their handlers in their order: each run of consecutive events of one model
        goes to its handler in one call."""
        for model, run in groupby(events, key=type):
            handler = self._handlers.get(model)
            if handler is None:
                raise UnknownEvent(f"no handler for {model.__name__}")
            handler(list(run))
