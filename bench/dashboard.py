"""Benchmark of the dashboard: GET /sysapi/dashboard-data on a real server, and the page in Chromium.

    .venv/bin/python bench/dashboard.py --sizes 10000 100000 1000000 --requests 300

For each size: seed a database with that many expenses (bench/seed.py: one user per 10,000 expenses by
default, so that a household's month has the same number of rows at every size and only the table
grows; --users fixes the number instead), start the real server on loopback (python main.py, as in
production but with the test configuration), log in as bench1 (linked to bench2), and time
--requests sequential GET /sysapi/dashboard-data?month=... after a warm-up. Then time the dashboard
page in headless Chromium from navigation to its five charts drawn. Print EXPLAIN QUERY PLAN of every
query the dashboard runs. Databases live in a temporary folder outside the repository (--workdir to
keep and reuse them).
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench import seed  # noqa: E402
from bench.browser import CHARTS_DRAWN, chromium, log_in  # noqa: E402
from tests.conftest import API_KEY  # noqa: E402
from tests.e2e.harness import make_server  # noqa: E402

MONTH = '2026-09'  # the last full month of the seeded history (which ends on 2026-10-31)
PER_USER = 5_000


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def seeded(folder: Path, expenses: int, users: int | None) -> Path:
    database = folder / 'whatispend.db'
    if not database.exists():
        users = users or max(2, expenses // PER_USER)
        seed.main(['--database', str(database), '--expenses', str(expenses), '--users', str(users)])
    return database


def explain(database: Path, month: str) -> list[tuple[str, list[str]]]:
    """The SQL the dashboard sends (captured from SQLite) and the plan of each statement."""
    import sqlite3

    from app.db import db, open_database
    from app.models import User
    from app.services import stats
    from app.services.months import parse_month

    open_database(f'sqlite:///{database}')
    statements: list[str] = []
    connection = db.connection()
    connection.set_trace_callback(statements.append)
    stats.dashboard(User.get(User.username_key == 'bench1'), parse_month(month))
    connection.set_trace_callback(None)
    db.close()
    plans = []
    reader = sqlite3.connect(database)
    for sql in statements:
        if sql.lstrip().upper().startswith('SELECT'):
            plans.append((sql, [row[-1] for row in reader.execute('EXPLAIN QUERY PLAN ' + sql)]))
    reader.close()
    return plans


def summarise(timings: list[float]) -> dict:
    return {
        'p50_ms': round(statistics.median(timings), 2),
        'p95_ms': round(percentile(timings, 95), 2),
        'max_ms': round(max(timings), 2),
    }


def time_requests(client: httpx.Client, path: str, requests: int) -> tuple[list[float], httpx.Response]:
    for _ in range(20):  # warm-up: connections, caches, first imports
        client.get(path).raise_for_status()
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return timings, response


def time_api(url: str, month: str, requests: int) -> dict:
    """dashboard-data, and /sysapi/session as the floor: the same HTTP, key and session work, no figures."""
    with httpx.Client(base_url=url, timeout=30) as client:
        login = client.post(
            f'/sysapi/login?key={API_KEY}', data={'username': 'bench1', 'password': seed.DEFAULT_PASSWORD}
        )
        login.raise_for_status()
        timings, response = time_requests(client, f'/sysapi/dashboard-data?month={month}&key={API_KEY}', requests)
        floor, _ = time_requests(client, f'/sysapi/session?key={API_KEY}', requests)
    return {
        'requests': requests,
        **summarise(timings),
        'session_p50_ms': round(statistics.median(floor), 2),
        'month_expenses': response.json()['stats']['count'],
        'bytes': len(response.content),
    }


def time_service(database: Path, month: str, calls: int) -> dict:
    """stats.dashboard alone, in this process: the database's share of a request."""
    from app.db import close_database, open_database
    from app.models import User
    from app.services import stats
    from app.services.months import parse_month

    open_database(f'sqlite:///{database}')
    try:
        user, chosen = User.get(User.username_key == 'bench1'), parse_month(month)
        for _ in range(20):
            stats.dashboard(user, chosen)
        timings = []
        for _ in range(calls):
            started = time.perf_counter()
            stats.dashboard(user, chosen)
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        close_database()
    return summarise(timings)


def time_page(url: str, month: str, loads: int) -> dict:
    """From navigation start to the dashboard's five charts (four of the month, one of the year) drawn."""
    timings = []
    with chromium() as browser:
        context = browser.new_context(viewport={'width': 1280, 'height': 900})
        page = context.new_page()
        log_in(page, url, 'bench1', seed.DEFAULT_PASSWORD)
        for _ in range(loads + 1):
            started = time.perf_counter()
            page.goto(f'{url}/?month={month}')
            page.wait_for_function(CHARTS_DRAWN, polling='raf')
            timings.append((time.perf_counter() - started) * 1000)
        context.close()
    first, warm = timings[0], timings[1:]
    return {
        'first_ms': round(first, 1),
        'p50_ms': round(statistics.median(warm), 1),
        'max_ms': round(max(warm), 1),
        'loads': loads,
    }


def run(size: int, args: argparse.Namespace, workdir: Path) -> dict:
    folder = workdir / f'{size}'
    started, reused = time.perf_counter(), (folder / 'whatispend.db').exists()
    database = seeded(folder, size, args.users)
    seed_seconds = None if reused else round(time.perf_counter() - started, 1)
    server = make_server(folder, RATE_LIMIT='100000')
    server.start()
    try:
        api = time_api(server.url, args.month, args.requests)
        page = time_page(server.url, args.month, args.page_loads) if args.page_loads else None
    finally:
        server.stop()
    return {
        'expenses': size,
        'service': time_service(database, args.month, args.requests),
        'seed_s': seed_seconds,
        'db_mb': round(database.stat().st_size / 1e6, 1),
        'api': api,
        'page': page,
        'plans': explain(database, args.month) if args.explain else [],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description='dashboard-data latency and dashboard load time')
    parser.add_argument('--sizes', type=int, nargs='+', default=[10_000, 100_000, 1_000_000])
    parser.add_argument('--users', type=int, default=None, help=f'users per database (default: 1 per {PER_USER:,})')
    parser.add_argument('--requests', type=int, default=300, help='timed requests per size (at least 200)')
    parser.add_argument('--page-loads', type=int, default=10, help='timed page loads per size (0: skip Chromium)')
    parser.add_argument('--month', default=MONTH)
    parser.add_argument('--workdir', type=Path, default=None, help='keep the databases here (default: a temp dir)')
    parser.add_argument('--explain', action='store_true', help='print EXPLAIN QUERY PLAN of every query')
    parser.add_argument('--json', type=Path, default=None, help='also write the results as JSON')
    args = parser.parse_args()
    if args.requests < 200:
        parser.error('--requests must be at least 200 for a meaningful p95')

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix='wis-bench-'))
    print(f'# {platform.node()} · {platform.processor() or platform.machine()} · Python {platform.python_version()}')
    print(f'# databases in {workdir}; month {args.month}; {args.requests} requests per size\n')
    print(
        '| expenses | users | month rows | seed | DB size | p50 | p95 | max | session p50 '
        '| service p50 | service p95 | page first | page p50 | page max |'
    )
    print('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    results = []
    try:
        for size in args.sizes:
            result = run(size, args, workdir)
            results.append(result)
            api, page = result['api'], result['page'] or {}
            users = args.users or max(2, size // PER_USER)
            seed_text = 'reused' if result['seed_s'] is None else f'{result["seed_s"]} s'
            print(
                f'| {size:,} | {users} | {api["month_expenses"]} | {seed_text} | {result["db_mb"]} MB '
                f'| {api["p50_ms"]} ms | {api["p95_ms"]} ms | {api["max_ms"]} ms | {api["session_p50_ms"]} ms '
                f'| {result["service"]["p50_ms"]} ms | {result["service"]["p95_ms"]} ms '
                f'| {page.get("first_ms", "–")} ms | {page.get("p50_ms", "–")} ms | {page.get("max_ms", "–")} ms |',
                flush=True,
            )
        for result in results:
            for sql, plan in result['plans']:
                print(f'\n-- {result["expenses"]:,} expenses\n{sql}')
                for line in plan:
                    print(f'   {line}')
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == '__main__':
    main()
