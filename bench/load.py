"""A bounded load test on loopback: a household of four people browsing pages and writing (issue 21, item 6).

    .venv/bin/python -m bench.load [--seconds 60] [--users 4] [--url http://127.0.0.1:8080]

Seeds a fresh installation (four linked users, each with the preset categories, three payment methods,
a personal token and 500 expenses over the past year), starts one server process (python main.py, SQLite),
runs locust headless (bench/locustfile.py, locust from requirements-dev.txt) for --seconds with --users
simulated people, and prints each request kind's count, failures, p50 and p95 with the load average.
With --url it runs against a server already running there instead (for instance two processes behind a
proxy), whose users it then expects to exist with the same names, passwords and tokens (see SETUP).
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import API_KEY  # noqa: E402
from tests.e2e.harness import make_server  # noqa: E402

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seconds', type=int, default=60)
    parser.add_argument('--users', type=int, default=4)
    parser.add_argument('--url', help='an already running server (its users made by SETUP)')
    parser.add_argument('--people', help='the JSON SETUP printed, with --url')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='wis-load-') as tmp:
        folder = Path(tmp)
        server = None
        if args.url:
            url, people = args.url, args.people
        else:
            server = make_server(folder / 'app', RATE_LIMIT='100000')
            done = subprocess.run(
                [sys.executable, '-c', SETUP],
                cwd=ROOT,
                env={**os.environ, **server.env},
                capture_output=True,
                text=True,
            )
            if done.returncode:
                raise RuntimeError(done.stderr)
            people = done.stdout.strip().splitlines()[-1]
            server.start()
            url = server.url
        try:
            env = {**os.environ, 'WIS_LOAD_PEOPLE': people, 'WIS_LOAD_API_KEY': API_KEY}
            command = [str(Path(sys.executable).parent / 'locust'), '-f', str(ROOT / 'bench' / 'locustfile.py')]
            command += ['--headless', '-u', str(args.users), '-r', str(args.users), '--run-time', f'{args.seconds}s']
            command += ['--host', url, '--csv', str(folder / 'run'), '--only-summary', '--loglevel', 'WARNING']
            subprocess.run(command, cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL)
            load = os.getloadavg()[0]
            with open(folder / 'run_stats.csv') as handle:
                rows = list(csv.DictReader(handle))
            print(f'{args.users} people for {args.seconds} s against {url}; load average {load:.1f} on 2 vCPU (shared)')
            for row in rows:
                print(
                    f'{row["Name"]:<40} {row["Request Count"]:>6} requests {row["Failure Count"]:>4} failures '
                    f'p50 {row["50%"]:>6} ms  p95 {row["95%"]:>6} ms  max {float(row["Max Response Time"]):8.0f} ms'
                )
            if server is not None and server.problems():
                print('server problems:', *server.problems(), sep='\n  ')
        finally:
            if server is not None:
                server.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
