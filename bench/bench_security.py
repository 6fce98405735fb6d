"""What the security layers cost: middleware per request, the login throttle's query, an Argon2 verify.

    .venv/bin/python bench/bench_security.py [AUDIT_EVENTS]     (default 200 000 audit events)

1. The middleware stack (client address, GeoIP with a real .mmdb, rate limit, CSRF, headers) in
   front of an ASGI app that answers at once, against the bare app: microseconds added per request.
2. The login throttle's look-up (`login.seconds_to_wait`) in an audit log of AUDIT_EVENTS rows.
3. One Argon2id verify with the production parameters (m=64 MiB, t=3, p=4), and 8 logins at once
   through the semaphore of 2.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


async def _drive(app, requests: int) -> float:
    async def receive():
        return {'type': 'http.request', 'body': b'', 'more_body': False}

    async def send(message):
        pass

    started = time.perf_counter()
    for n in range(requests):
        scope = {
            'type': 'http',
            'method': 'POST' if n % 10 == 0 else 'GET',
            'path': '/sysapi/expenses' if n % 2 else '/',
            'query_string': b'',
            'headers': [(b'host', b'spend.example.org'), (b'cookie', b'wis_session=abc')],
            'client': (f'2.0.{n % 200}.{n % 250}', 40000),
            'scheme': 'http',
        }
        await app(scope, receive, send)
    return (time.perf_counter() - started) / requests * 1e6


def bench_middleware(folder: Path) -> None:
    from app.config import load, use_settings
    from app.web.client_ip import ClientIpMiddleware
    from app.web.csrf import CsrfMiddleware
    from app.web.geoip import GeoIpMiddleware
    from app.web.ratelimit import RateLimitMiddleware
    from app.web.security_headers import SecurityHeadersMiddleware
    from tests.geoip_data import build_country_db

    mmdb = build_country_db(folder / 'GeoLite2-Country.mmdb')
    settings = load(environ={**os.environ, 'GEOIP_ENABLED': 'true', 'GEOIP_DB_PATH': str(mmdb)})
    use_settings(settings)

    async def bare(scope, receive, send):
        await send({'type': 'http.response.start', 'status': 200, 'headers': []})
        await send({'type': 'http.response.body', 'body': b'ok'})

    stack = SecurityHeadersMiddleware(bare, settings)
    stack = CsrfMiddleware(stack)
    stack = RateLimitMiddleware(stack, settings)
    stack = GeoIpMiddleware(stack, settings)
    stack = ClientIpMiddleware(stack)
    requests = 50_000
    base = asyncio.run(_drive(bare, requests))
    full = asyncio.run(_drive(stack, requests))
    print(f'middleware: bare app {base:.1f} µs/request, with the security stack {full:.1f} µs (+{full - base:.1f} µs)')


def bench_throttle(events: int) -> None:
    from app.db import db
    from app.models import AuditEvent, utcnow
    from app.services import login

    now = utcnow()
    rng = random.Random(7)
    kinds = ['login_ok', 'login_failed', 'logout', 'token_created', 'backup_created']
    rows = [
        {
            'at': now - timedelta(minutes=rng.randrange(0, 60 * 24 * 365 * 3)),
            'event': rng.choice(kinds),
            'username': f'user{rng.randrange(50)}',
            'ip': f'203.0.{rng.randrange(256)}.{rng.randrange(256)}',
            'detail': '',
        }
        for _ in range(events)
    ]
    with db.atomic():
        for start in range(0, len(rows), 5000):
            AuditEvent.insert_many(rows[start : start + 5000]).execute()
    for n in range(6):
        AuditEvent.create(event='login_failed', username='user1', ip='198.51.100.1', at=now - timedelta(seconds=n))
    runs = 200
    started = time.perf_counter()
    for _ in range(runs):
        wait = login.seconds_to_wait('user1', '198.51.100.1')
    elapsed = (time.perf_counter() - started) / runs * 1000
    print(f'login throttle: seconds_to_wait over {events:,} audit events: {elapsed:.2f} ms (wait {wait} s)')


def bench_argon2() -> None:
    from app.config import load, use_settings
    from app.services import passwords

    environ = {k: v for k, v in os.environ.items() if not k.startswith('ARGON2_')}
    use_settings(load(environ=environ))
    password_hash = passwords.hash_password('correct horse battery')
    started = time.perf_counter()
    passwords.verify_password(password_hash, 'wrong password')
    single = time.perf_counter() - started
    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: passwords.verify_password(password_hash, 'wrong'), range(8)))
    flood = time.perf_counter() - started
    print(f'argon2id (m=64 MiB, t=3, p=4): one verify {single * 1000:.0f} ms; 8 at once through 2 slots {flood:.2f} s')


def main(events: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix='wis-bench-security-'))
    os.environ.update(
        {
            'API_KEY': 'b' * 32,
            'API_KEY_SALT': 'c' * 32,
            'STORAGE_SECRET': 'd' * 32,
            'WIS_CONFIG': str(folder / 'config.env'),
            'DATABASE_URL': f'sqlite:///{folder / "whatispend.db"}',
            'DATA_DIR': str(folder / 'data'),
            'LOG_LEVEL': 'warning',
            'RATE_LIMIT': '100000',
        }
    )
    from app.config import get_settings
    from app.db import close_database, open_database
    from app.migrations import run_migrations

    try:
        bench_middleware(folder)
        open_database(get_settings().database_url)
        run_migrations()
        bench_throttle(events)
        close_database()
        bench_argon2()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == '__main__':
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
