"""The administration API's shapes: the gateway's accounts (who signs in, with which role, in which
structure), and an employer's request for an account.

Accounts belong to the gateway; these models are the API it states for them. A username and a structure
are labels chosen by the operator, not personal data about the people followed.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from common.schemas import ShortText, WithoutNul

Username = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=64, pattern=r"^[a-z0-9_-]+$")
]
Password = Annotated[str, StringConstraints(min_length=8, max_length=200), WithoutNul]
Structure = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120), WithoutNul]
# Fourteen digits; the checksum (Luhn) is checked by the gateway, which words the refusal.
SiretText = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{14}$")]


class AccountRole(StrEnum):
    """The roles an account may have (the platform's own system identity is not one)."""

    REFERENT = "referent"
    EMPLOYER = "employer"
    ANALYST = "analyst"
    ADMIN = "admin"
    COORDINATOR = "coordinator"


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Username
    display_name: ShortText
    role: AccountRole
    password: Password
    structure: Structure = ""
    siret: SiretText | None = Field(default=None, description="Employers: their establishment.")


class AccountUpdate(BaseModel):
    """A change of role, name, structure or state. A change of role or a deactivation ends the account's
    open sessions at once."""

    model_config = ConfigDict(extra="forbid")

    display_name: ShortText | None = None
    role: AccountRole | None = None
    structure: Structure | None = None
    active: bool | None = None


class PasswordReset(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: Password


class AccountPublic(BaseModel):
    username: str
    display_name: str
    role: AccountRole
    structure: str
    active: bool
    pending: bool = Field(description="An employer's request waiting for an administrator.")
    siret: str | None
    siren: str | None
    created_at: datetime


class EmployerAccountRequest(BaseModel):
    """What an employer sends to ask for an account: it waits, inactive, until an admin validates it."""

    model_config = ConfigDict(extra="forbid")

    username: Username
    display_name: ShortText = Field(description="The company's name as it should appear.")
    password: Password
    siret: SiretText


class EmployerRequestReceived(BaseModel):
    """The acknowledgement of a request: nothing but what the requester sent that identifies it."""

    username: str
    siren: str
    pending: bool
