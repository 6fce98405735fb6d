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
