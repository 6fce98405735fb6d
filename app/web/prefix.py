"""Serving under a sub-path (https://example.org/spend/): the proxy strips the prefix and says it in
X-Forwarded-Prefix; NiceGUI then writes it into its asset, websocket and navigation addresses and its
redirects, and the few addresses our pages write themselves (the login and logout forms, the installable
app's files) go through `prefixed`.

The header is believed only from a trusted proxy (FORWARDED_ALLOW_IPS), and only in a plain shape
(`/spend`, `/apps/spend`): NiceGUI reflects it into every page, so ClientIpMiddleware drops any other.
"""

from __future__ import annotations

import re

HEADER = b'x-forwarded-prefix'
_SHAPE = re.compile(r'^(?:/[A-Za-z0-9._~-]+)+$')


def acceptable(value: str) -> bool:
    return len(value) <= 200 and bool(_SHAPE.match(value)) and '/..' not in value and '/./' not in value + '/'


def sanitise(scope: dict, trusted: bool) -> None:
    """Drop X-Forwarded-Prefix from the request unless a trusted proxy sent it in a plain shape."""
    headers = scope.get('headers') or []
    if not any(name == HEADER for name, _ in headers):
        return
    kept = [
        (name, value) for name, value in headers if name != HEADER or (trusted and acceptable(value.decode('latin-1')))
    ]
    if len(kept) != len(headers):
        scope['headers'] = kept


def request_prefix(request) -> str:
    """The sub-path the app is served under for this request ('' at the root of its site)."""
    if request is None:
        return ''
    value = request.headers.get('x-forwarded-prefix', '')
    return value if acceptable(value) else ''


def prefixed(request, path: str) -> str:
    """`path` (starting with /) as the browser must ask for it."""
    return request_prefix(request) + path
