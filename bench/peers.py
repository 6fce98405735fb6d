"""Speed side by side with a peer: ihatemoney 7.2.1 and What I Spend on loopback (issue 21, item 5).

    .venv/bin/python -m bench.peers [--rounds 200] [--month 2300] [--profile]

Installs ihatemoney 7.2.1 and gunicorn from PyPI into their own virtual environment (cached in .peers/,
git-ignored), runs it (gunicorn, one sync worker, SQLite, token auth) and ours (python main.py: one
process, SQLite, a personal API token) on 127.0.0.1, seeds both through their APIs with the same 2,300
expenses in one month, then alternates the same operations, in alternating order, --rounds times: add one
expense (in another month for us, in another project for ihatemoney, so that the listed month stays at
2,300), and list the 2,300-expense month. Prints p50/p95 of each and the ratio; then, as an extra line, the
listing again with `Accept-Encoding: identity` sent to both (ihatemoney never compresses; ours gzips for a
client that asks, as browsers and httpx do), --rounds more of each, alternating: like for like.

Then each server alone answers --rounds more adds and listings while its CPU time is read before and after
(user + system, of the process and its children, from /proc through psutil): what a request costs the
server whatever the neighbours' load, printed with its ratio beside the wall-clock one.

Both servers are timed by the same client, the standard library's http.client on a kept-alive connection
(bench/lean_http.py): httpx spent 1.2-1.6 ms of each add and 5-7 ms of each listing itself, the same for
either server, which pulled every ratio towards 1.

--profile then samples our server with py-spy while the same requests run, and prints where its time
goes (middleware, HTTP and request parsing, validation, JSON encoding, the query, the rest), with the
floor beside it: a bare SQLite insert+commit with our pragmas and a bare ASGI app answering JSON
(bench/peers_floor.py).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from bench.lean_http import LeanClient, LeanResponse  # noqa: E402
from tests.e2e.harness import free_port, make_server  # noqa: E402

PEER = ROOT / '.peers' / 'ihatemoney-7.2.1'
PEER_PACKAGES = ('ihatemoney==7.2.1', 'gunicorn==27.0.1')
MONTH = '2026-01'
OTHER_DAY = '2026-02-10'


def ensure_peer() -> Path:
    """ihatemoney's own virtual environment, installed once."""
    marker = PEER / '.installed'
    if not marker.exists():
        subprocess.run([sys.executable, '-m', 'venv', str(PEER)], check=True)
        subprocess.run([str(PEER / 'bin' / 'pip'), 'install', '-q', *PEER_PACKAGES], check=True)
        marker.write_text('\n'.join(PEER_PACKAGES))
    return PEER


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(('127.0.0.1', port)) == 0:
                return
        time.sleep(0.1)  # bench only: waiting for a process to listen
    raise RuntimeError(f'nothing listens on {port}')


def start_peer(folder: Path) -> tuple[subprocess.Popen, str]:
    settings = folder / 'ihatemoney.cfg'
    settings.write_text(
        f"SQLALCHEMY_DATABASE_URI = 'sqlite:///{folder / 'ihatemoney.db'}'\n"
        "SECRET_KEY = 'bench-secret-key-0123456789'\nACTIVATE_DEMO_PROJECT = False\n"
        'SESSION_COOKIE_SECURE = False\n'
    )
    port = free_port()
    env = {'PATH': os.environ['PATH'], 'IHATEMONEY_SETTINGS_FILE_PATH': str(settings), 'HOME': str(folder)}
    process = subprocess.Popen(
        [str(PEER / 'bin' / 'gunicorn'), '-w', '1', '-b', f'127.0.0.1:{port}', 'ihatemoney.wsgi:application'],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(folder / 'gunicorn.log', 'wb'),  # noqa: SIM115 - lives as long as the process
    )
    wait_for(port)
    return process, f'http://127.0.0.1:{port}'


def seed_rows(count: int) -> list[dict]:
    rng = random.Random(21)
    words = ['Market', 'Bakery', 'Fuel', 'Pharmacy', 'Cinema', 'Books', 'Train', 'Restaurant']
    return [
        {'amount': f'{rng.randint(100, 20_000) / 100:.2f}', 'day': f'2026-01-{rng.randint(1, 31):02d}'}
        | {'what': f'{rng.choice(words)} {n}'}
        for n in range(count)
    ]


class Peer:
    """ihatemoney through its API: a project per purpose, a bearer token from basic auth."""

    def __init__(self, url: str) -> None:
        self.client = LeanClient(url)
        self.headers: dict[str, dict[str, str]] = {}
        self.member: dict[str, int] = {}

    def project(self, name: str) -> None:
        self.client.post(
            '/api/projects',
            data={'name': name, 'id': name, 'password': 'bench-password', 'contact_email': 'bench@example.com'},
        ).raise_for_status()
        token = self.client.get(f'/api/projects/{name}/token', auth=(name, 'bench-password'))
        token.raise_for_status()
        self.headers[name] = {'Authorization': f'Bearer {token.json()["token"]}'}
        member = self.client.post(f'/api/projects/{name}/members', data={'name': 'alice'}, headers=self.headers[name])
        member.raise_for_status()
        self.member[name] = int(member.json())

    def add(self, project: str, row: dict) -> LeanResponse:
        member = self.member[project]
        data = {'date': row['day'], 'what': row['what'], 'payer': member, 'payed_for': [member]}
        data['amount'] = row['amount']
        response = self.client.post(f'/api/projects/{project}/bills', data=data, headers=self.headers[project])
        response.raise_for_status()
        return response

    def list_month(self, encoding: str | None = None) -> LeanResponse:
        headers = self.headers['month'] | ({'Accept-Encoding': encoding} if encoding else {})
        response = self.client.get('/api/projects/month/bills', headers=headers)
        response.raise_for_status()
        return response


class Ours:
    """What I Spend through /sysapi with a personal token."""

    def __init__(self, url: str, token: str, category: int, method: int) -> None:
        self.client = LeanClient(url, headers={'Authorization': f'Bearer {token}'})
        self.category, self.method = category, method

    def add(self, row: dict) -> LeanResponse:
        body = {
            'amount': row['amount'],
            'date': row['day'],
            'category_id': self.category,
            'payment_method_id': self.method,
            'description': row['what'],
        }
        response = self.client.post('/sysapi/expense_create', json=body)
        response.raise_for_status()
        return response

    def list_month(self, encoding: str | None = None) -> LeanResponse:
        headers = {'Accept-Encoding': encoding} if encoding else None
        response = self.client.get(f'/sysapi/expenses?month={MONTH}', headers=headers)
        response.raise_for_status()
        return response


SETUP = """
import json, os
from app.config import load, use_settings
from app.db import open_database
from app.migrations import run_migrations
from app.models import Category, PaymentMethod
from app.services import tokens, users
use_settings(load())
open_database(os.environ['DATABASE_URL'])
run_migrations()
user = users.create_user('bench', 'bench password', is_admin=True)
category = Category.create(owner=user, name='Food', color='#f59e0b', icon='label')
method = PaymentMethod.create(owner=user, name='Card', icon='credit_card')
print(json.dumps([tokens.create_token(user, 'bench')[1], category.id, method.id]))
"""


def start_ours(folder: Path):
    """A fresh installation with one user, a category, a payment method and a token; the server started."""
    import json

    server = make_server(folder, RATE_LIMIT='100000')
    env = {**os.environ, **server.env}
    done = subprocess.run([sys.executable, '-c', SETUP], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(done.stderr)
    token, category, method = json.loads(done.stdout.strip().splitlines()[-1])
    server.start()
    return server, Ours(server.url, token, category, method)


def timed(action: Callable[[], LeanResponse]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children (gunicorn's worker under its master)."""
    process = psutil.Process(pid)
    total = 0.0
    for each in [process, *process.children(recursive=True)]:
        times = each.cpu_times()
        total += times.user + times.system
    return total


def cpu_per_request(pid: int, action: Callable[[], LeanResponse], rounds: int) -> float:
    """Milliseconds of the server's CPU per request, over `rounds` requests one after the other."""
    before = cpu_seconds(pid)
    for _ in range(rounds):
        action()
    return (cpu_seconds(pid) - before) / rounds * 1000


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(name: str, ours: list[float], peer: list[float]) -> str:
    return (
        f'{name:<28} ours p50 {statistics.median(ours):7.2f} ms  p95 {pct(ours, 0.95):7.2f} ms | '
        f'ihatemoney p50 {statistics.median(peer):7.2f} ms  p95 {pct(peer, 0.95):7.2f} ms | '
        f'ratio p50 {statistics.median(peer) / statistics.median(ours):5.2f}x  '
        f'p95 {pct(peer, 0.95) / pct(ours, 0.95):5.2f}x'
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rounds', type=int, default=200)
    parser.add_argument('--month', type=int, default=2300, help='expenses in the listed month')
    parser.add_argument('--profile', action='store_true', help='then sample our server with py-spy')
    args = parser.parse_args()
    ensure_peer()
    rows = seed_rows(args.month)
    with tempfile.TemporaryDirectory(prefix='wis-peers-') as tmp:
        folder = Path(tmp)
        (folder / 'peer').mkdir()
        peer_process, peer_url = start_peer(folder / 'peer')
        server, ours = start_ours(folder / 'ours')
        try:
            peer = Peer(peer_url)
            peer.project('month')
            peer.project('adds')
            started = time.perf_counter()
            for row in rows:
                peer.add('month', row)
                ours.add(row)
            print(f'seeded {len(rows)} expenses into each through its API in {time.perf_counter() - started:.0f} s')
            assert len(peer.list_month().json()) == len(rows)
            assert ours.list_month().json()['count'] == len(rows)
            extra = {'amount': '12.34', 'day': OTHER_DAY, 'what': 'one more'}
            for _ in range(10):  # warm-up
                peer.add('adds', extra), ours.add(extra), peer.list_month(), ours.list_month()
            times: dict[str, list[float]] = {'ours add': [], 'peer add': [], 'ours list': [], 'peer list': []}
            for n in range(args.rounds):
                steps = [
                    ('peer add', lambda: peer.add('adds', extra)),
                    ('ours add', lambda: ours.add(extra)),
                    ('peer list', peer.list_month),
                    ('ours list', ours.list_month),
                ]
                for name, action in steps if n % 2 else steps[1::-1] + steps[:1:-1]:
                    times[name].append(timed(action))
            load = os.getloadavg()[0]
            print(f'{args.rounds} rounds, alternating; load average {load:.1f} on {os.cpu_count()} vCPU (shared)')
            print(report('add one expense', times['ours add'], times['peer add']))
            print(report(f'list a {len(rows)}-expense month', times['ours list'], times['peer list']))
            # like for like: ihatemoney never compresses, ours gzips for a client that asks (browsers do)
            plain: dict[str, list[float]] = {'ours': [], 'peer': []}
            for n in range(args.rounds):
                pair = [('ours', lambda: ours.list_month('identity')), ('peer', lambda: peer.list_month('identity'))]
                for name, action in pair if n % 2 else pair[::-1]:
                    plain[name].append(timed(action))
            print(report('  same, Accept-Encoding: identity', plain['ours'], plain['peer']))
            cpu = {
                'ours add': cpu_per_request(server.process.pid, lambda: ours.add(extra), args.rounds),
                'peer add': cpu_per_request(peer_process.pid, lambda: peer.add('adds', extra), args.rounds),
                'ours list': cpu_per_request(server.process.pid, ours.list_month, args.rounds),
                'peer list': cpu_per_request(peer_process.pid, peer.list_month, args.rounds),
            }
            for name in ('add', 'list'):
                mine, theirs = cpu[f'ours {name}'], cpu[f'peer {name}']
                print(
                    f'server CPU per {name:<4} ours {mine:7.2f} ms | ihatemoney {theirs:7.2f} ms | '
                    f'ratio {theirs / mine:5.2f}x ({args.rounds} each, one server at a time)'
                )
            from bench.peers_profile import floor, profile_server

            floor()
            if args.profile:
                profile_server(server, ours, extra, rounds=args.rounds)
        finally:
            server.stop()
            peer_process.terminate()
            peer_process.wait(timeout=30)
    return 0


if __name__ == '__main__':
    sys.exit(main())
