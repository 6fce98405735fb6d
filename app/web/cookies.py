"""The session cookie: HttpOnly, SameSite=Lax, Secure when served over HTTPS (COOKIE_SECURE).

The server slides a session on use (`sessions.touch`); `SessionRenewalMiddleware` re-sends the cookie
each time it does, with the session's new lifetime as Max-Age, so that an active browser is not logged
out SESSION_DURATION hours after logging in while an idle one still is.
"""

from __future__ import annotations

import logging
from datetime import datetime
from http.cookies import SimpleCookie
from typing import Literal

import anyio
from peewee import DatabaseError, InterfaceError
from starlette.requests import Request
from starlette.responses import Response

from app.config import get_settings
from app.models import utcnow
from app.services import sessions
from app.services.sessions import COOKIE_NAME
from app.web.client_ip import is_https

log = logging.getLogger('whatispend.auth')

# NiceGUI's own assets and the websocket's long-polling need no session: no database query for them.
_UNTOUCHED_PREFIXES = ('/_nicegui/', '/static/', '/favicon')
SameSite = Literal['lax', 'strict']


def _secure(request) -> bool:
    mode = get_settings().cookie_secure
    return mode == 'true' or (mode == 'auto' and is_https(request))


def _set_cookie(
    response: Response, request, name: str, value: str, *, max_age: int, samesite: SameSite, path: str
) -> None:
    """Every cookie of ours is HttpOnly, and Secure by the one COOKIE_SECURE rule."""
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, samesite=samesite, secure=_secure(request), path=path
    )


def _clear_cookie(response: Response, request, name: str, *, samesite: SameSite) -> None:
    response.delete_cookie(name, path='/', httponly=True, samesite=samesite, secure=_secure(request))


def set_session_cookie(response: Response, request, token: str, *, expires: datetime | None = None) -> None:
    """Set the cookie; with `expires` (the session's end) its Max-Age is what is left of the session."""
    max_age = get_settings().session_duration * 3600
    if expires is not None:
        max_age = max(0, int((expires - utcnow()).total_seconds()))
    _set_cookie(response, request, COOKIE_NAME, token, max_age=max_age, samesite='lax', path='/')


def clear_session_cookie(response: Response, request) -> None:
    _clear_cookie(response, request, COOKIE_NAME, samesite='lax')


def session_token(request) -> str | None:
    return request.cookies.get(COOKIE_NAME)


def _cookie_token(scope) -> str | None:
    for name, value in scope.get('headers', []):
        if name == b'cookie':
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode('latin-1'))
            except Exception:  # a malformed Cookie header: no session, as Starlette would see it
                return None
            if COOKIE_NAME in jar:
                return jar[COOKIE_NAME].value
    return None


class SessionRenewalMiddleware:
    """Pure ASGI: before the app runs, extend the request's session if it is due (once a minute), and add
    the renewed cookie to the answer, unless the answer sets or clears the cookie itself (login, logout)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope['type'] != 'http' or scope['path'].startswith(_UNTOUCHED_PREFIXES):
            await self.app(scope, receive, send)
            return
        token = _cookie_token(scope)
        try:
            expires = await anyio.to_thread.run_sync(sessions.touch, token) if token else None
        except (DatabaseError, InterfaceError) as exc:  # e.g. closed for a restore: the request decides
            log.warning('session not renewed: the database is not available (%s)', exc)
            expires = None
        if expires is None or not token:
            await self.app(scope, receive, send)
            return
        carrier = Response()
        set_session_cookie(carrier, Request(scope), token, expires=expires)
        renewal = [(name, value) for name, value in carrier.raw_headers if name == b'set-cookie']
        prefix = COOKIE_NAME.encode() + b'='

        async def send_with_cookie(message) -> None:
            if message['type'] == 'http.response.start':
                headers = list(message.get('headers', []))
                if not any(name.lower() == b'set-cookie' and value.startswith(prefix) for name, value in headers):
                    message['headers'] = headers + renewal
            await send(message)

        await self.app(scope, receive, send_with_cookie)


# The device cookie (app/services/login.py) is only ever needed by the login form's POSTs, so it is sent
# to /auth only; the pending-login cookie lives as long as the code step may take.
AUTH_PATH = '/auth'
PENDING_COOKIE = 'wis_pending'


def set_device_cookie(response: Response, request, value: str) -> None:
    from app.services.login import DEVICE_COOKIE, DEVICE_DAYS

    _set_cookie(response, request, DEVICE_COOKIE, value, max_age=DEVICE_DAYS * 86400, samesite='strict', path=AUTH_PATH)


def device_cookie(request) -> str | None:
    from app.services.login import DEVICE_COOKIE

    return request.cookies.get(DEVICE_COOKIE)


def set_pending_cookie(response: Response, request, value: str) -> None:
    from app.services.login import PENDING_SECONDS

    _set_cookie(response, request, PENDING_COOKIE, value, max_age=PENDING_SECONDS, samesite='strict', path='/')


def clear_pending_cookie(response: Response, request) -> None:
    _clear_cookie(response, request, PENDING_COOKIE, samesite='strict')


def pending_token(request) -> str | None:
    return request.cookies.get(PENDING_COOKIE)
