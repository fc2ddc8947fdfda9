"""Client address resolution: X-Forwarded-For is believed only from trusted proxies."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _trusted(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def in_networks(address: str, networks: tuple[Network, ...] | list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client, walking X-Forwarded-For from the right past trusted
    proxies only (a client can prepend anything it likes to the header)."""
    cached = getattr(request, "_jc_client_ip", None)
    if cached is not None:
        return str(cached)
    peer = request.META.get("REMOTE_ADDR") or None
    trusted = _trusted(tuple(settings.JC_TRUSTED_PROXIES))
    result = peer
    if peer and trusted and in_networks(peer, trusted):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        for hop in reversed(hops):
            result = hop
            if not in_networks(hop, trusted):
                break
    request._jc_client_ip = result  # type: ignore[attr-defined]
    return result


def parse_cidr(value: str) -> Network:
    """Parse a CIDR, raising ValueError with a Japanese message."""
    try:
        return ipaddress.ip_network(value.strip(), strict=True)
    except ValueError as exc:
        raise ValueError(f"CIDR の形式が正しくありません: {value}") from exc
