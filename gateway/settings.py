from __future__ import annotations

from common.settings import CommonSettings


class GatewaySettings(CommonSettings):
    gateway_database_url: str = "sqlite:///./var/gateway.db"
    # Signing key for access tokens. Embedded mode generates one under the data dir when left empty;
    # distributed mode refuses to start without it.
    jwt_secret: str = ""
    jwt_issuer: str = "maillage-gateway"
    jwt_audience: str = "maillage-api"
    token_ttl_minutes: int = 60
    offers_url: str = "http://127.0.0.1:8101"
    profiles_url: str = "http://127.0.0.1:8102"
    matching_url: str = "http://127.0.0.1:8103"
    # Create the four demo accounts (password "demo"). Always on in embedded mode.
    demo_accounts: bool = False
    upstream_timeout_s: float = 15.0
    # Login attempts per minute, per username and per client address; suggestions per minute per user.
    login_attempts_per_minute: int = 10
    login_attempts_per_minute_per_ip: int = 60
    suggestions_per_minute: int = 120
