"""The session cookie: HttpOnly, SameSite=Lax, Secure when served over HTTPS (COOKIE_SECURE)."""

from __future__ import annotations

from starlette.responses import Response

from app.config import get_settings
from app.services.sessions import COOKIE_NAME
from app.web.client_ip import is_https


def _secure(request) -> bool:
    mode = get_settings().cookie_secure
    return mode == 'true' or (mode == 'auto' and is_https(request))


def set_session_cookie(response: Response, request, token: str) -> None:
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=get_settings().session_duration * 3600,
        httponly=True,
        samesite='lax',
        secure=_secure(request),
        path='/',
    )


def clear_session_cookie(response: Response, request) -> None:
    response.delete_cookie(COOKIE_NAME, path='/', httponly=True, samesite='lax', secure=_secure(request))


def session_token(request) -> str | None:
    return request.cookies.get(COOKIE_NAME)


# The device cookie (app/services/login.py) is only ever needed by the login form's POSTs, so it is sent
# to /auth only; the pending-login cookie lives as long as the code step may take.
AUTH_PATH = '/auth'
PENDING_COOKIE = 'wis_pending'


def set_device_cookie(response: Response, request, value: str) -> None:
    from app.services.login import DEVICE_COOKIE, DEVICE_DAYS

    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        samesite='strict',
        secure=_secure(request),
        path=AUTH_PATH,
    )


def device_cookie(request) -> str | None:
    from app.services.login import DEVICE_COOKIE

    return request.cookies.get(DEVICE_COOKIE)


def set_pending_cookie(response: Response, request, value: str) -> None:
    from app.services.login import PENDING_SECONDS

    response.set_cookie(
        PENDING_COOKIE,
        value,
        max_age=PENDING_SECONDS,
        httponly=True,
        samesite='strict',
        secure=_secure(request),
        path='/',
    )


def clear_pending_cookie(response: Response, request) -> None:
    response.delete_cookie(PENDING_COOKIE, path=AUTH_PATH, httponly=True, samesite='strict', secure=_secure(request))


def pending_token(request) -> str | None:
    return request.cookies.get(PENDING_COOKIE)
