"""The administration pages' forms, as posted (see gateway/web/forms.py for how forms are read)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form
from pydantic import BaseModel, Field


class AccountForm(BaseModel):
    """A new account, or the changes to one (a blank field keeps its value)."""

    username: str = Field(default="", max_length=64)
    display_name: str = Field(default="", max_length=200)
    role: str = Field(default="", max_length=20)
    structure: str = Field(default="", max_length=120)
    password: str = Field(default="", max_length=200)
    siret: str = Field(default="", max_length=20)
    csrf: str = ""

    def values(self) -> dict[str, Any]:
        return self.model_dump(exclude={"csrf", "password"})

    def creation(self) -> dict[str, Any]:
        body = {k: v.strip() for k, v in self.model_dump(exclude={"csrf", "siret"}).items()}
        body["password"] = self.password  # as typed: spaces are part of a password
        if self.siret.strip():
            body["siret"] = self.siret.replace(" ", "").strip()
        return body


class AccountStateForm(BaseModel):
    active: str = Field(default="", max_length=5)  # "true" or "false"
    csrf: str = ""


class PasswordForm(BaseModel):
    password: str = Field(default="", max_length=200)
    csrf: str = ""


class HandoverForm(BaseModel):
    """A whole caseload (`from_referent`) or the files named in `profile_ids` (one per line)."""

    from_referent: str = Field(default="", max_length=64)
    to_referent: str = Field(default="", max_length=64)
    profile_ids: str = Field(default="", max_length=20_000)
    csrf: str = ""

    def body(self) -> dict[str, Any]:
        ids = [line.strip() for line in self.profile_ids.replace(",", "\n").splitlines() if line.strip()]
        body: dict[str, Any] = {"to_referent": self.to_referent.strip(), "profile_ids": ids}
        if self.from_referent.strip():
            body["from_referent"] = self.from_referent.strip()
        return body


class EmployerRequestForm(BaseModel):
    username: str = Field(default="", max_length=64)
    display_name: str = Field(default="", max_length=200)
    password: str = Field(default="", max_length=200)
    siret: str = Field(default="", max_length=20)
    csrf: str = ""

    def values(self) -> dict[str, Any]:
        return self.model_dump(exclude={"csrf", "password"})

    def body(self) -> dict[str, Any]:
        return {
            "username": self.username.strip(),
            "display_name": self.display_name.strip(),
            "password": self.password,
            "siret": self.siret.replace(" ", "").strip(),
        }


AccountBody = Annotated[AccountForm, Form()]
AccountStateBody = Annotated[AccountStateForm, Form()]
PasswordBody = Annotated[PasswordForm, Form()]
HandoverBody = Annotated[HandoverForm, Form()]
EmployerRequestBody = Annotated[EmployerRequestForm, Form()]


class DeadLetterForm(BaseModel):
    action: str = Field(default="", max_length=10)
    expected: int = Field(default=0, ge=0, le=1_000_000)
    csrf: str = ""


class AuditQuery(BaseModel):
    """The audit search, as the page's query string carries it (dates as the date inputs send them)."""

    profile_id: str = Field(default="", max_length=64)
    actor: str = Field(default="", max_length=64)
    since: str = Field(default="", max_length=10)
    until: str = Field(default="", max_length=10)

    def asked(self) -> bool:
        return any(value.strip() for value in self.model_dump().values())

    def params(self) -> dict[str, str]:
        params = {"profile_id": self.profile_id.strip(), "actor": self.actor.strip()}
        if self.since.strip():
            params["since"] = f"{self.since.strip()}T00:00:00+00:00"
        if self.until.strip():
            params["until"] = f"{self.until.strip()}T23:59:59+00:00"
        return {name: value for name, value in params.items() if value}


DeadLetterBody = Annotated[DeadLetterForm, Form()]
