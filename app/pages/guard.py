"""Page registration with the rules every page shares: the setup wizard first, then a session.

`app_page('/expenses', 'Expenses')(build)` registers a page whose `build(user, ...)` runs inside the
shared frame only for a logged-in user; others go to /setup (no account yet) or /login?next=....
Other parameters of `build` (such as `month: str = ''`) are filled from the query string, as text.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import run, ui

from app.models import User
from app.services import sessions, setup
from app.web.cookies import session_token

Builder = Callable[[User], Awaitable[None] | None]


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
            from app.pages.frame import frame

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
