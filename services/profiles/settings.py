from __future__ import annotations

from common.settings import CommonSettings


class ProfilesSettings(CommonSettings):
    profiles_database_url: str = "sqlite:///./var/profiles.db"
    # Signs the checkpoints a retention purge of the audit log leaves (`maillage audit purge`), so that
    # nobody without it can move the chain's start; `maillage audit verify` needs it once one exists.
    audit_key: str = ""
    # Audit rows are kept this many days (`maillage audit purge` with no date).
    audit_retention_days: int = 3650
