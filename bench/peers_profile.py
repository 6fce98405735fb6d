"""Where our server's time goes under bench/peers.py's requests, and the floor beside it (issue 21, item 5).

`profile_server` samples the running server with py-spy (requirements-dev.txt) while the same adds and
month listings run, then sorts every sampled stack into one bucket, the first that matches in this order:
the token look-up, JSON encoding of the answer, request validation, the query (peewee and SQLite), the
service's own Python, FastAPI's routing and dependencies, the middleware stack, and the HTTP server
(uvicorn, httptools, the event loop). `floor` measures what is physically possible on this machine: a bare
SQLite insert+commit with our pragmas, selecting a month of rows and encoding them as JSON, and a bare ASGI
app answering JSON through the same uvicorn on loopback.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

BUCKETS = (
    ('token look-up (auth dependency)', ('user_for_api_token', 'api_caller')),
    ('JSON encoding of the answer', ('serialize_response', 'jsonable_encoder', 'render (', 'dump_json', 'dumps (')),
    ('request validation (pydantic)', ('request_body_to_args', 'body_of', 'validate_python', 'model_validate')),
    ('query (peewee + SQLite)', ('peewee.py', 'sqlite3')),
    ('service Python (app/services)', ('app/services/',)),
    ('routing, dependencies (FastAPI, Starlette)', ('fastapi/', 'starlette/routing')),
    ('middleware stack (app/web, request log)', ('app/web/', 'app/logs.py', 'starlette/middleware')),
    ('HTTP server, parsing, event loop (uvicorn)', ('uvicorn/', 'httptools', 'asyncio', 'anyio', 'h11')),
)


def classify(stack: str) -> str:
    for name, marks in BUCKETS:
        if any(mark in stack for mark in marks):
            return name
    return 'other'


def profile_server(server, ours, extra: dict, *, rounds: int) -> None:
    """py-spy on the server's process while `rounds` adds and `rounds` listings run, one after the other."""
    pid = server.process.pid
    for label, action in (('add one expense', lambda: ours.add(extra)), ('list the month', ours.list_month)):
        output = Path(tempfile.mkdtemp()) / 'stacks.txt'
        spy = subprocess.Popen(
            [str(Path(sys.executable).parent / 'py-spy'), 'record', '--pid', str(pid), '--rate', '250']
            + ['--format', 'raw', '--output', str(output), '--nonblocking'],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1.0)  # bench only: py-spy attaching
        started = time.perf_counter()
        for _ in range(rounds):
            action()
        elapsed = time.perf_counter() - started
        spy.send_signal(2)
        spy.wait(timeout=60)
        counts: Counter[str] = Counter()
        for line in output.read_text().splitlines():
            stack, _, number = line.rpartition(' ')
            if 'app/' in stack or 'uvicorn' in stack or 'starlette' in stack or 'fastapi' in stack:
                counts[classify(stack)] += int(number)
        total = sum(counts.values()) or 1
        print(f'\n{label}: {rounds} requests in {elapsed:.1f} s ({elapsed / rounds * 1000:.1f} ms each)')
        for name, number in counts.most_common():
            print(f'  {name:<46} {number / total * 100:5.1f} %  ~{elapsed / rounds * 1000 * number / total:6.2f} ms')


# --- the floor -----------------------------------------------------------------------------------------


def _ms(samples: list[float]) -> str:
    return f'p50 {statistics.median(samples):.3f} ms'


def sqlite_floor(month_rows: int = 2300, runs: int = 200) -> None:
    """A bare insert+commit with our pragmas (WAL, synchronous=FULL), and a month of rows selected and
    encoded as JSON, with the standard library only."""
    from app.db import SQLITE_PRAGMAS

    with tempfile.TemporaryDirectory() as tmp:
        connection = sqlite3.connect(Path(tmp) / 'floor.db', isolation_level=None)
        for name, value in SQLITE_PRAGMAS.items():
            connection.execute(f'PRAGMA {name} = {value}')
        connection.execute(
            'CREATE TABLE expense (id INTEGER PRIMARY KEY, owner_id INT, amount_cents INT, date TEXT, '
            'description TEXT, category_id INT, payment_method_id INT)'
        )
        connection.execute('CREATE INDEX by_owner_date ON expense (owner_id, date)')
        rows = [(1, 100 + n, f'2026-01-{n % 28 + 1:02d}', f'expense {n}', 1, 1) for n in range(month_rows)]
        connection.execute('BEGIN')
        connection.executemany(
            'INSERT INTO expense (owner_id, amount_cents, date, description, category_id, payment_method_id) '
            'VALUES (?, ?, ?, ?, ?, ?)',
            rows,
        )
        connection.execute('COMMIT')
        inserts = []
        for _ in range(runs):
            started = time.perf_counter()
            connection.execute('BEGIN IMMEDIATE')
            connection.execute(
                'INSERT INTO expense (owner_id, amount_cents, date, description, category_id, payment_method_id) '
                "VALUES (1, 1234, '2026-02-10', 'one more', 1, 1)"
            )
            connection.execute('COMMIT')
            inserts.append((time.perf_counter() - started) * 1000)
        lists = []
        for _ in range(max(runs // 4, 20)):
            started = time.perf_counter()
            found = connection.execute(
                'SELECT id, amount_cents, date, description, category_id, payment_method_id FROM expense '
                "WHERE owner_id = 1 AND date BETWEEN '2026-01-01' AND '2026-01-31' ORDER BY date DESC, id DESC"
            ).fetchall()
            keys = ('id', 'amount_cents', 'date', 'description', 'category_id', 'payment_method_id')
            json.dumps([dict(zip(keys, row)) for row in found]).encode()
            lists.append((time.perf_counter() - started) * 1000)
        connection.close()
    print(f'floor: bare SQLite insert+commit with our pragmas   {_ms(inserts)}')
    print(f'floor: select {month_rows} rows + JSON encoding (stdlib)  {_ms(lists)}')


async def _bare_app(scope, receive, send) -> None:
    if scope['type'] != 'http':
        return
    body = json.dumps({'success': True, 'id': 1}).encode()
    await send({'type': 'http.response.start', 'status': 200, 'headers': [(b'content-type', b'application/json')]})
    await send({'type': 'http.response.body', 'body': body})


def asgi_floor(runs: int = 300) -> None:
    """A bare ASGI app answering JSON through uvicorn (the server NiceGUI runs), in its own process, on
    loopback, timed by the same client as the servers."""
    from bench.peers import ROOT, wait_for
    from tests.e2e.harness import free_port

    port = free_port()
    code = (
        'import uvicorn; from bench.peers_profile import _bare_app; '
        f"uvicorn.run(_bare_app, host='127.0.0.1', port={port}, log_level='warning', lifespan='off')"
    )
    process = subprocess.Popen([sys.executable, '-c', code], cwd=ROOT)
    try:
        wait_for(port)
        samples = []
        from bench.lean_http import LeanClient

        client = LeanClient(f'http://127.0.0.1:{port}')
        for n in range(runs + 20):
            started = time.perf_counter()
            client.post('/', json={'amount': '12.34'}).raise_for_status()
            if n >= 20:
                samples.append((time.perf_counter() - started) * 1000)
        client.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(f'floor: bare ASGI JSON answer through uvicorn       {_ms(samples)} (its own process, loopback)')


def floor() -> None:
    sqlite_floor()
    asgi_floor()


if __name__ == '__main__':
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    floor()
