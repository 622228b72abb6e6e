"""Errors that carry their HTTP status, rendered everywhere as one envelope: {"error", "detail"}.

Domain and service code raise these; only the HTTP edge (common.http) knows how to render them. An error
that names a rule of the domain also carries a stable `code` ("outcome.refusal_needs_reason"), added to
the envelope as "code": the detail stays English for API clients, and the French pages translate the code
through common.french_catalogue instead of parsing the sentence.
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    status_code = 400
    kind = "bad_request"

    def __init__(
        self, detail: Any = None, headers: dict[str, str] | None = None, code: str | None = None
    ) -> None:
        self.detail: Any = detail if detail is not None else self.default_detail()
        self.headers = headers
        self.code = code
        super().__init__(str(self.detail))

    def default_detail(self) -> str:
        return self.kind.replace("_", " ")

    def envelope(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.kind, "detail": self.detail}
        if self.code:
            body["code"] = self.code
        return body


class BadRequest(AppError):
    status_code = 400
    kind = "bad_request"


class Unauthorized(AppError):
    status_code = 401
    kind = "unauthorized"

    def default_detail(self) -> str:
        return "Authentication is required."


class Forbidden(AppError):
    status_code = 403
    kind = "forbidden"

    def default_detail(self) -> str:
        return "You are not allowed to do this."


class NotFound(AppError):
    status_code = 404
    kind = "not_found"

    def default_detail(self) -> str:
        return "No such resource."


class Conflict(AppError):
    status_code = 409
    kind = "conflict"


class ValidationFailed(AppError):
    status_code = 422
    kind = "validation_error"


class TooManyRequests(AppError):
    status_code = 429
    kind = "rate_limited"


class Unavailable(AppError):
    """A dependency (database, broker, index, another service) cannot be reached right now."""

    status_code = 503
    kind = "unavailable"
