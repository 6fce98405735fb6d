"""Cross-site request forgery: a page of another site must not make the browser act with our cookie.

The session cookie is SameSite=Lax already; on top of that, a state-changing request (POST, PUT,
PATCH, DELETE) to `/sysapi/...` that carries the session cookie, and every POST to `/auth/...`
(the login and logout forms), is refused with 403 when the browser says it comes from elsewhere:

- `Sec-Fetch-Site` (sent by every current browser) must be `same-origin` or `none` (typed, bookmark);
- without it, `Origin` when present must name this very host.

Clients that are not browsers (curl, scripts, the phone shortcut) send neither header and pass;
a request authenticated by a personal token without the cookie is not at risk and passes too.

The same check guards NiceGUI's websocket (cross-site websocket hijacking): a browser always sends
Origin with the handshake, and a page of another site gets the connection closed before it opens.
Socket.IO's long-polling transport under the same mount is the websocket by other means, and NiceGUI's
server allows every origin there (`cors_allowed_origins='*'`, reflected with credentials), so every
HTTP request to `/_nicegui_ws/` gets the check too, whatever its method: 403, no CORS headers.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

from app.services.sessions import COOKIE_NAME
from app.web.client_ip import PEER_KEY, client_ip_from_scope, is_trusted_proxy

log = logging.getLogger('whatispend.csrf')

UNSAFE_METHODS = frozenset({'POST', 'PUT', 'PATCH', 'DELETE'})
COOKIE_MARK = COOKIE_NAME.encode() + b'='
SOCKET_PREFIX = '/_nicegui_ws/'  # where NiceGUI mounts Socket.IO (websocket and long-polling)


def _headers(scope) -> dict[bytes, bytes]:
    return dict(scope.get('headers') or [])


def _host(scope, headers: dict[bytes, bytes]) -> str:
    host = headers.get(b'host', b'').decode('latin-1')
    if PEER_KEY in scope and is_trusted_proxy(scope[PEER_KEY]) and b'x-forwarded-host' in headers:
        host = headers[b'x-forwarded-host'].decode('latin-1').split(',')[0].strip()
    return host.lower()


def cross_site_reason(scope) -> str | None:
    """Why this request looks cross-site, or None when it is fine."""
    headers = _headers(scope)
    site = headers.get(b'sec-fetch-site', b'').decode('latin-1').lower()
    if site:
        return None if site in ('same-origin', 'none') else f'Sec-Fetch-Site: {site}'
    origin = headers.get(b'origin')
    if origin is None:
        return None
    origin_text = origin.decode('latin-1').strip()
    parts = urlsplit(origin_text)
    if origin_text == 'null' or not parts.netloc or parts.netloc.lower() != _host(scope, headers):
        return f'Origin: {origin_text[:100]}'
    return None


def needs_check(scope) -> bool:
    if scope['type'] == 'websocket':
        return True
    if scope['type'] != 'http':
        return False
    path = scope['path']
    if path.removeprefix(scope.get('root_path') or '').startswith(SOCKET_PREFIX):
        return True
    if scope['method'] not in UNSAFE_METHODS:
        return False
    if path.startswith('/auth/'):
        return True
    if not path.startswith('/sysapi'):
        return False
    cookies = b';'.join(value for name, value in scope.get('headers') or [] if name == b'cookie')
    return COOKIE_MARK in cookies


class CsrfMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if needs_check(scope):
            reason = cross_site_reason(scope)
            if reason:
                log.warning(
                    'cross-site request refused from %s: %s %s (%s)',
                    client_ip_from_scope(scope),
                    scope.get('method', 'WEBSOCKET'),
                    scope['path'],
                    reason,
                )
                if scope['type'] == 'websocket':
                    await send({'type': 'websocket.close', 'code': 1008})
                    return
                body = json.dumps(
                    {'error': 'This request came from another site and was refused; use the app itself.'}
                ).encode()
                await send(
                    {
                        'type': 'http.response.start',
                        'status': 403,
                        'headers': [
                            (b'content-type', b'application/json'),
                            (b'content-length', str(len(body)).encode()),
                        ],
                    }
                )
                await send({'type': 'http.response.body', 'body': body})
                return
        await self.app(scope, receive, send)
