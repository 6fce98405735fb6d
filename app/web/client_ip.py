"""The client's address: the peer of the connection, or X-Forwarded-For when the peer is a trusted proxy.

One function, so that the rate limiter, the GeoIP filter, the audit log and the login throttle all
agree on who is asking. A forged X-Forwarded-For from an untrusted peer is ignored.
"""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from app.config import get_settings
from app.web import prefix


def is_trusted_proxy(address: str) -> bool:
    return _trusted(get_settings().forwarded_allow_ips, address)


@lru_cache(maxsize=4096)
def _trusted(networks: tuple[Any, ...], address: str) -> bool:
    """Kept per (networks, address): asked two or three times per request, and parsing an address cost more
    than the rest of the middleware that asks (bench/peers.py)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


SCOPE_KEY = 'wis.client_ip'
PEER_KEY = 'wis.peer'

# The client address of the request being served, for code far from the request (the audit log of a
# use case called by a /sysapi route). Sync routes run in a thread that inherits it.
current_client_ip: ContextVar[str] = ContextVar('current_client_ip', default='')


def client_ip_from_scope(scope: dict) -> str:
    """The client's address for this request (computed once by ClientIpMiddleware when it runs)."""
    known = scope.get(SCOPE_KEY)
    if known:
        return known
    client = scope.get('client')
    peer = client[0] if client else ''
    if peer and is_trusted_proxy(peer):
        for name, value in scope.get('headers') or []:
            if name == b'x-forwarded-for':
                # the right-most address not belonging to a trusted proxy is the client
                hops = [h.strip() for h in value.decode('latin-1').split(',') if h.strip()]
                for hop in reversed(hops):
                    if not is_trusted_proxy(hop):
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
    return scope_is_https(request.scope)


def scope_is_https(scope: dict) -> bool:
    """Served over HTTPS, directly or (according to a trusted proxy's X-Forwarded-Proto) behind a proxy."""
    if scope.get('scheme') in ('https', 'wss'):
        return True
    client = scope.get('client')
    peer = scope.get(PEER_KEY, client[0] if client else '')
    if peer and is_trusted_proxy(peer):
        for name, value in scope.get('headers') or []:
            if name == b'x-forwarded-proto':
                return value.decode('latin-1').split(',')[0].strip().lower() == 'https'
    return False


class ClientIpMiddleware:
    """Outermost middleware: works out the client's address once and puts it where everything reads it.

    `scope['client']` is rewritten too, so uvicorn's access log, Starlette's `request.client` and
    NiceGUI show the same address as the rate limiter, the GeoIP filter, the audit log and our logs.
    (uvicorn's own proxy-headers handling is switched off in main.py: it would trust 127.0.0.1.)
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope['type'] in ('http', 'websocket') and SCOPE_KEY not in scope:
            address = client_ip_from_scope(scope)
            scope[SCOPE_KEY] = address
            client = scope.get('client')
            scope[PEER_KEY] = client[0] if client else ''

            if client and client[0] != address:
                scope['client'] = (address, 0)
            prefix.sanitise(scope, bool(scope[PEER_KEY]) and is_trusted_proxy(scope[PEER_KEY]))
        if scope['type'] in ('http', 'websocket'):
            reset = current_client_ip.set(scope[SCOPE_KEY])
            try:
                await self.app(scope, receive, send)
            finally:
                current_client_ip.reset(reset)
            return
        await self.app(scope, receive, send)
