from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from common.http import RequestContextMiddleware, install_error_handlers, json_depth


class Thing(BaseModel):
    name: str


def app() -> FastAPI:
    application = FastAPI()
    install_error_handlers(application)

    @application.post("/things")
    def create(thing: Thing) -> Thing:
        return thing

    application.add_middleware(RequestContextMiddleware, max_body_bytes=10_000)
    return application


def test_json_depth_ignores_brackets_inside_strings() -> None:
    assert json_depth(b'{"a": [1, {"b": "[[[{{{"}]}') == 3
    assert json_depth(b'"\\"[["') == 0


def test_deeply_nested_json_is_refused_before_parsing() -> None:
    client = TestClient(app())
    deep = b"[" * 5000 + b"]" * 5000
    response = client.post("/things", content=deep, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request" and "nests deeper" in response.json()["detail"]


def test_oversized_bodies_are_refused_and_normal_ones_pass() -> None:
    client = TestClient(app())
    big = json.dumps({"name": "x" * 20_000}).encode()
    response = client.post("/things", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["error"] == "payload_too_large"
    ok = client.post("/things", json={"name": "ok"})
    assert ok.status_code == 200 and ok.json() == {"name": "ok"} and ok.headers["x-request-id"]
