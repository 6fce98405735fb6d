"""The benchmarks' HTTP client: the standard library's `http.client` on one kept-alive connection.

bench/peers.py times requests from the client's side, so the client's own work is in every figure, for both
servers alike. httpx (pure-Python HTTP parsing, its own gzip decoder, many layers) took 1.2–1.6 ms of every
add and 5–7 ms of every listing of the 2,300-expense month on this machine (bench/peers.py's own client
line, docs/PERFORMANCE.md): a constant added to both sides that shrinks every ratio towards 1. This client
sends the same requests (same headers, `Accept-Encoding: gzip` unless told otherwise, gzip answers
decoded) with the least work a client can do in Python, so the figures are the servers'.
"""

from __future__ import annotations

import base64
import http.client
import json
import time
import zlib
from typing import Any
from urllib.parse import urlencode, urlsplit

IDLE_RECONNECT = 1.0  # seconds: a connection left idle longer is opened again rather than found closed


class LeanResponse:
    def __init__(self, status: int, headers: http.client.HTTPMessage, content: bytes) -> None:
        self.status_code = status
        self.headers = headers
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode()

    def json(self) -> Any:
        return json.loads(self.content)

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise RuntimeError(f'HTTP {self.status_code}: {self.text[:300]}')


class LeanClient:
    """`get` and `post` like httpx.Client's, for the few calls the benchmarks make."""

    def __init__(self, base_url: str, headers: dict[str, str] | None = None, timeout: float = 60) -> None:
        address = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(address.hostname or '127.0.0.1', address.port, timeout=timeout)
        self.headers = {'Accept-Encoding': 'gzip', **(headers or {})}
        self.last_used = 0.0

    def get(
        self, path: str, headers: dict[str, str] | None = None, auth: tuple[str, str] | None = None
    ) -> LeanResponse:
        return self.request('GET', path, None, _with_auth(headers, auth))

    def post(
        self,
        path: str,
        *,
        json: Any = None,  # noqa: A002 - httpx's name
        data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> LeanResponse:
        extra = dict(headers or {})
        body: bytes | None = None
        if json is not None:
            body = _json_bytes(json)
            extra['Content-Type'] = 'application/json'
        elif data is not None:
            body = urlencode(data, doseq=True).encode()
            extra['Content-Type'] = 'application/x-www-form-urlencoded'
        return self.request('POST', path, body, _with_auth(extra, auth))

    def request(self, method: str, path: str, body: bytes | None, headers: dict[str, str] | None) -> LeanResponse:
        if time.monotonic() - self.last_used > IDLE_RECONNECT:
            self.connection.close()  # the server may have closed it meanwhile: opened again by request()
        sent = self.headers | (headers or {})
        self.connection.request(method, path, body=body, headers=sent)
        answer = self.connection.getresponse()
        content = answer.read()
        self.last_used = time.monotonic()
        if answer.getheader('Content-Encoding') == 'gzip':
            content = zlib.decompress(content, 16 + zlib.MAX_WBITS)
        return LeanResponse(answer.status, answer.headers, content)

    def close(self) -> None:
        self.connection.close()


def _with_auth(headers: dict[str, str] | None, auth: tuple[str, str] | None) -> dict[str, str] | None:
    if auth is None:
        return headers
    basic = base64.b64encode(f'{auth[0]}:{auth[1]}'.encode()).decode()
    return {**(headers or {}), 'Authorization': f'Basic {basic}'}


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, separators=(',', ':')).encode()
