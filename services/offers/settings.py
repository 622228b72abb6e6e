from __future__ import annotations

from common.settings import CommonSettings


class OffersSettings(CommonSettings):
    offers_database_url: str = "sqlite:///./var/offers.db"
