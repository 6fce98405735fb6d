"""A bounded load test on loopback: a household of four people browsing pages and writing (issue 21, item 6).

    .venv/bin/python -m bench.load [--seconds 60] [--users 4] [--processes 1|2] [--url http://127.0.0.1:8080]

Seeds a fresh installation (four linked users, each with the preset categories, three payment methods,
a personal token and 500 expenses over the past year), starts one server process (python main.py, SQLite),
runs locust headless (bench/locustfile.py, locust from requirements-dev.txt) for --seconds with --users
simulated people, and prints each request kind's count, failures, p50 and p95 with the load average.
With --url it runs against a server already running there instead (for instance two processes behind a
proxy), whose users it then expects to exist with the same names, passwords and tokens (see SETUP).

--processes 2 starts the documented multi-process set-up instead, with the deployment tests' own code
(tests/deploy/services.py): a throw-away PostgreSQL cluster and Redis, two app processes on them, and nginx
configured as docs/deploy/nginx-two-processes.conf says (addresses and certificate swapped, as
tests/e2e/test_deploy_cluster_e2e.py does). nginx pins a browser to a process by its address, so the simulated
people connect from loopback addresses chosen to put two of them on each process.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import API_KEY  # noqa: E402
from tests.e2e.harness import Server, free_port, make_server  # noqa: E402

SETUP = """
import json, os, random
from datetime import date, timedelta
from app.config import load, use_settings
from app.db import db, open_database
from app.migrations import run_migrations
from app.models import Category, Expense, PaymentMethod, UserLink
from app.services import setup, tokens, users
from app.services.presets import DEFAULT_CATEGORIES, DEFAULT_PAYMENT_METHODS
use_settings(load())
open_database(os.environ['DATABASE_URL'])
run_migrations()
rng = random.Random(6)
people = []
for n in range(4):
    user = users.create_user(f'person{n + 1}', 'load password', is_admin=n == 0)
    categories = [Category.create(owner=user, name=p['name'], color=p['color'], icon=p['icon'])
                  for p in DEFAULT_CATEGORIES]
    methods = [PaymentMethod.create(owner=user, name=p['name'], icon=p['icon']) for p in DEFAULT_PAYMENT_METHODS]
    rows = [dict(owner=user.id, amount_cents=rng.randint(100, 20000),
                 date=date(2026, 11, 30) - timedelta(days=rng.randint(0, 365)), category=rng.choice(categories).id,
                 payment_method=rng.choice(methods).id, description=f'seed {i}') for i in range(500)]
    with db.atomic():
        Expense.insert_many(rows).execute()
    people.append(dict(id=user.id, username=user.username, password='load password',
                       token=tokens.create_token(user, 'load')[1], category=categories[0].id, method=methods[0].id))
for a in people:
    for b in people:
        if a['id'] < b['id']:
            UserLink.create(user_a=a['id'], user_b=b['id'], status='active', invited_by=a['id'])
print(json.dumps(people))
"""


def seed(server: Server) -> str:
    """Run SETUP against the server's database; the people it made, as JSON."""
    done = subprocess.run(
        [sys.executable, '-c', SETUP], cwd=ROOT, env={**os.environ, **server.env}, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(done.stderr)
    return done.stdout.strip().splitlines()[-1]


def two_processes(stack: ExitStack, folder: Path, users: int) -> tuple[str, str, list[Server], list[str]]:
    """PostgreSQL, Redis, two app processes and nginx as documented; (url, people, servers, addresses)."""
    from tests.deploy.services import nginx, postgres_cluster, redis_server, self_signed_certificate
    from tests.e2e.test_deploy_cluster_e2e import client_from, which_process
    from tests.e2e.test_deploy_proxies_e2e import DOCS, swap

    database = stack.enter_context(postgres_cluster())
    redis_url = stack.enter_context(redis_server(folder / 'redis'))
    shared = {
        'DATABASE_URL': database,
        'NICEGUI_REDIS_URL': redis_url,
        'HOST': '127.0.0.1',
        'FORWARDED_ALLOW_IPS': '127.0.0.1',
        'RATE_LIMIT': '100000',
    }
    servers = [make_server(folder / name, **shared) for name in ('one', 'two')]
    for server in servers:
        stack.callback(server.stop)
    people = seed(servers[0])
    for server in servers:
        server.start()
    cert, key = self_signed_certificate(folder / 'tls')
    https = free_port()
    site = swap(
        (DOCS / 'nginx-two-processes.conf').read_text(),
        {
            r'listen 443 ssl;': f'listen 127.0.0.1:{https} ssl;',
            r'ssl_certificate\s+/etc/letsencrypt/\S+;': f'ssl_certificate {cert};',
            r'ssl_certificate_key\s+/etc/letsencrypt/\S+;': f'ssl_certificate_key {key};',
            r'127\.0\.0\.1:3000\b': f'127.0.0.1:{servers[0].port}',
            r'127\.0\.0\.1:3001\b': f'127.0.0.1:{servers[1].port}',
        },
    )
    stack.enter_context(nginx(folder / 'nginx', site, [https]))
    url = f'https://127.0.0.1:{https}'
    # addresses that nginx's ip_hash sends to each process, alternating, so the people are spread evenly
    by_process: dict[int, list[str]] = {0: [], 1: []}
    for n in range(1, 60):
        address = f'127.0.{n}.1'
        with client_from(address, url) as client:
            by_process[which_process(servers, client, address)].append(address)
        if all(len(found) >= (users + 1) // 2 for found in by_process.values()):
            break
    addresses = [a for pair in zip(by_process[0], by_process[1], strict=False) for a in pair]
    print(f'people connect from {addresses} (nginx sends them to processes 1, 2, 1, 2...)')
    return url, people, servers, addresses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seconds', type=int, default=60)
    parser.add_argument('--users', type=int, default=4)
    parser.add_argument('--url', help='an already running server (its users made by SETUP)')
    parser.add_argument('--people', help='the JSON SETUP printed, with --url')
    parser.add_argument('--processes', type=int, choices=(1, 2), default=1, help='2: PostgreSQL, Redis, nginx')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='wis-load-') as tmp, ExitStack() as stack:
        folder = Path(tmp)
        servers: list[Server] = []
        addresses: list[str] = []
        if args.url:
            url, people = args.url, args.people
        elif args.processes == 2:
            url, people, servers, addresses = two_processes(stack, folder, args.users)
        else:
            server = make_server(folder / 'app', RATE_LIMIT='100000')
            stack.callback(server.stop)
            people = seed(server)
            server.start()
            servers, url = [server], server.url
        env = {**os.environ, 'WIS_LOAD_PEOPLE': people, 'WIS_LOAD_API_KEY': API_KEY}
        env['WIS_LOAD_ADDRESSES'] = ','.join(addresses)
        command = [str(Path(sys.executable).parent / 'locust'), '-f', str(ROOT / 'bench' / 'locustfile.py')]
        command += ['--headless', '-u', str(args.users), '-r', str(args.users), '--run-time', f'{args.seconds}s']
        command += ['--host', url, '--csv', str(folder / 'run'), '--only-summary', '--loglevel', 'WARNING']
        subprocess.run(command, cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL)
        load = os.getloadavg()[0]
        with open(folder / 'run_stats.csv') as handle:
            rows = list(csv.DictReader(handle))
        where = f'{len(servers)} process(es), {"PostgreSQL, Redis, nginx" if addresses else "SQLite"}'
        print(f'{args.users} people for {args.seconds} s against {url} ({where}); load average {load:.1f} on 2 vCPU')
        for row in rows:
            print(
                f'{row["Name"]:<40} {row["Request Count"]:>6} requests {row["Failure Count"]:>4} failures '
                f'p50 {row["50%"]:>6} ms  p95 {row["95%"]:>6} ms  max {float(row["Max Response Time"]):8.0f} ms'
            )
        for server in servers:
            if server.problems():
                print('server problems:', *server.problems(), sep='\n  ')
    return 0


if __name__ == '__main__':
    sys.exit(main())
