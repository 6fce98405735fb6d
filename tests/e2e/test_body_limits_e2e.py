"""Item 4 of issue 13 against the real server: a huge body costs the server no memory.

A 300 MB body streamed in chunks (no Content-Length) with a valid token used to be read whole before
its size was checked, taking the server from 138 MB to 715 MB. Now the body limit stops reading at the
first chunk past the limit and answers 413; a Content-Length over the limit is refused before a byte of
the body is sent.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import httpx
import psutil
import pytest

from app.config import load, use_settings
from app.db import close_database, open_database
from app.migrations import run_migrations
from app.web.body_limit import DEFAULT_LIMIT
from tests.e2e.harness import make_server

MB = 1024 * 1024
HUGE = 300 * MB
MAX_GROWTH = 20 * MB


def seed_token(env: dict[str, str]) -> str:
    """A user and its personal API token, written before the server starts."""
    from app.services import tokens, users

    settings = load(environ=env)
    use_settings(settings)
    open_database(settings.database_url)
    run_migrations()
    try:
        owner = users.create_user('alice', 'alice password 1')
        return tokens.create_token(owner, 'body limit test')[1]
    finally:
        close_database()
        use_settings(None)


@pytest.fixture(scope='module')
def live(tmp_path_factory):
    server = make_server(tmp_path_factory.mktemp('bodies'), RATE_LIMIT='1000')
    token = seed_token(server.env)
    server.start()
    yield server, {'Authorization': f'Bearer {token}'}
    server.stop()


class PeakMemory:
    """The highest resident memory of a process while a block runs, sampled every 20 ms."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.baseline = self.peak = self.process.memory_info().rss
        self.done = threading.Event()

    def _sample(self) -> None:
        while not self.done.wait(0.02):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> PeakMemory:
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        self.thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)

    @property
    def growth(self) -> int:
        return self.peak - self.baseline


def huge_json(total: int = HUGE, chunk: int = MB) -> Iterator[bytes]:
    """A JSON body whose description never ends: `{"description": "xxxx...`, `total` bytes in all."""
    yield b'{"amount": "12.50", "description": "'
    sent = 0
    block = b'x' * chunk
    while sent < total:
        yield block
        sent += chunk
    yield b'"}'


def warm_up(server, auth) -> None:
    """Every module the refusal path needs is imported before the memory is measured."""
    for _ in range(3):
        httpx.post(server.api('expense_create'), json={'amount': '1'}, headers=auth, timeout=30)
        httpx.post(server.api('expense_create'), content=huge_json(2 * DEFAULT_LIMIT, 4096), headers=auth, timeout=30)


def test_a_streamed_300_mb_body_is_refused_without_growing_the_server(live) -> None:
    server, auth = live
    warm_up(server, auth)
    headers = {**auth, 'content-type': 'application/json'}
    with PeakMemory(server.process.pid) as memory:
        response = httpx.post(server.api('expense_create'), content=huge_json(), headers=headers, timeout=120)
    assert memory.growth < MAX_GROWTH, f'the server grew by {memory.growth / MB:.1f} MB'
    assert response.status_code == 413, response.text
    assert f'{DEFAULT_LIMIT} bytes' in response.json()['error']
    # the server is still fine, and a normal request on a new connection works
    assert httpx.get(server.api('session'), headers=auth, timeout=30).json()['authenticated']


def test_a_large_content_length_is_refused_before_the_body_is_sent(live) -> None:
    server, auth = live
    request = (
        f'POST /sysapi/expense_create HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n'
        f'Authorization: {auth["Authorization"]}\r\nContent-Type: application/json\r\n'
        f'Content-Length: {HUGE}\r\n\r\n'
    ).encode()
    with socket.create_connection(('127.0.0.1', server.port), timeout=30) as sock:
        sock.sendall(request)  # headers only: not one byte of the announced body
        answer = b''
        while b'\r\n\r\n' not in answer or not answer.rstrip().endswith(b'}'):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b'\r\n\r\n')
    assert head.startswith(b'HTTP/1.1 413'), answer[:200]
    assert b'application/json' in head.lower()
    assert str(DEFAULT_LIMIT).encode() in body


@pytest.mark.parametrize('path', ['expense_create', 'category_create', 'users/link'])
def test_over_the_limit_by_content_length_on_other_routes(live, path) -> None:
    server, auth = live
    response = httpx.post(server.api(path), content=b'x' * (DEFAULT_LIMIT + 1), headers=auth, timeout=30)
    assert response.status_code == 413 and 'send a smaller body' in response.json()['error']


def test_the_login_form_is_limited_too(live) -> None:
    server, _ = live
    body = b'username=alice&password=' + b'x' * (DEFAULT_LIMIT + 1)

    def chunks() -> Iterator[bytes]:
        yield body

    response = httpx.post(
        server.url + '/auth/login',
        content=chunks(),
        headers={'content-type': 'application/x-www-form-urlencoded'},
        timeout=30,
    )
    assert response.status_code == 413
