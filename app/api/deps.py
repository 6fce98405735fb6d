"""Who is calling /sysapi.

Two ways in: the installation's API_KEY (as ?key=, as the reference has it) together with a session
cookie from /sysapi/login, or a personal API token (Authorization: Bearer, X-API-Key or ?key=) which
identifies its user without any cookie.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from app.i18n import Message
from app.models import User
from app.services import sessions, tokens
from app.services.errors import Forbidden, Unauthorized
from app.web.cookies import session_token

CAPTURE_HEADER = 'x-whatispend-capture'


@dataclass
class Caller:
    user: User | None
    via_token: bool


def presented_key(request: Request) -> str | None:
    auth = request.headers.get('authorization', '')
    if auth[:7].lower() == 'bearer ':
        return auth[7:].strip()
    return request.headers.get('x-api-key') or request.query_params.get('key')


def remember_language(request: Request, user: User | None) -> None:
    """The language the API answers this request in (errors, XLSX headers): the user's setting when set,
    else Accept-Language (read by `errors.request_language`). Kept on the request, not in the context
    variable: sync dependencies and routes run in worker threads."""
    language = getattr(user, 'language', '') if user is not None else ''
    if language:
        request.state.language = language


def from_capture_page(request: Request) -> bool:
    """The offline capture page (/capture) sends its waiting expenses with the browser's session alone: it
    cannot hold the installation's key (a secret of administrators). It says so with a header that another
    site's page cannot send without a CORS preflight, which this server never grants, and the browser confirms
    the request is same-origin (the CSRF middleware refuses a cross-site one with the cookie anyway)."""
    site = request.headers.get('sec-fetch-site', 'same-origin').lower()
    return request.headers.get(CAPTURE_HEADER) == '1' and site == 'same-origin'


def _session_caller(request: Request) -> Caller:
    caller = Caller(sessions.user_for_token(session_token(request)), via_token=False)
    remember_language(request, caller.user)
    return caller


async def api_caller(request: Request) -> Caller:
    """Checks the key; the user is known when a token was given or a session cookie came along.

    A personal token, what every API client sends, is looked up on the event loop: one prepared read
    (app/prepared.py, ~0.1 ms), where a trip through the worker threads cost an API call more than that on a
    loaded machine (bench/peers.py). The rare write (the token's last use, once a minute) and the session
    paths, which may renew the session, go to a worker thread."""
    key = presented_key(request)
    if (not key and from_capture_page(request)) or tokens.is_installation_key(key):
        return await run_in_threadpool(_session_caller, request)
    found = tokens.find_api_token(key)
    if found is not None:
        if found.stale:
            await run_in_threadpool(tokens.touch, found.token_id)
        remember_language(request, found.user)
        return Caller(found.user, via_token=True)
    if not key:
        raise Unauthorized(
            Message('An API key is required: add ?key=YOUR_API_KEY (see config.env) or send a personal token.')
        )
    raise Unauthorized(
        Message('The API key is wrong; check API_KEY in config.env or create a new personal token in Settings.')
    )


async def api_user(caller: Caller = Depends(api_caller)) -> User:
    """The calling user; 401 when the key is right but nobody is logged in. `async`: it reads nothing, and a
    plain `def` would cost every call one more trip through the worker threads (bench/peers.py)."""
    if caller.user is None:
        raise Unauthorized(
            Message('Not logged in: POST /sysapi/login with username and password first, and keep the cookie.')
        )
    return caller.user


async def api_admin(user: User = Depends(api_user)) -> User:
    if not user.is_admin:
        raise Forbidden(Message('Only an administrator may do this.'))
    return user
