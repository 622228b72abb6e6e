from __future__ import annotations

from common.settings import CommonSettings


class ProfilesSettings(CommonSettings):
    profiles_database_url: str = "sqlite:///./var/profiles.db"
    # Profiles are purged this many days after the follow-up ended (the organisation's retention period).
    retention_days: int = 730
