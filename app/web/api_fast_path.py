"""/sysapi requests pass NiceGUI's own middlewares by (issue 21, item 5).

NiceGUI adds four middlewares for its pages: a signed `session` cookie (Starlette's SessionMiddleware), the
request tracking that creates a page user's storage for every new session, the `Location` prefix of its
redirects, and the cache headers of its assets. Three of them are `BaseHTTPMiddleware`s, each running the
rest of the stack in a task of its own, which cost an API call about a millisecond apiece (bench/peers.py,
docs/PERFORMANCE.md). None of them serves /sysapi: the API knows its caller from a token or from our own
session cookie (app/api/deps.py), never from NiceGUI's storage, and it redirects nowhere; an API client that
keeps no cookie even got a new page-user storage per call. So each of the four is wrapped in `PassApi`, which
hands an HTTP request under /sysapi straight to the next middleware; everything else (pages, assets,
websockets) goes through them as before. Our own middlewares (app/web: client address, request log, GeoIP,
rate limit, CSRF, headers, session renewal, body limit) and the compression run for every request as before.
"""

from __future__ import annotations

from typing import Any

from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

API_PREFIX = '/sysapi/'


def _nicegui_page_middlewares() -> tuple[type, ...]:
    from nicegui.middlewares import RedirectWithPrefixMiddleware, SetCacheControlMiddleware
    from nicegui.storage import RequestTrackingMiddleware

    return (SessionMiddleware, RequestTrackingMiddleware, RedirectWithPrefixMiddleware, SetCacheControlMiddleware)


class PassApi:
    """Pure ASGI: a page middleware that /sysapi's HTTP requests go around (to the next one, `app`)."""

    def __init__(self, app: ASGIApp, middleware: type, *args: Any, **kwargs: Any) -> None:
        self.app = app
        self.wrapped = middleware(app, *args, **kwargs)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] == 'http' and scope['path'].startswith(API_PREFIX):
            await self.app(scope, receive, send)
        else:
            await self.wrapped(scope, receive, send)


def around_page_middlewares(app: Any) -> None:
    """Wraps NiceGUI's page middlewares when the stack is built (at the first request or lifespan event,
    after `ui.run` has added its own): call once, before `ui.run`."""
    build = app.build_middleware_stack
    page_only = _nicegui_page_middlewares()

    def build_with_pass() -> ASGIApp:
        app.user_middleware = [
            Middleware(PassApi, item.cls, *item.args, **item.kwargs) if item.cls in page_only else item
            for item in app.user_middleware
        ]
        return build()

    app.build_middleware_stack = build_with_pass
