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
    # The operator, as the legal pages name it (mentions légales, données personnelles, accessibilité).
    # Empty fields read « à compléter par l'opérateur » on the pages: nothing here is one territory's.
    legal_publisher: str = ""
    legal_address: str = ""
    legal_publication_director: str = ""
    legal_host: str = ""
    legal_contact: str = ""
    legal_dpo_contact: str = ""
    accessibility_audit_date: str = ""
    # Create the five demo accounts (password "demo"). Always on in embedded mode.
    demo_accounts: bool = False
    upstream_timeout_s: float = 15.0
    # Login attempts per minute, per username and per client address; suggestions per minute per user.
    login_attempts_per_minute: int = 10
    login_attempts_per_minute_per_ip: int = 60
    suggestions_per_minute: int = 120
    # An account is locked after this many failed sign-ins in a row (0: login_attempts_per_minute), for
    # the first lock's length, doubled at each further failure up to the longest.
    login_lockout_after_failures: int = 0
    login_lockout_first_seconds: float = 60.0
    login_lockout_longest_seconds: float = 3600.0
    # Proxies whose X-Forwarded-For is believed (comma-separated addresses or CIDR ranges, e.g. the
    # ingress controller's pod range). Empty: none, the connection's peer is the client.
    trusted_proxies: str = ""
    # How long a replica trusts what it read about an account (active, epoch, ended sessions): the most a
    # revocation made on another replica or by the CLI takes to be enforced here.
    auth_cache_seconds: float = 5.0
    # A proposal left without an answer this many days is « à relancer » on the référent's workspace.
    follow_up_days: int = 10
