"""The client's address: the peer of the connection, or X-Forwarded-For when the peer is a trusted proxy.

One function, so that the rate limiter, the GeoIP filter, the audit log and the login throttle all
agree on who is asking. A forged X-Forwarded-For from an untrusted peer is ignored.
"""

from __future__ import annotations

import ipaddress

from app.config import get_settings


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in get_settings().forwarded_allow_ips)


def client_ip_from_scope(scope: dict) -> str:
    client = scope.get('client')
    peer = client[0] if client else ''
    if peer and _trusted(peer):
        for name, value in scope.get('headers') or []:
            if name == b'x-forwarded-for':
                # the right-most address not belonging to a trusted proxy is the client
                hops = [h.strip() for h in value.decode('latin-1').split(',') if h.strip()]
                for hop in reversed(hops):
                    if not _trusted(hop):
                        return _clean(hop)
                if hops:
                    return _clean(hops[0])
    return peer or 'unknown'


def _clean(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return 'invalid'


def client_ip(request) -> str:
    """Same as `client_ip_from_scope`, for a Starlette request."""
    return client_ip_from_scope(request.scope)


def is_https(request) -> bool:
    if request.url.scheme == 'https':
        return True
    if request.client and _trusted(request.client.host):
        return request.headers.get('x-forwarded-proto', '').lower() == 'https'
    return False
