"""Login and logout for the pages: a plain HTML form POST, so that it works with password managers,
the Enter key and no JavaScript, and so that the session cookie is set HttpOnly by the server."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel

from app.api.errors import error_response, request_language
from app.i18n import Message
from app.services import login as login_service
from app.services import sessions, two_factor
from app.services.errors import ServiceError
from app.services.login import LoginStep
from app.web.client_ip import client_ip
from app.web.cookies import (
    clear_pending_cookie,
    clear_session_cookie,
    device_cookie,
    pending_token,
    session_token,
    set_device_cookie,
    set_pending_cookie,
    set_session_cookie,
)
from app.web.redirects import safe_next

router = APIRouter(prefix='/auth', include_in_schema=False)


SETUP_TWO_FACTOR = two_factor.SETUP_PAGE


def _logged_in(request: Request, step: LoginStep, target: str) -> RedirectResponse:
    """The session the login opened (the browser's previous one ended in the login service)."""
    response = RedirectResponse(SETUP_TWO_FACTOR if step.setup_two_factor else target, status_code=303)
    if step.session:
        set_session_cookie(response, request, step.session)
    if step.device:
        set_device_cookie(response, request, step.device)
    clear_pending_cookie(response, request)
    return response


def _client(request: Request) -> login_service.Client:
    """The browser's side of a login: its address and agent, its device cookie and the session it had."""
    return {
        'ip': client_ip(request),
        'user_agent': request.headers.get('user-agent', ''),
        'device_cookie': device_cookie(request),
        'previous_session': session_token(request),
    }


def _refused(exc: ServiceError, target: str, username: str = '', step: str = '') -> RedirectResponse:
    code = 'throttled' if exc.status == 429 else ('code' if step else 'credentials')
    url = f'/login?error={code}&next={quote(target)}'
    url += '&step=code' if step else f'&username={quote(username[:64])}'
    return RedirectResponse(url, status_code=303)


@router.post('/login')
def browser_login(request: Request, username: str = Form(''), password: str = Form(''), next: str = Form('/')):
    target = safe_next(next)
    try:
        step = login_service.begin_login(username[:200], password[:2000], **_client(request))
    except ServiceError as exc:
        return _refused(exc, target, username)
    if step.pending:  # the account uses two-factor login: the code form comes next
        response = RedirectResponse(f'/login?step=code&next={quote(target)}', status_code=303)
        set_pending_cookie(response, request, step.pending)
        return response
    return _logged_in(request, step, target)


@router.post('/login/code')
def browser_login_code(request: Request, code: str = Form(''), next: str = Form('/')):
    """The second step: the pending-login cookie set by the password step, and the code typed."""
    target = safe_next(next)
    try:
        step = login_service.finish_login(pending_token(request) or '', code[:64], **_client(request))
    except ServiceError as exc:
        if exc.message == login_service.PENDING_EXPIRED:
            response = RedirectResponse(f'/login?error=expired&next={quote(target)}', status_code=303)
            clear_pending_cookie(response, request)
            return response
        return _refused(exc, target, step='code')
    return _logged_in(request, step, target)


@router.post('/logout')
def browser_logout(request: Request):
    login_service.logout(session_token(request), ip=client_ip(request))
    response = RedirectResponse('/login', status_code=303)
    # the offline capture page's queue and cached lists (IndexedDB) and the service worker's cache go too
    response.headers['Clear-Site-Data'] = '"cache", "storage"'
    clear_session_cookie(response, request)
    return response


class AdoptBody(BaseModel):
    token: str


@router.post('/adopt')
def adopt_session(request: Request, body: AdoptBody):
    """Turn a session created inside a page (the setup wizard) into the HttpOnly cookie."""
    if sessions.user_for_token(body.token) is None:
        return error_response(
            401,
            Message('This session is unknown or expired; log in again.'),
            language=request_language(request),
        )
    response = JSONResponse({'success': True})
    set_session_cookie(response, request, body.token)
    return response


@router.get('/alive')
def session_alive(request: Request):
    """Called by an open page now and then while it is used (app/pages/guard.py): using a page only
    over the websocket makes no HTTP request, so without this call the cookie would not be renewed. The
    renewal itself is SessionRenewalMiddleware's; the answer only says whether the session is live."""
    return JSONResponse({'authenticated': sessions.expires_at(session_token(request)) is not None})
