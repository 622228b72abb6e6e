"""What the legal pages say about the operator and its settings: read from the gateway's settings, with
neutral defaults, so that no territory's name or address is written in the code."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.settings import GatewaySettings

TO_COMPLETE = "à compléter par l'opérateur"


@dataclass(frozen=True)
class LegalNotice:
    publisher: str = ""
    address: str = ""
    publication_director: str = ""
    host: str = ""
    contact: str = ""
    dpo_contact: str = ""
    accessibility_audit_date: str = ""
    retention_days: int = 730
    session_minutes: int = 60

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> LegalNotice:
        return cls(
            publisher=settings.legal_publisher,
            address=settings.legal_address,
            publication_director=settings.legal_publication_director,
            host=settings.legal_host,
            contact=settings.legal_contact,
            dpo_contact=settings.legal_dpo_contact,
            accessibility_audit_date=settings.accessibility_audit_date,
            retention_days=settings.retention_days,
            session_minutes=settings.token_ttl_minutes,
        )

    def shown(self, value: str) -> str:
        return value.strip() or TO_COMPLETE

    @property
    def retention_months(self) -> int:
        return round(self.retention_days / 30.44)
