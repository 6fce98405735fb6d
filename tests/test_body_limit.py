"""The body limit middleware on its own (pure ASGI): what it reads, what it answers, the per-route hook."""

from __future__ import annotations

import asyncio
import json

import pytest

from app.web import body_limit
from app.web.body_limit import BodyLimitMiddleware, BodyTooLarge, allow_larger_body, limit_for


def scope(path: str = '/sysapi/expense_create', length: int | None = None) -> dict:
    headers = [(b'content-type', b'application/json')]
    if length is not None:
        headers.append((b'content-length', str(length).encode()))
    return {'type': 'http', 'method': 'POST', 'path': path, 'headers': headers}


class Client:
    """Feeds `chunks` to the application one receive() at a time and records what it answers."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = list(chunks)
        self.read = 0
        self.sent: list[dict] = []

    async def receive(self) -> dict:
        if not self.chunks:
            return {'type': 'http.disconnect'}
        chunk = self.chunks.pop(0)
        self.read += len(chunk)
        return {'type': 'http.request', 'body': chunk, 'more_body': bool(self.chunks)}

    async def send(self, message: dict) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int:
        return self.sent[0]['status']

    @property
    def body(self) -> dict:
        return json.loads(b''.join(m.get('body', b'') for m in self.sent[1:]))


async def reading_app(scope, receive, send) -> None:
    """Reads the whole body, as `await request.body()` does, then answers 200 with its size."""
    size, more = 0, True
    while more:
        message = await receive()
        size += len(message.get('body', b''))
        more = message.get('more_body', False)
    await send({'type': 'http.response.start', 'status': 200, 'headers': []})
    await send({'type': 'http.response.body', 'body': json.dumps({'size': size}).encode()})


async def forgiving_app(scope, receive, send) -> None:
    """Catches every error while reading (as a form parser does) and answers 400 instead."""
    try:
        while (await receive()).get('more_body'):
            pass
    except Exception:  # noqa: BLE001 - the point of this application
        await send({'type': 'http.response.start', 'status': 400, 'headers': []})
        await send({'type': 'http.response.body', 'body': b'{"error": "bad form"}'})


def run(app, client: Client, request: dict, limit: int = 1000) -> None:
    asyncio.run(BodyLimitMiddleware(app, limit=limit)(request, client.receive, client.send))


def test_a_body_within_the_limit_reaches_the_application() -> None:
    client = Client([b'x' * 400, b'x' * 600])
    run(reading_app, client, scope())
    assert client.status == 200 and client.body == {'size': 1000}


def test_a_declared_length_over_the_limit_is_refused_without_reading() -> None:
    client = Client([b'x' * 10])
    run(reading_app, client, scope(length=1001))
    assert client.status == 413 and client.read == 0
    assert '1000 bytes' in client.body['error']
    assert (b'connection', b'close') in client.sent[0]['headers']


def test_a_chunked_body_stops_being_read_at_the_first_chunk_past_the_limit() -> None:
    client = Client([b'x' * 600, b'x' * 600] + [b'x' * 600] * 100)
    run(reading_app, client, scope())
    assert client.status == 413 and client.read == 1200
    assert len(client.chunks) == 100


def test_the_413_replaces_what_an_application_makes_of_the_failed_read() -> None:
    client = Client([b'x' * 2000])
    run(forgiving_app, client, scope())
    assert [m.get('status') for m in client.sent if m['type'] == 'http.response.start'] == [413]


def test_a_lying_content_length_is_still_counted() -> None:
    client = Client([b'x' * 800, b'x' * 800])
    run(reading_app, client, scope(length=10))
    assert client.status == 413


def test_websockets_and_lifespan_pass_untouched() -> None:
    seen = []

    async def app(scope, receive, send) -> None:
        seen.append(scope['type'])

    for kind in ('websocket', 'lifespan'):
        asyncio.run(BodyLimitMiddleware(app)({'type': kind, 'path': '/'}, None, None))
    assert seen == ['websocket', 'lifespan']


def test_a_route_may_take_a_larger_body(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(body_limit, '_LARGER', {})
    allow_larger_body('/sysapi/imports/', 5000)
    allow_larger_body('/sysapi/receipts', 3000)
    assert limit_for('/sysapi/imports/upload', 1000) == 5000
    assert limit_for('/sysapi/receipts', 1000) == 3000
    assert limit_for('/sysapi/receipts_other', 1000) == 1000
    assert limit_for('/sysapi/expense_create', 1000) == 1000
    client = Client([b'x' * 1000] * 4)
    run(reading_app, client, scope('/sysapi/imports/upload'))
    assert client.status == 200 and client.body == {'size': 4000}
    client = Client([b'x' * 1000] * 6)
    run(reading_app, client, scope('/sysapi/imports/upload'))
    assert client.status == 413 and '5000 bytes' in client.body['error']
    with pytest.raises(ValueError):
        allow_larger_body('/x', 0)


def test_the_refusal_is_an_exception_of_its_own() -> None:
    assert not issubclass(BodyTooLarge, (ValueError, OSError))  # no handler of the app mistakes it for its own
