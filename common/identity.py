"""Who is calling. The gateway authenticates; services receive the caller inside a short-lived token the
gateway signs for them (common/service_tokens.py), so a service cannot be driven around the gateway even
if its port were reachable.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    REFERENT = "referent"
    EMPLOYER = "employer"
    ANALYST = "analyst"
    ADMIN = "admin"
    # Sees the aggregated follow-up of the référents of their structure, never a person.
    COORDINATOR = "coordinator"
    # The gateway or a sibling service acting on its own behalf (rebuilds, projections).
    SYSTEM = "system"


REQUEST_ID_HEADER = "X-Request-ID"


@dataclass(frozen=True)
class Caller:
    subject: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role in (Role.ADMIN, Role.SYSTEM)


SYSTEM_CALLER = Caller(subject="system", role=Role.SYSTEM)
