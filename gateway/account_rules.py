"""Rules about accounts, free of storage and HTTP: what makes a SIRET valid, which changes of an account
end its open sessions, and what an administrator may not do to their own account."""

from __future__ import annotations

from dataclasses import dataclass

from common.errors import ValidationFailed

# La Poste's establishments share one SIREN and do not follow the Luhn key: INSEE checks that the sum of
# their SIRET's digits is a multiple of 5 instead (except the head office, which follows Luhn).
LA_POSTE_SIREN = "356000000"


def luhn_valid(digits: str) -> bool:
    """The Luhn key: doubling every second digit from the right, the sum is a multiple of 10."""
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def siret_valid(siret: str) -> bool:
    """Fourteen digits whose SIREN (the first nine) and SIRET both carry a valid key."""
    if len(siret) != 14 or not siret.isdigit():
        return False
    siren = siret[:9]
    if siren == LA_POSTE_SIREN and not luhn_valid(siret):
        return sum(int(c) for c in siret) % 5 == 0
    return luhn_valid(siren) and luhn_valid(siret)


def check_siret(siret: str) -> str:
    """The SIRET, or a 422 in the envelope saying it is not one."""
    if not siret_valid(siret):
        raise ValidationFailed(
            [{"field": "siret", "message": "Not a valid SIRET (14 digits with a Luhn key)."}],
            code="account.siret_invalid",
        )
    return siret


def siren_of(siret: str | None) -> str | None:
    """The company (SIREN) an establishment (SIRET) belongs to: the accounts sharing it share offers."""
    return siret[:9] if siret else None


def company_subject(siret: str | None) -> str:
    """What the services know an employer of this company as: every account of one SIREN shares its
    offers. The colon cannot appear in a username, so no account can pose as a company."""
    siren = siren_of(siret)
    return f"siren:{siren}" if siren else ""


@dataclass(frozen=True)
class AccountChange:
    """A change an administrator asks for; None leaves the field as it is."""

    display_name: str | None = None
    role: str | None = None
    structure: str | None = None
    active: bool | None = None

    def ends_sessions(self, current_role: str, currently_active: bool) -> bool:
        """A new role or a deactivation ends every open session; a name or structure does not (they are
        not in the token)."""
        new_role = self.role is not None and self.role != current_role
        deactivated = self.active is False and currently_active
        return new_role or deactivated

    def check_allowed_on_self(self, actor: str, target: str) -> None:
        """An administrator cannot lock themselves out (and leave the platform with no admin)."""
        if actor == target and (self.active is False or self.role not in (None, "admin")):
            raise ValidationFailed(
                [{"field": "username", "message": "You cannot deactivate or demote your own account."}],
                code="account.self",
            )
