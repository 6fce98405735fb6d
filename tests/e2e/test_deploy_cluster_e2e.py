"""Two app processes on one PostgreSQL and one Redis behind nginx, configured as docs/deploy/nginx-two-processes.conf
says (addresses, ports and certificate swapped): sticky routing (ip_hash: each client address always
reaches the same process), the websocket through the proxy, a login made through one process valid
through the other, writes through both all kept, the rate-limit buckets in Redis,
the timers run by one process, and one process killed while the other keeps serving every client.

Clients of different /24 loopback networks (127.0.N.1) stand for browsers at different addresses, since
ip_hash picks the process by the first three bytes of the address."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import httpx
import pytest

from tests.conftest import API_KEY
from tests.deploy.services import nginx, postgres_cluster, redis_server, self_signed_certificate
from tests.e2e.harness import ROOT, Server, free_port, make_server
from tests.e2e.test_deploy_proxies_e2e import DOCS, PASSWORD, swap
from tests.polling import wait_until

WRITES_EACH = 15


def client_from(address: str, base: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=address, verify=False)
    return httpx.Client(base_url=base, transport=transport, timeout=60)


def served_by(servers: list[Server], address: str, marker: str) -> list[int]:
    """Which processes logged a request for `marker` from `address` (the request log names both)."""
    pattern = re.compile(rf'GET /{marker} 404 .* {re.escape(address)}$')
    return [i for i, s in enumerate(servers) if any(pattern.search(line.rstrip()) for line in s.output)]


def which_process(servers: list[Server], client: httpx.Client, address: str) -> int:
    marker = 'probe-' + uuid.uuid4().hex
    assert client.get('/' + marker).status_code == 404
    wait_until(lambda: served_by(servers, address, marker), 10, failure=lambda: f'no process logged {marker}')
    found = served_by(servers, address, marker)
    assert len(found) == 1, found
    return found[0]


def write(client: httpx.Client, category: int, method: int, n: int) -> tuple[int, int]:
    answer = client.post(
        f'/sysapi/expense_create?key={API_KEY}',
        json={
            'amount': f'{n}.25',
            'date': date.today().isoformat(),  # on the Expenses page as it opens
            'category_id': category,
            'payment_method_id': method,
            'description': f'cluster write {n}',
            'request_id': uuid.uuid4().hex,
        },
    )
    return answer.status_code, n * 100 + 25


@pytest.mark.timeout(300)
def test_two_processes_behind_nginx(tmp_path: Path, browser) -> None:
    psycopg = pytest.importorskip('psycopg')  # pinned in requirements.txt with PostgreSQL support
    import redis

    with postgres_cluster() as database, redis_server(tmp_path / 'redis') as redis_url:
        shared = {
            'DATABASE_URL': database,
            'NICEGUI_REDIS_URL': redis_url,
            'HOST': '127.0.0.1',
            'FORWARDED_ALLOW_IPS': '127.0.0.1',
        }
        first = make_server(tmp_path / 'one', **shared).start()  # migrates; the second finds it done
        servers = [first]
        try:
            servers.append(make_server(tmp_path / 'two', **shared).start())
            created = subprocess.run(
                [sys.executable, 'manage.py', 'user', 'create', '--username', 'alice', '--password', PASSWORD],
                cwd=ROOT,
                env=first.env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert created.returncode == 0, created.stdout + created.stderr
            cert, key = self_signed_certificate(tmp_path / 'tls')
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
            with nginx(tmp_path / 'nginx', site, [https]):
                base = f'https://127.0.0.1:{https}'
                run_the_cluster(servers, base, browser, redis_url, database, psycopg, redis)
        finally:
            for server in servers:
                server.stop()


def run_the_cluster(servers: list[Server], base: str, browser, redis_url: str, database: str, psycopg, redis) -> None:
    # sticky routing: find two client addresses that nginx sends to different processes
    pinned: dict[int, tuple[str, httpx.Client]] = {}
    for n in range(1, 40):
        address = f'127.0.{n}.1'
        client = client_from(address, base)
        process = which_process(servers, client, address)
        if process in pinned:
            client.close()
            continue
        pinned[process] = (address, client)
        if len(pinned) == 2:
            break
    assert len(pinned) == 2, 'ip_hash sent every address to one process'
    (a_address, a), (b_address, b) = pinned[0], pinned[1]
    try:
        assert [which_process(servers, a, a_address) for _ in range(4)] == [0] * 4  # always the same one
        assert [which_process(servers, b, b_address) for _ in range(4)] == [1] * 4

        # a login through process 0 is a login through process 1 (sessions live in the database)
        login = a.post('/auth/login', data={'username': 'alice', 'password': PASSWORD})
        assert login.status_code == 303 and login.headers['location'] == '/'
        b.cookies = a.cookies
        session = b.get(f'/sysapi/session?key={API_KEY}').json()
        assert session['authenticated'] is True and session['user']['username'] == 'alice'
        assert b.get('/').status_code == 200  # the dashboard, not the login page

        # writes through both processes at once: every one answered and kept
        category = next(c for c in a.get(f'/sysapi/categories_flat?key={API_KEY}').json() if not c.get('parent_id'))
        method = a.get(f'/sysapi/payment_methods?key={API_KEY}').json()[0]
        jobs = [(a if n % 2 else b, n) for n in range(1, 2 * WRITES_EACH + 1)]
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(lambda job: write(job[0], category['id'], method['id'], job[1]), jobs))
        assert [status for status, _ in results] == [200] * len(jobs)
        with psycopg.connect(database) as connection:
            count, total = connection.execute(
                "SELECT count(*), sum(amount_cents) FROM expense WHERE description LIKE 'cluster write %%'"
            ).fetchone()
        assert (count, total) == (len(jobs), sum(cents for _, cents in results))
        created = re.compile(r' POST /sysapi/expense_create\S* 200 ')

        def logged() -> list[int]:
            return [sum(bool(created.search(line)) for line in s.output) for s in servers]

        # half through each process; a thread reads each server's log, so the last line may come a moment
        # after its answer (14 of 15 were read once, on a loaded machine)
        wait_until(lambda: logged() == [WRITES_EACH, WRITES_EACH], 10, failure=lambda: f'requests logged: {logged()}')

        # a real browser through nginx: the form login and the page over its websocket
        context = browser.new_context(ignore_https_errors=True)
        page = context.new_page()
        page.set_default_timeout(30_000)
        try:
            page.goto(base + '/login')
            page.get_by_label('Username').fill('alice')
            page.get_by_label('Password', exact=True).fill(PASSWORD)
            page.get_by_role('button', name='Log in').click()
            page.wait_for_url(base + '/')
            page.wait_for_function('window.socket && window.socket.connected')
            page.get_by_role('button', name='Expenses').first.click()
            page.wait_for_url(base + '/expenses')
            page.get_by_text('cluster write 30').first.wait_for()
        finally:
            context.close()

        # the rate-limit buckets are in the shared Redis (the browser's still; the others have expired)
        keys = [k.decode() for k in redis.Redis.from_url(redis_url).keys('*')]
        assert 'whatispend:ratelimit:pages:ip:127.0.0.1' in keys, keys
        # the timers run in one process only
        holders = [sum('runs the recurring timer' in line for line in s.output) for s in servers]
        assert sorted(holders) == [0, 1], holders

        # process 0 dies: its clients are served by process 1, still logged in, writes still kept
        servers[0].process.kill()
        servers[0].process.wait(10)
        session = a.get(f'/sysapi/session?key={API_KEY}').json()
        assert session['authenticated'] is True
        assert all(a.get('/').status_code == 200 for _ in range(3))
        assert write(a, category['id'], method['id'], 99)[0] == 200
        assert b.get('/').status_code == 200
        with psycopg.connect(database) as connection:
            (count,) = connection.execute(
                "SELECT count(*) FROM expense WHERE description LIKE 'cluster write %%'"
            ).fetchone()
        assert count == len(jobs) + 1
    finally:
        a.close()
        b.close()
