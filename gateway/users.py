"""Accounts of the gateway: who can sign in, with which role. Passwords are hashed with Argon2id.

Each account has a `token_epoch`, carried in every token it is issued: deactivating the account or
changing its password bumps it, which ends every earlier session; signing out ends one session (its id is
kept until the token would have expired anyway). `admits` says whether a token is still good.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import DateTime
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, delete, select

from common.clock import utcnow
from common.db import session_scope
from common.identity import Caller, Role
from gateway.account_rules import company_subject
from gateway.account_states import AccountState, AccountStates
from gateway.auth import SessionClaims

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
    "coordinator": (Role.COORDINATOR, "Coordination territoriale (démo)"),
}
# The demo référent and coordinator work in one structure, so the coordinator has a follow-up to read.
DEMO_STRUCTURE = "Structure de démonstration"


class UserRow(SQLModel, table=True):
    __tablename__ = "user_account"

    username: str = Field(primary_key=True, max_length=64)
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=20)
    display_name: str = Field(max_length=200)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    token_epoch: int = 0
    # The structure (or territory) the account works for: a référent's, read by its coordinator.
    structure: str = Field(default="", max_length=120)
    # An employer's request for an account waits, inactive, until an administrator validates it.
    pending: bool = False
    siret: str | None = Field(default=None, max_length=14, index=True)


class EndedSessionRow(SQLModel, table=True):
    __tablename__ = "ended_session"

    session_id: str = Field(primary_key=True, max_length=64)
    username: str = Field(index=True, max_length=64)
    expires_at: datetime = Field(sa_type=DateTime(timezone=True))


class UserStore:
    """`cache_seconds`: how long this replica trusts what it read about an account (see AccountStates)."""

    def __init__(
        self, engine: Engine, cache_seconds: float = 5.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._engine = engine
        self._states = AccountStates(self._account_state, cache_seconds, clock)

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
        """Create the account, or reset its password, role and name (which ends its sessions)."""
        with session_scope(self._engine) as session:
            existing = session.get(UserRow, username)
            user = existing or UserRow(
                username=username, password_hash="", role=role.value, display_name=display_name
            )
            user.password_hash = _hasher.hash(password)
            user.role = role.value
            user.display_name = display_name
            if existing is not None:
                user.token_epoch += 1
            session.add(user)
        self._states.forget(username)

    # -- what ends sessions --------------------------------------------------------------------------
    def change_password(self, username: str, password: str) -> None:
        self._change(username, lambda user: setattr(user, "password_hash", _hasher.hash(password)))

    def deactivate(self, username: str) -> None:
        self._change(username, lambda user: setattr(user, "active", False))

    def delete(self, username: str) -> None:
        with session_scope(self._engine) as session:
            user = session.get(UserRow, username)
            if user is not None:
                session.delete(user)
            session.exec(delete(EndedSessionRow).where(col(EndedSessionRow.username) == username))
        self._states.forget(username)

    def end_session(self, session: SessionClaims) -> None:
        """Sign-out: this session's token is refused from now on; the account's other sessions go on."""
        username = session.caller.subject
        with session_scope(self._engine) as db:
            db.exec(delete(EndedSessionRow).where(col(EndedSessionRow.expires_at) < utcnow()))
            if db.get(EndedSessionRow, session.session_id) is None:
                db.add(
                    EndedSessionRow(
                        session_id=session.session_id, username=username, expires_at=session.expires_at
                    )
                )
        self._states.forget(username)

    def _change(self, username: str, change: Callable[[UserRow], None]) -> None:
        with session_scope(self._engine) as session:
            user = session.get(UserRow, username)
            if user is None:
                raise KeyError(username)
            change(user)
            user.token_epoch += 1  # every token issued before is refused
            session.add(user)
        self._states.forget(username)

    # -- what a token needs to stay good -------------------------------------------------------------
    def admits(self, session: SessionClaims) -> bool:
        """Whether the account still admits this token: active, same role, same epoch, session not ended."""
        state = self._states.get(session.caller.subject)
        return state is not None and state.admits(
            session.caller.role.value, session.epoch, session.session_id
        )

    def acting_caller(self, caller: Caller) -> Caller:
        """The caller as the services see it: an employer of a company (SIRET) acts as that company, so
        the accounts of one SIREN share its offers; anyone else as themselves."""
        state = self._states.get(caller.subject)
        if state is None or not state.acts_as:
            return caller
        return Caller(subject=state.acts_as, role=caller.role)

    def _account_state(self, username: str) -> AccountState | None:
        with Session(self._engine) as session:
            user = session.get(UserRow, username)
            if user is None or not user.active:
                return None
            ended = session.exec(
                select(EndedSessionRow.session_id).where(
                    EndedSessionRow.username == username, EndedSessionRow.expires_at > utcnow()
                )
            ).all()
            company = company_subject(user.siret) if user.role == Role.EMPLOYER.value else ""
            return AccountState(user.role, user.token_epoch, frozenset(ended), acts_as=company)

    # -- administration ------------------------------------------------------------------------------
    def list_accounts(self, role: str | None = None, structure: str | None = None) -> list[UserRow]:
        query = select(UserRow).order_by(col(UserRow.username))
        if role:
            query = query.where(UserRow.role == role)
        if structure is not None:
            query = query.where(UserRow.structure == structure)
        with Session(self._engine) as session:
            return list(session.exec(query).all())

    def create(self, user: UserRow, password: str) -> UserRow:
        """A new account (the caller checked `exists` first); the password is hashed here."""
        user.password_hash = _hasher.hash(password)
        with session_scope(self._engine) as session:
            session.add(user)
        self._states.forget(user.username)
        return user

    def exists(self, username: str) -> bool:
        return self.get(username) is not None

    def update(self, username: str, change: Callable[[UserRow], bool]) -> UserRow:
        """Apply `change`; when it says the account's sessions must end (a new role, a deactivation),
        every token issued before is refused from the next request on."""
        with session_scope(self._engine) as session:
            user = session.get(UserRow, username)
            if user is None:
                raise KeyError(username)
            if change(user):
                user.token_epoch += 1
            session.add(user)
        self._states.forget(username)
        updated = self.get(username)
        assert updated is not None
        return updated

    def ensure_demo_accounts(self) -> None:
        with Session(self._engine) as session:
            existing = set(session.exec(select(UserRow.username)).all())
        for username, (role, name) in DEMO_ACCOUNTS.items():
            if username not in existing:
                self.upsert(username, DEMO_PASSWORD, role, name)
                if role in (Role.REFERENT, Role.COORDINATOR):
                    self.update(username, _joining(DEMO_STRUCTURE))


def _joining(structure: str) -> Callable[[UserRow], bool]:
    def change(user: UserRow) -> bool:
        user.structure = structure
        return False  # the structure is not in the token: sessions go on

    return change
