"""The real client address, for limits and logs: the peer of the connection, or — only when that peer is
one of the configured trusted proxies (MAILLAGE_TRUSTED_PROXIES) — the address that proxy put in
X-Forwarded-For. Nothing else is trusted: a client can write any X-Forwarded-For it likes."""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from fastapi import Request

Network = IPv4Network | IPv6Network


def trusted_networks(setting: str) -> list[Network]:
    """`10.0.0.0/8, 192.168.1.4` → networks; an empty setting trusts no proxy (the default)."""
    return [ip_network(part.strip(), strict=False) for part in setting.split(",") if part.strip()]


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in proxies)


def client_address(peer: str, forwarded_for: str, proxies: Sequence[Network]) -> str:
    """Walk X-Forwarded-For from the right (the hops our proxies appended) past our own proxies; the
    first address that is not one of them is the client. Anything unreadable: the peer."""
    if not _trusted(peer, proxies):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ip_address(hop)
        except ValueError:
            return peer
        if not _trusted(hop, proxies):
            return hop
    return hops[0] if hops else peer


def request_client(request: Request) -> str:
    peer = request.client.host if request.client else "unknown"
    proxies: Sequence[Network] = getattr(request.app.state, "trusted_proxies", ())
    return client_address(peer, request.headers.get("x-forwarded-for", ""), proxies)
