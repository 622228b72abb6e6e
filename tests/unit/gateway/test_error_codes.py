"""Domain errors carry stable codes; the French pages word each code from the catalogue, never by reading
the English detail."""

from __future__ import annotations

import ast
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from common.errors import AppError, Conflict, NotFound, ValidationFailed
from common.french_catalogue import ERROR_CODES
from common.http import install_error_handlers
from contracts.matching import OutcomeStatus, RefusalReason
from gateway.upstream import UpstreamError
from gateway.web.api_client import ApiFailure
from services.matching.domain.outcomes import check_outcome

ROOT = Path(__file__).resolve().parents[3]
SOURCES = ("common", "gateway", "maillage", "services")


def _error_classes() -> set[str]:
    found: set[str] = set()
    pending: list[type[AppError]] = [AppError]
    while pending:
        cls = pending.pop()
        found.add(cls.__name__)
        pending.extend(cls.__subclasses__())
    return found | {"UpstreamError"}


def raised_codes() -> dict[str, list[str]]:
    """Every `code=` given to an error of common.errors in the source tree: {code: [where]}. A code that
    is not a string literal is reported as such, so that no code escapes this collection."""
    classes = _error_classes()
    codes: dict[str, list[str]] = {}
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                for keyword in node.keywords:
                    if name in classes and keyword.arg == "code":
                        value = keyword.value
                        literal = isinstance(value, ast.Constant) and isinstance(value.value, str)
                        code = (
                            str(value.value)
                            if isinstance(value, ast.Constant) and literal
                            else "<not a literal>"
                        )
                        codes.setdefault(code, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return codes


def test_every_code_raised_anywhere_has_its_french() -> None:
    codes = raised_codes()
    assert "<not a literal>" not in codes, codes.get("<not a literal>")
    # The collection itself works: it finds the codes of the outcome rules and of the offers' lifecycle.
    assert {"outcome.refusal_needs_reason", "offer.invalid_transition", "profile.not_found"} <= set(codes)
    missing = {code: where for code, where in codes.items() if code not in ERROR_CODES}
    assert not missing, f"codes without a French entry in common.french_catalogue: {missing}"


def test_the_catalogue_words_no_code_that_nothing_raises() -> None:
    assert set(ERROR_CODES) <= set(raised_codes())


def _api_answer(error: AppError) -> httpx.Response:
    """The answer the API gives for `error`, as the pages receive it."""
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/fails")
    def fails() -> None:
        raise error

    answer = TestClient(app).get("/fails")
    return httpx.Response(answer.status_code, content=answer.content, headers=answer.headers)


def _outcome_error(
    status: OutcomeStatus, reason: RefusalReason | None, previous: OutcomeStatus | None
) -> AppError:
    with pytest.raises(ValidationFailed) as raised:
        check_outcome(status, reason, previous)
    return raised.value


def test_recording_a_result_before_the_proposal_reads_in_french() -> None:
    # Shown in English before: "Record the proposal first, then what came of it."
    failure = ApiFailure(_api_answer(_outcome_error(OutcomeStatus.ACCEPTED, None, None)))
    assert failure.code == "outcome.proposal_first"
    assert failure.field_errors() == {
        "status": "Enregistrez d'abord la proposition, puis ce qu'elle a donné."
    }


def test_proposing_an_offer_twice_reads_in_french() -> None:
    # Shown in English before: "This offer was already proposed."
    failure = ApiFailure(_api_answer(_outcome_error(OutcomeStatus.PROPOSED, None, OutcomeStatus.PROPOSED)))
    assert failure.field_errors() == {"status": "Cette offre a déjà été proposée."}


def test_a_refusal_without_reason_reads_in_french_under_the_reason() -> None:
    failure = ApiFailure(_api_answer(_outcome_error(OutcomeStatus.REFUSED, None, OutcomeStatus.PROPOSED)))
    assert failure.field_errors() == {"reason": "Un refus demande un motif."}


def test_the_envelope_adds_the_code_and_keeps_its_fields() -> None:
    coded = _api_answer(
        Conflict("An offer that is closed cannot be paused.", code="offer.invalid_transition")
    )
    assert coded.status_code == 409
    assert coded.json() == {
        "error": "conflict",
        "detail": "An offer that is closed cannot be paused.",
        "code": "offer.invalid_transition",
    }
    plain = _api_answer(NotFound("No such thing."))
    assert plain.json() == {"error": "not_found", "detail": "No such thing."}


def test_the_gateway_passes_an_upstream_code_on() -> None:
    relayed = UpstreamError(
        404, {"error": "not_found", "detail": "No profile x.", "code": "profile.not_found"}
    )
    assert relayed.envelope() == {
        "error": "not_found",
        "detail": "No profile x.",
        "code": "profile.not_found",
    }
    assert UpstreamError(404, {"error": "not_found", "detail": "x"}).envelope() == {
        "error": "not_found",
        "detail": "x",
    }


def test_an_error_page_words_a_coded_sentence_and_keeps_an_uncoded_one() -> None:
    coded = ApiFailure(_api_answer(NotFound("No offer x.", code="offer.not_found")))
    assert coded.message("fallback") == "Cette offre est introuvable."
    plain = ApiFailure(_api_answer(NotFound("Le fichier est vide.")))
    assert plain.message("fallback") == "Le fichier est vide."
    assert ApiFailure(httpx.Response(502, content=b"<html>")).message("fallback") == "fallback"
