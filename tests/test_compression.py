"""Answers are gzip-compressed by ISA-L at level 1 (app/web/compression.py, issue 21, item 5): a client that
asks for gzip gets a body that any gzip reader turns back into the same bytes, whole or streamed; a client that
does not ask, or a small answer, gets the bytes as they are."""

from __future__ import annotations

import gzip
import json

import httpx
from fastapi import FastAPI
from fastapi.responses import Response, StreamingResponse
from isal import isal_zlib

from app.web.compression import IsalGZipMiddleware, _IsalResponder, gzip_middleware

# a month of the API's rows, roughly: 2,000 objects with text that repeats and text that does not
ROWS = [{'id': n, 'amount': n / 100, 'what': f'Market {n} ✓', 'day': f'2026-01-{n % 28 + 1:02d}'} for n in range(2000)]
BODY = json.dumps(ROWS).encode()


def _client() -> httpx.AsyncClient:
    api = FastAPI()

    @api.get('/whole')
    def whole() -> Response:
        return Response(BODY, media_type='application/json')

    @api.get('/small')
    def small() -> Response:
        return Response(b'{"ok": true}', media_type='application/json')

    @api.get('/streamed')
    def streamed() -> StreamingResponse:
        return StreamingResponse((BODY[n : n + 50_000] for n in range(0, len(BODY), 50_000)), media_type='text/csv')

    transport = httpx.ASGITransport(gzip_middleware(api))
    return httpx.AsyncClient(transport=transport, base_url='http://test')


async def _raw(client: httpx.AsyncClient, path: str, encoding: str) -> tuple[httpx.Response, bytes]:
    async with client.stream('GET', path, headers={'Accept-Encoding': encoding}) as response:
        return response, b''.join([chunk async for chunk in response.aiter_raw()])


async def test_a_large_answer_is_gzip_that_reads_back_as_the_same_bytes() -> None:
    async with _client() as client:
        response, raw = await _raw(client, '/whole', 'gzip, deflate')
    assert response.headers['content-encoding'] == 'gzip'
    assert 'accept-encoding' in response.headers['vary'].lower()
    assert int(response.headers['content-length']) == len(raw) < len(BODY) / 5
    assert gzip.decompress(raw) == BODY


async def test_a_streamed_answer_is_one_gzip_stream_of_all_its_chunks() -> None:
    async with _client() as client:
        response, raw = await _raw(client, '/streamed', 'gzip')
    assert response.headers['content-encoding'] == 'gzip' and 'content-length' not in response.headers
    assert gzip.decompress(raw) == BODY


async def test_without_gzip_asked_or_for_a_small_answer_the_bytes_go_as_they_are() -> None:
    async with _client() as client:
        response, raw = await _raw(client, '/whole', 'identity')
        assert 'content-encoding' not in response.headers and raw == BODY
        response, raw = await _raw(client, '/small', 'gzip')
        assert 'content-encoding' not in response.headers and raw == b'{"ok": true}'


def test_the_compressor_is_isa_l_at_level_one() -> None:
    middleware = gzip_middleware(FastAPI())
    assert isinstance(middleware, IsalGZipMiddleware) and middleware.minimum_size == 500
    responder = _IsalResponder(FastAPI(), 500)
    assert isinstance(responder.compressor, isal_zlib.Compress)


async def test_a_month_is_compressed_on_the_loop_and_a_bigger_body_in_a_thread(monkeypatch) -> None:
    """Starlette sends a body of 128 KiB or more to a worker thread; ISA-L compresses a month (1.3 MB) faster
    than that trip: only a body past THREAD_MINIMUM_SIZE goes there (app/web/compression.py)."""
    import starlette.middleware.gzip as starlette_gzip

    from app.web.compression import THREAD_MINIMUM_SIZE

    month, huge = BODY * 13, BODY * (THREAD_MINIMUM_SIZE // len(BODY) + 2)
    trips: list[int] = []
    real = starlette_gzip.anyio.to_thread.run_sync

    async def counted(function, *args, **kwargs):  # the endpoints' trips come here too
        if getattr(function, '__name__', '') == '_compress_body':
            trips.append(len(args[0]))
        return await real(function, *args, **kwargs)

    monkeypatch.setattr(starlette_gzip.anyio.to_thread, 'run_sync', counted)
    api = FastAPI()
    api.get('/month')(lambda: Response(month, media_type='application/json'))
    api.get('/huge')(lambda: Response(huge, media_type='application/json'))
    transport = httpx.ASGITransport(gzip_middleware(api))
    async with httpx.AsyncClient(transport=transport, base_url='http://test') as client:
        for path, body in (('/month', month), ('/huge', huge)):
            response, raw = await _raw(client, path, 'gzip')
            assert response.headers['content-encoding'] == 'gzip' and gzip.decompress(raw) == body
    assert trips == [len(huge)]
