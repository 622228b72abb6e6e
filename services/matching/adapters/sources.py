"""Where matching reads offers (for rebuilds) and profile criteria from in distributed mode: the owning
services' internal HTTP endpoints, as the system caller, each request with a short-lived service token
signed with matching's own key (which offers and profiles take for the system caller only).

These adapt matching's ports (OfferSource, ProfileSource in services/matching/ports.py). In embedded mode
the composition root wires in-process adapters instead (maillage/in_process.py).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator

import httpx

from common.errors import Unavailable
from common.identity import SYSTEM_CALLER
from common.service_tokens import SERVICE_TOKEN_HEADER, ServiceSigner
from contracts.offers import OfferPublic
from contracts.profiles import CandidateCard, MatchingView


class _Signing(httpx.Auth):
    """Every request gets a fresh token (a rebuild that reads offers for minutes outlives any one)."""

    def __init__(self, signer: ServiceSigner, service: str) -> None:
        self._signer = signer
        self._service = service

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[SERVICE_TOKEN_HEADER] = self._signer.sign(self._service, SYSTEM_CALLER)
        yield request


class HttpProfileSource:
    def __init__(self, base_url: str, signer: ServiceSigner, timeout_s: float = 5.0) -> None:
        auth = _Signing(signer, "profiles")
        self._client = httpx.Client(base_url=base_url, auth=auth, timeout=timeout_s)

    def _get(self, path: str) -> httpx.Response | None:
        """The answer, None for a 404 (no such profile); Unavailable when the service is not there."""
        try:
            response = self._client.get(path)
        except httpx.HTTPError as exc:
            raise Unavailable(f"The profiles service cannot be reached: {exc}") from exc
        if response.status_code == 404:
            return None
        if response.status_code >= 500:
            raise Unavailable(f"The profiles service answered {response.status_code}.")
        response.raise_for_status()
        return response

    def matching_view(self, profile_id: str) -> MatchingView | None:
        response = self._get(f"/internal/profiles/{profile_id}/matching-view")
        return MatchingView.model_validate(response.json()) if response is not None else None

    def candidate_card(self, profile_id: str) -> CandidateCard | None:
        """What the person agreed to show an employer; None without consent (or without the person)."""
        response = self._get(f"/internal/profiles/{profile_id}/candidate-card")
        body = response.json() if response is not None else None
        return CandidateCard.model_validate(body) if body is not None else None


class HttpOfferSource:
    def __init__(self, base_url: str, signer: ServiceSigner, timeout_s: float = 30.0) -> None:
        auth = _Signing(signer, "offers")
        self._client = httpx.Client(base_url=base_url, auth=auth, timeout=timeout_s)

    def iter_offers(self, page_size: int = 500) -> Iterator[OfferPublic]:
        after = ""
        while True:
            try:
                response = self._client.get("/internal/offers", params={"after": after, "limit": page_size})
                response.raise_for_status()
            except httpx.HTTPError as exc:
                raise Unavailable(f"The offers service cannot be reached: {exc}") from exc
            page = [OfferPublic.model_validate(o) for o in response.json()]
            yield from page
            if len(page) < page_size:
                return
            after = page[-1].id
