from __future__ import annotations

from common.settings import CommonSettings


class ProfilesSettings(CommonSettings):
    profiles_database_url: str = "sqlite:///./var/profiles.db"
