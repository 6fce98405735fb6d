"""Page registration with the rules every page shares: the setup wizard first, then a session.

`app_page('/expenses', 'Expenses')(build)` registers a page whose `build(user, ...)` runs inside the
shared frame only for a logged-in user; others go to /setup (no account yet) or /login?next=....
Other parameters of `build` (such as `month: str = ''`) are filled from the query string, as text.

An open page holds no rights of its own. Its handlers run over the websocket, long after the HTTP
request that checked the session, so every event of a page registered here is checked first against
the session it was opened with (`sessions.is_live`): once that session ended (logout in another tab,
a password change or reset, account deletion, "log out other sessions", expiry), no handler runs and
the browser is sent to /login. The check sits in NiceGUI's one dispatch point, `events.handle_event`,
which every element listener (and the test `User`) goes through, so no page can forget it.
"""

from __future__ import annotations

import inspect
import logging
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import Client, events, run, ui

from app.models import User
from app.services import sessions, setup, two_factor
from app.web.cookies import session_token

Builder = Callable[[User], Awaitable[None] | None]
log = logging.getLogger('whatispend.auth')


class _PageSession:
    """The session a page was opened with; `ended` once seen dead, so later events cost no query."""

    def __init__(self, token: str | None, user_id: int) -> None:
        self.token = token
        self.user_id = user_id
        self.ended = False
        self.renewed = time.monotonic()  # the page's own HTTP request renewed the cookie


# A page used only over the websocket makes no HTTP request; while it is used, it asks the server for
# /auth/alive this often, which renews the session and re-sends its cookie (app/web/cookies.py).
KEEP_ALIVE_SECONDS = 300
_KEEP_ALIVE = "fetch('/auth/alive', {credentials: 'same-origin', cache: 'no-store'}).catch(() => {})"

_PAGES: weakref.WeakKeyDictionary[Client, _PageSession] = weakref.WeakKeyDictionary()
# NiceGUI's own dispatcher, also when this module is imported again (the test fixture does, per test).
_dispatch = getattr(events.handle_event, 'unchecked', events.handle_event)


def _client_of(arguments: Any) -> Client | None:
    """The page of a user's event (an element event); None for NiceGUI's internal notifications."""
    return arguments.client if isinstance(arguments, events.UiEventArguments) else None


def session_alive(client: Client) -> bool:
    """Whether `client` (a page) may still act: pages not registered here (login, setup) always may."""
    page = _PAGES.get(client)
    if page is None:
        return True
    if not page.ended and not sessions.is_live(page.token, page.user_id):
        page.ended = True
        log.info('event refused on an open page: its session (user id %s) has ended', page.user_id)
    return not page.ended


def _to_login(client: Client) -> None:
    """To /login, back to this page once logged in again."""
    with client:
        ui.navigate.to(f'/login?next={quote(client.page.path)}')


def _checked_dispatch(handler: Any, arguments: Any, *args: Any, **kwargs: Any) -> None:
    """Every event of a guarded page: runs its handler only while the page's session is live."""
    client = _client_of(arguments)
    if client is not None and not session_alive(client):
        _to_login(client)
        return
    page = _PAGES.get(client) if client is not None else None
    stale = page is not None and time.monotonic() - page.renewed > KEEP_ALIVE_SECONDS
    if client is not None and page is not None and stale and client.has_socket_connection:
        page.renewed = time.monotonic()
        client.run_javascript(_KEEP_ALIVE)
    _dispatch(handler, arguments, *args, **kwargs)


_checked_dispatch.unchecked = _dispatch  # type: ignore[attr-defined]
events.handle_event = _checked_dispatch


async def current_user(request: Request) -> User | None:
    return await run.io_bound(sessions.user_for_token, session_token(request))


def _login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f'?{request.url.query}' if request.url.query else '')
    return RedirectResponse(f'/login?next={quote(target)}', status_code=303)


def app_page(path: str, title: str) -> Callable[[Builder], Builder]:
    def register(build: Builder) -> Builder:
        query_names = [name for name in inspect.signature(build).parameters if name != 'user']

        async def handler(request: Request):
            if await run.io_bound(setup.needs_setup):
                return RedirectResponse('/setup', status_code=303)
            user = await current_user(request)
            if user is None:
                return _login_redirect(request)
            if path != '/settings' and await run.io_bound(two_factor.needs_setup, user):
                # an administrator requires two-factor login: until it is set up, only Settings opens
                return RedirectResponse(two_factor.SETUP_PAGE, status_code=303)
            from app.pages.frame import frame

            _PAGES[ui.context.client] = _PageSession(session_token(request), user.id)
            with frame(user, title):
                params = {name: request.query_params[name] for name in query_names if name in request.query_params}
                result = build(user, **params)
                if inspect.isawaitable(result):
                    await result
            return None

        handler.__name__ = build.__name__
        handler.__module__ = build.__module__
        ui.page(path, title=f'{title} · What I Spend')(handler)
        return build

    return register
