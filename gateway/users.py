"""Accounts of the gateway: who can sign in, with which role. Passwords are hashed with Argon2id."""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import DateTime
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, select

from common.clock import utcnow
from common.db import session_scope
from common.identity import Role

# Argon2id is memory-hard: 64 MiB per hash makes offline guessing expensive. Parameters are stored in
# each hash, so raising them later only affects new hashes (and check_needs_rehash upgrades old ones).
_hasher = PasswordHasher(time_cost=2, memory_cost=65_536, parallelism=1)
# A real hash to verify against when the user does not exist, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

DEMO_PASSWORD = "demo"
DEMO_ACCOUNTS = {
    "referent": (Role.REFERENT, "Camille Référente (démo)"),
    "employer": (Role.EMPLOYER, "Entreprise de démonstration"),
    "analyst": (Role.ANALYST, "Service développement économique (démo)"),
    "admin": (Role.ADMIN, "Administration Maillage (démo)"),
}


class UserRow(SQLModel, table=True):
    __tablename__ = "user_account"

    username: str = Field(primary_key=True, max_length=64)
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=20)
    display_name: str = Field(max_length=200)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class UserStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def authenticate(self, username: str, password: str) -> UserRow | None:
        with session_scope(self._engine) as session:
            user = session.get(UserRow, username)
            stored = user.password_hash if user and user.active else _DUMMY_HASH
            try:
                _hasher.verify(stored, password)
            except (VerificationError, InvalidHashError):
                return None
            if user is None or not user.active:
                return None
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hasher.hash(password)
                session.add(user)
            return user

    def get(self, username: str) -> UserRow | None:
        with Session(self._engine) as session:
            return session.get(UserRow, username)

    def upsert(self, username: str, password: str, role: Role, display_name: str) -> None:
        with session_scope(self._engine) as session:
            user = session.get(UserRow, username) or UserRow(
                username=username, password_hash="", role=role.value, display_name=display_name
            )
            user.password_hash = _hasher.hash(password)
            user.role = role.value
            user.display_name = display_name
            session.add(user)

    def ensure_demo_accounts(self) -> None:
        with Session(self._engine) as session:
            existing = set(session.exec(select(UserRow.username)).all())
        for username, (role, name) in DEMO_ACCOUNTS.items():
            if username not in existing:
                self.upsert(username, DEMO_PASSWORD, role, name)
