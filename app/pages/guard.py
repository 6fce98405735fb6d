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

The same dispatch point gives every event its page's language. The language of a page is decided once,
when it is built (`start_page`: the user's setting, else the browser's Accept-Language; login and setup:
Accept-Language), and kept per client. The build runs in it (and so do the tasks it starts: timers,
background tasks), and every event of the page runs in it: element events run in the socket's task,
which knows nothing of the page. Worker threads (`run.io_bound`) do not get it and need not: services
raise lazy Messages that `call_service` renders back in the page's task.
"""

from __future__ import annotations

import copy
import functools
import inspect
import logging
import time
import weakref
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import Client, events, run, ui

from app import i18n
from app.i18n import _
from app.models import User
from app.pages.theme import QUASAR_LANGUAGE
from app.services import sessions, setup, two_factor
from app.web.cookies import session_token

Builder = Callable[[User], Awaitable[None] | None]
VIEWPORT = 'width=device-width, initial-scale=1, interactive-widget=resizes-content'
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
_KEEP_ALIVE = (
    "fetch((window.path_prefix || '') + '/auth/alive', {credentials: 'same-origin', cache: 'no-store'}).catch(() => {})"
)

_PAGES: weakref.WeakKeyDictionary[Client, _PageSession] = weakref.WeakKeyDictionary()
# The language each page was built in (every page, login and setup included), for its events.
_LANGUAGE: weakref.WeakKeyDictionary[Client, str] = weakref.WeakKeyDictionary()
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


def start_page(language: str | None) -> str:
    """Call first in a page builder: this page (its build, its events, its timers) speaks `language`.

    Also sets Quasar's language pack and `<html lang>`: NiceGUI reads them from the client's page object
    when it writes the HTML, after the build, so each client gets its own copy of that object (this relies
    on NiceGUI internals; tests/test_i18n_pages.py pins it)."""
    code = i18n.supported(language)
    client = ui.context.client
    _LANGUAGE[client] = code
    i18n.set_language(code)
    client.page = copy.copy(client.page)
    client.page.language = QUASAR_LANGUAGE.get(code, 'en-US')
    return code


def language_of(client: Client) -> str:
    """The language `client` (a page) was built in."""
    return _LANGUAGE.get(client, i18n.DEFAULT)


def request_language(request: Request, user: User | None = None) -> str:
    """The user's language setting; when automatic ('') or nobody is logged in, the browser's."""
    if user is not None and user.language:
        return i18n.supported(user.language)
    return i18n.from_accept_language(request.headers.get('accept-language'))


def page_title(title: str) -> None:
    """The browser tab's title: `title` is an msgid (marked N_ where it is written)."""
    ui.page_title(_('{page} · What I Spend', page=_(title)))


def _checked_dispatch(handler: Any, arguments: Any, *args: Any, **kwargs: Any) -> None:
    """Every event of a page: in the page's language; on a guarded page, only while its session is live."""
    client = _client_of(arguments)
    if client is not None and not session_alive(client):
        _to_login(client)
        return
    page = _PAGES.get(client) if client is not None else None
    stale = page is not None and time.monotonic() - page.renewed > KEEP_ALIVE_SECONDS
    if client is not None and page is not None and stale and client.has_socket_connection:
        page.renewed = time.monotonic()
        client.run_javascript(_KEEP_ALIVE)
    language = _LANGUAGE.get(client) if client is not None else None
    with i18n.use_language(language) if language is not None else nullcontext():
        _dispatch(handler, arguments, *args, **kwargs)


_checked_dispatch.unchecked = _dispatch  # type: ignore[attr-defined]
events.handle_event = _checked_dispatch


async def current_user(request: Request) -> User | None:
    return await run.io_bound(sessions.user_for_token, session_token(request))


def _login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f'?{request.url.query}' if request.url.query else '')
    return RedirectResponse(f'/login?next={quote(target)}', status_code=303)


def app_page(path: str, title: str) -> Callable[[Builder], Builder]:
    """`title` is an msgid, marked `N_('Expenses')` where it is written; shown in the page's language."""

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
            start_page(request_language(request, user))
            page_title(title)
            with frame(user, _(title)):
                params = {name: request.query_params[name] for name in query_names if name in request.query_params}
                result = build(user, **params)
                if inspect.isawaitable(result):
                    client = ui.context.client
                    try:
                        await result
                    except RuntimeError:
                        if not client.is_deleted:
                            raise
                        # the visitor left while the page was still being built (a slow answer, a quick
                        # click elsewhere): its elements are gone, and nobody is there to see an error
                        log.info('page %s left before it was built', path)
            return None

        handler.__name__ = build.__name__
        handler.__module__ = build.__module__
        # the English fallback title (page_title replaces it); on phones the keyboard shrinks the layout, so the
        # expense dialog's sticky Save stays above it
        ui.page(path, title=f'{title} · What I Spend', viewport=VIEWPORT)(handler)
        return build

    return register


def public_page(path: str, title: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A page anyone may open (login, setup), in the browser's language, or `?lang=fr` when it asks.

    `build` takes `request: Request` and its query parameters, as with `ui.page`; `title` is an msgid."""

    def register(build: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(build)  # NiceGUI reads the parameters (request, query) from build's signature
        async def handler(*args: Any, **kwargs: Any) -> Any:
            request = kwargs.get('request')
            asked = request.query_params.get('lang', '') if request is not None else ''
            if asked in i18n.LANGUAGES:
                start_page(asked)
            else:
                start_page(i18n.from_accept_language(request.headers.get('accept-language') if request else None))
            page_title(title)
            result = build(*args, **kwargs)
            return await result if inspect.isawaitable(result) else result

        ui.page(path, title=f'{title} · What I Spend')(handler)
        return build

    return register
