"""The audit log's hash chain, in plain Python: how a row's hash is computed, how a checkpoint is signed,
and how a walk over the rows finds the first one that does not hold.

Each row carries the hash of the row before it (`prev_hash`) and its own (`row_hash`, sha256 over a
canonical serialisation of its fields and `prev_hash`). Changing, removing or inserting a row breaks the
chain at that row or the next. A retention purge removes the oldest rows and leaves a checkpoint, signed
with the audit key, that names the hash the remaining chain starts from."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from common.clock import as_utc

GENESIS = "0" * 64


@dataclass(frozen=True)
class ChainedRow:
    """What the hash covers (the id only orders the rows: it is the sequence's, not the writer's)."""

    id: int
    at: datetime
    actor: str
    actor_role: str
    action: str
    profile_id: str
    request_id: str | None
    prev_hash: str
    row_hash: str


@dataclass(frozen=True)
class ChainBreak:
    row_id: int
    reason: str  # French: shown by `maillage audit verify`


@dataclass(frozen=True)
class Checkpoint:
    first_kept_id: int
    anchor_hash: str
    purged_rows: int
    purged_before: datetime
    signature: str


def canonical_at(at: datetime) -> str:
    """UTC, microseconds: what PostgreSQL's timestamptz and SQLite both give back unchanged."""
    return as_utc(at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(
    prev_hash: str,
    at: datetime,
    actor: str,
    actor_role: str,
    action: str,
    profile_id: str,
    request_id: str | None,
) -> str:
    fields = {
        "prev": prev_hash,
        "at": canonical_at(at),
        "actor": actor,
        "actor_role": actor_role,
        "action": action,
        "profile_id": profile_id,
        "request_id": request_id,
    }
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def hash_of(row: ChainedRow) -> str:
    return row_hash(
        row.prev_hash, row.at, row.actor, row.actor_role, row.action, row.profile_id, row.request_id
    )


def checkpoint_signature(
    key: bytes, first_kept_id: int, anchor_hash: str, purged_rows: int, purged_before: datetime
) -> str:
    message = f"{first_kept_id}|{anchor_hash}|{purged_rows}|{canonical_at(purged_before)}"
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def checkpoint_holds(key: bytes, checkpoint: Checkpoint) -> bool:
    expected = checkpoint_signature(
        key,
        checkpoint.first_kept_id,
        checkpoint.anchor_hash,
        checkpoint.purged_rows,
        checkpoint.purged_before,
    )
    return hmac.compare_digest(expected, checkpoint.signature)


@dataclass
class ChainWalk:
    """Feed the rows in id order; `broken` is the first break found (None: the chain holds so far)."""

    expected_prev: str = GENESIS
    rows: int = 0
    broken: ChainBreak | None = None

    def feed(self, rows: Iterable[ChainedRow]) -> None:
        for row in rows:
            if self.broken is not None:
                return
            self.rows += 1
            if row.prev_hash != self.expected_prev:
                self.broken = ChainBreak(
                    row.id,
                    "chaînage rompu : la ligne ne suit pas la précédente "
                    "(une ligne a été supprimée, insérée ou modifiée avant elle)",
                )
            elif hash_of(row) != row.row_hash:
                self.broken = ChainBreak(
                    row.id, "empreinte incorrecte : le contenu de la ligne a été modifié"
                )
            self.expected_prev = row.row_hash
