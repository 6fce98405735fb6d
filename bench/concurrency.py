"""Concurrent writers and dashboard readers against the real server (issue 13, item 12).

    .venv/bin/python -m bench.concurrency                    # 30 s at 1, 4, 8 and 16 writers, 4 readers
    .venv/bin/python -m bench.concurrency --seconds 15 --levels 1 4 8 16

Seeds a household (bench1 and bench2, linked, with the preset categories and a few thousand expenses)
into a temporary folder, starts the real server (python main.py on 127.0.0.1, RATE_LIMIT high so that
the limiter never answers), then for each level runs W writer threads (POST /sysapi/expense_create,
half with a personal token, half with the API key and their own session cookie; one request in ten
replays the writer's previous request_id) and 4 reader threads (GET /sysapi/dashboard-data as bench2)
for a bounded time, each with its own keep-alive connection, as fast as they can. It prints per level
writes/s, reads/s, p50/p99 latency, HTTP errors by status and connection errors (resets, disconnects),
then checks the database: every acknowledged write is there once, a replay returned the first expense,
nothing else was written. Exits 1 on any error. Also prints the floor: a bare SQLite INSERT + COMMIT
with the app's pragmas on this machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.conftest import API_KEY  # noqa: E402
from tests.e2e.harness import Server, make_server  # noqa: E402

READERS = 4
LEVELS = (1, 4, 8, 16)
REPLAY_EVERY = 10
DASHBOARD_MONTH = '2026-09'


@dataclass
class Tally:
    """What one thread saw; merged after the threads end (no shared state while they run)."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    connection_errors: Counter = field(default_factory=Counter)
    acknowledged: dict[str, int] = field(default_factory=dict)  # request_id -> expense id
    replay_mismatches: int = 0

    def merge(self, other: Tally) -> None:
        self.latencies += other.latencies
        self.statuses.update(other.statuses)
        self.connection_errors.update(other.connection_errors)
        self.acknowledged.update(other.acknowledged)
        self.replay_mismatches += other.replay_mismatches


@dataclass
class Household:
    token: str
    category_id: int
    payment_method_id: int


@dataclass
class LevelResult:
    writers: int
    seconds: float
    writes: Tally
    reads: Tally

    @property
    def errors(self) -> int:
        bad = sum(n for s, n in self.writes.statuses.items() if s != 200)
        bad += sum(n for s, n in self.reads.statuses.items() if s != 200)
        return bad + sum(self.writes.connection_errors.values()) + sum(self.reads.connection_errors.values())


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float('nan')
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))]


def log_in(server: Server, username: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=60)
    response = client.post(f'/sysapi/login?key={API_KEY}', data={'username': username, 'password': password})
    response.raise_for_status()
    return client


def prepare(server: Server, password: str) -> Household:
    """A personal token for bench1 and the ids an expense needs."""
    client = log_in(server, 'bench1', password)
    try:
        token = client.post(f'/sysapi/tokens?key={API_KEY}', json={'name': 'concurrency bench'}).json()['token']
        categories = client.get(f'/sysapi/categories_flat?key={API_KEY}').json()
        methods = client.get(f'/sysapi/payment_methods?key={API_KEY}').json()
    finally:
        client.close()
    top = next(c for c in categories if not c.get('parent_id'))
    return Household(token=token, category_id=top['id'], payment_method_id=methods[0]['id'])


def _classify(exc: Exception) -> str:
    text = f'{type(exc).__name__}: {exc}'
    if 'reset' in text.lower():
        return 'reset'
    if isinstance(exc, httpx.RemoteProtocolError):
        return 'disconnected'
    if isinstance(exc, httpx.TimeoutException):
        return 'timeout'
    return type(exc).__name__


def writer(server: Server, household: Household, index: int, deadline: float, password: str, tally: Tally) -> None:
    """Writes until `deadline`; even writers use the personal token, odd ones the API key and a session."""
    if index % 2 == 0:
        client = httpx.Client(base_url=server.url, timeout=60, headers={'Authorization': f'Bearer {household.token}'})
        path = '/sysapi/expense_create'
    else:
        client = log_in(server, 'bench1', password)
        path = f'/sysapi/expense_create?key={API_KEY}'
    previous: str | None = None
    try:
        for n in range(10_000_000):  # bounded: the deadline ends it long before
            # one request at least, even when logging in took past the deadline on a loaded machine
            if n and time.monotonic() >= deadline:
                break
            replay = previous is not None and n % REPLAY_EVERY == 0
            request_id = previous if replay else uuid.uuid4().hex
            body = {
                'amount': f'{1 + n % 97}.{n % 100:02d}',
                'date': '2026-09-15',
                'category_id': household.category_id,
                'payment_method_id': household.payment_method_id,
                'description': f'bench w{index} n{n}',
                'request_id': request_id,
            }
            started = time.perf_counter()
            try:
                response = client.post(path, json=body)
            except httpx.HTTPError as exc:
                tally.connection_errors[_classify(exc)] += 1
                continue
            tally.latencies.append(time.perf_counter() - started)
            tally.statuses[response.status_code] += 1
            if response.status_code != 200:
                continue
            expense_id = response.json()['expense']['id']
            if replay:
                tally.replay_mismatches += expense_id != tally.acknowledged.get(request_id)
            else:
                tally.acknowledged[request_id] = expense_id
                previous = request_id
    finally:
        client.close()


def reader(server: Server, deadline: float, password: str, tally: Tally) -> None:
    client = log_in(server, 'bench2', password)
    try:
        for n in range(10_000_000):
            if n and time.monotonic() >= deadline:  # one read at least, as for the writers
                break
            started = time.perf_counter()
            try:
                response = client.get(f'/sysapi/dashboard-data?month={DASHBOARD_MONTH}&key={API_KEY}')
            except httpx.HTTPError as exc:
                tally.connection_errors[_classify(exc)] += 1
                continue
            tally.latencies.append(time.perf_counter() - started)
            tally.statuses[response.status_code] += 1
    finally:
        client.close()


def run_level(
    server: Server, household: Household, writers: int, seconds: float, password: str, readers: int = READERS
) -> LevelResult:
    """W writers and `readers` readers for `seconds`, each thread with its own connection."""
    deadline = time.monotonic() + seconds
    write_tallies = [Tally() for _ in range(writers)]
    read_tallies = [Tally() for _ in range(readers)]
    threads = [
        threading.Thread(target=writer, args=(server, household, i, deadline, password, t), daemon=True)
        for i, t in enumerate(write_tallies)
    ] + [threading.Thread(target=reader, args=(server, deadline, password, t), daemon=True) for t in read_tallies]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    elapsed = time.monotonic() - started
    writes, reads = Tally(), Tally()
    for tally in write_tallies:
        writes.merge(tally)
    for tally in read_tallies:
        reads.merge(tally)
    return LevelResult(writers, elapsed, writes, reads)


def stored_writes(database: Path | str, request_ids: list[str]) -> tuple[int, int]:
    """(rows found for these request ids, request ids stored more than once); `database` is the SQLite file
    or a PostgreSQL URL."""
    if isinstance(database, str) and database.startswith(('postgresql://', 'postgres://')):
        import psycopg

        connection = psycopg.connect(database)
        mark = '%s'
    else:
        connection = sqlite3.connect(database)
        mark = '?'
    try:
        found, duplicated = 0, 0
        for start in range(0, len(request_ids), 500):
            chunk = request_ids[start : start + 500]
            marks = ','.join([mark] * len(chunk))
            rows = connection.execute(
                f'SELECT request_id, COUNT(*) FROM expense WHERE request_id IN ({marks}) GROUP BY request_id', chunk
            ).fetchall()
            found += sum(n for _, n in rows)
            duplicated += sum(1 for _, n in rows if n > 1)
        return found, duplicated
    finally:
        connection.close()


def bench_expenses(database: Path) -> int:
    connection = sqlite3.connect(database)
    try:
        return connection.execute("SELECT COUNT(*) FROM expense WHERE description LIKE 'bench w%'").fetchone()[0]
    finally:
        connection.close()


def floor(folder: Path, rows: int = 300) -> float:
    """Seconds per bare INSERT + COMMIT with the app's pragmas (WAL, synchronous=FULL): the disk's floor."""
    from app.db import SQLITE_PRAGMAS

    path = folder / 'floor.db'
    connection = sqlite3.connect(path, isolation_level=None)
    for name, value in SQLITE_PRAGMAS.items():
        connection.execute(f'PRAGMA {name} = {value}')
    connection.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, amount INTEGER, description TEXT)')
    started = time.perf_counter()
    for n in range(rows):
        connection.execute('BEGIN IMMEDIATE')
        connection.execute('INSERT INTO t (amount, description) VALUES (?, ?)', (n, 'floor'))
        connection.execute('COMMIT')
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed / rows


def describe(result: LevelResult) -> str:
    def part(name: str, tally: Tally) -> str:
        ok = tally.statuses.get(200, 0)
        errors = {s: n for s, n in tally.statuses.items() if s != 200}
        return (
            f'{name} {ok / result.seconds:7.1f}/s  p50 {percentile(tally.latencies, 50) * 1000:6.1f} ms  '
            f'p99 {percentile(tally.latencies, 99) * 1000:7.1f} ms  HTTP errors {dict(errors) or 0}  '
            f'connection errors {dict(tally.connection_errors) or 0}'
        )

    return f'W={result.writers:<3} ' + part('writes', result.writes) + '\n       ' + part('reads ', result.reads)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--seconds', type=float, default=30, help='duration of each level (default 30)')
    parser.add_argument('--levels', type=int, nargs='+', default=list(LEVELS), help='numbers of writers')
    parser.add_argument('--readers', type=int, default=READERS)
    parser.add_argument('--expenses', type=int, default=4000, help='expenses seeded before the run')
    parser.add_argument('--server-log', type=Path, help="write the server's console output to this file")
    parser.add_argument('--workdir', type=Path, help='keep the installation here (default: a temporary folder)')
    args = parser.parse_args(argv)

    from bench import seed

    folder = args.workdir or Path(tempfile.mkdtemp(prefix='wis-concurrency-'))
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / 'whatispend.db'
    if not database.exists():
        seed.main(['--database', str(database), '--expenses', str(args.expenses), '--users', '2'])
        from app.db import close_database

        close_database()
    print(f'load average {" ".join(f"{x:.2f}" for x in os.getloadavg())}, {os.cpu_count()} CPUs')
    print(f'floor: bare SQLite INSERT + COMMIT (WAL, synchronous=FULL): {floor(folder) * 1000:.2f} ms')
    server = make_server(folder, RATE_LIMIT='100000').start()
    failed = False
    try:
        household = prepare(server, seed.DEFAULT_PASSWORD)
        for level in args.levels:
            before = bench_expenses(database)
            result = run_level(server, household, level, args.seconds, seed.DEFAULT_PASSWORD, args.readers)
            print(describe(result), flush=True)
            acknowledged = list(result.writes.acknowledged)
            found, duplicated = stored_writes(database, acknowledged)
            added = bench_expenses(database) - before
            print(
                f'       acknowledged {len(acknowledged)}, stored {found}, duplicated {duplicated}, '
                f'rows added {added}, replay mismatches {result.writes.replay_mismatches}',
                flush=True,
            )
            failed |= bool(result.errors or result.writes.replay_mismatches or duplicated)
            failed |= found != len(acknowledged)
        problems = server.problems()
        if problems:
            print('the server logged problems:\n' + '\n'.join(problems[:20]))
            failed = True
    finally:
        server.stop()
        if args.server_log:
            args.server_log.write_text(''.join(server.output))
        print(f'load average {" ".join(f"{x:.2f}" for x in os.getloadavg())}')
        if args.workdir is None:
            shutil.rmtree(folder, ignore_errors=True)
    print('FAILED' if failed else 'OK: no error, no lost or duplicated write')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
