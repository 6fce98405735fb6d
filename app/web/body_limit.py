"""Request body limits, as pure ASGI middleware: a body is refused before it can fill the memory.

Every HTTP request (the /sysapi JSON and form bodies, the login form, any future POST route) may carry
at most `DEFAULT_LIMIT` bytes of body, which is far more than any form or API call of the product needs.

- A `Content-Length` over the limit is answered 413 at once, before a byte of the body is read.
- A body without `Content-Length` (chunked) is counted as it arrives; the first chunk past the limit
  stops the reading: the application sees the request fail, and the client gets 413 whatever the
  application would have answered. The connection is closed rather than drained.

Nothing is buffered here: the server holds at most one chunk of a body at a time, so a 300 MB upload
costs no more memory than a small one (uvicorn pauses the socket while a chunk waits to be read).

Routes that need more (import files, receipts) register their own limit with `allow_larger_body`; they
must then stream their body to disk as it arrives (`request.stream()`), never `await request.body()`.
NiceGUI's websocket and long-polling traffic never reaches this middleware (Socket.IO has its own
`max_http_buffer_size`).
"""

from __future__ import annotations

import logging

from app import i18n
from app.i18n import Message
from app.web.json_error import json_error

log = logging.getLogger('whatispend.body_limit')

DEFAULT_LIMIT = 128 * 1024
_LARGER: dict[str, int] = {}


class BodyTooLarge(Exception):
    """Raised from `receive` once a body passes its limit, so that the application stops reading it."""

    def __init__(self, limit: int) -> None:
        super().__init__(f'request body over {limit} bytes')
        self.limit = limit


def allow_larger_body(path: str, limit: int) -> None:
    """Give `path` (exact, or every path under it when it ends with '/') its own body limit.

    For routes that stream what they receive to disk with a limit of their own (imports, receipts). Two
    features may register the same path (NiceGUI's upload route serves every page's uploads): the larger
    limit holds, whatever the order they register in."""
    if limit <= 0:
        raise ValueError('a body limit is a positive number of bytes')
    _LARGER[path] = max(limit, _LARGER.get(path, 0))


def forget_larger_body(path: str) -> None:
    """Drop the limit `allow_larger_body` gave `path` (a page's upload address, once the page is gone)."""
    _LARGER.pop(path, None)


def limit_for(path: str, default: int = DEFAULT_LIMIT) -> int:
    """The body limit of `path`: the longest registered path that covers it, or `default`."""
    best, best_length = default, -1
    for prefix, limit in _LARGER.items():
        covers = path == prefix or (prefix.endswith('/') and path.startswith(prefix))
        if covers and len(prefix) > best_length:
            best, best_length = limit, len(prefix)
    return best


def describe_size(size: int) -> Message:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return Message('{n} MiB', n=size // (1024 * 1024))
    if size >= 1024 and size % 1024 == 0:
        return Message('{n} KiB', n=size // 1024)
    return Message('{n} bytes', n=size)


def scope_language(scope) -> str:
    """The language of a refusal sent before any route runs (nobody is known yet): Accept-Language's."""
    for name, value in scope.get('headers') or []:
        if name == b'accept-language':
            return i18n.from_accept_language(value.decode('latin-1'))
    return i18n.DEFAULT


def declared_length(scope) -> int | None:
    """The Content-Length the client announced, or None (chunked, or a header we cannot read)."""
    for name, value in scope.get('headers') or []:
        if name == b'content-length':
            text = value.decode('latin-1').strip()
            return int(text) if text.isascii() and text.isdigit() else None
    return None


def too_large(limit: int, language: str = i18n.DEFAULT) -> tuple[dict, bytes]:
    message = Message(
        'The request body is larger than {size} ({limit} bytes), the most this address accepts; send a smaller body.',
        size=describe_size(limit),
        limit=limit,
    )
    # the rest of the body is not read: this connection is done
    return json_error(
        413, message.render(language), (b'content-language', language.encode()), (b'connection', b'close')
    )


class BodyLimitMiddleware:
    def __init__(self, app, limit: int = DEFAULT_LIMIT) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope['path'], self.limit)
        declared = declared_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(scope, send, limit, f'Content-Length {declared}')
            return
        received = 0
        exceeded = False
        started = False

        async def limited_receive():
            nonlocal received, exceeded
            if exceeded:  # the application caught the first refusal and asks again: still no
                raise BodyTooLarge(limit)
            message = await receive()
            if message['type'] == 'http.request':
                received += len(message.get('body', b''))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge(limit)
            return message

        async def guarded_send(message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # whatever the application makes of the failed read, the client gets the 413
            if message['type'] == 'http.response.start':
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLarge:
            if started:
                raise
        if exceeded and not started:
            await self._refuse(scope, send, limit, f'over {received} bytes')

    async def _refuse(self, scope, send, limit: int, what: str) -> None:
        log.info('refused %s %s: body %s, limit %s bytes', scope['method'], scope['path'], what, limit)
        start, body = too_large(limit, scope_language(scope))
        await send(start)
        await send({'type': 'http.response.body', 'body': body})
