"""Rate-limit buckets shared through Redis: two app processes (here two middleware stacks, each with
its own in-process buckets) count one client against one allowance; Redis gone, each keeps serving
with its own buckets, and says so once in the log."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import httpx
import pytest

from app.config import ConfigError, load
from app.web.client_ip import ClientIpMiddleware
from app.web.ratelimit import RateLimitMiddleware
from tests.deploy.services import redis_server

RATE, BURST = 1, 3


async def hello(scope, receive, send) -> None:
    await send({'type': 'http.response.start', 'status': 200, 'headers': [(b'content-type', b'text/plain')]})
    await send({'type': 'http.response.body', 'body': b'hello'})


def process(redis_url: str) -> httpx.AsyncClient:
    """One app process's rate limiter in front of a trivial app, reached from 203.0.113.5."""
    settings = load(
        environ={**os.environ, 'RATE_LIMIT': str(RATE), 'RATE_LIMIT_BURST': str(BURST), 'NICEGUI_REDIS_URL': redis_url}
    )
    stack = ClientIpMiddleware(RateLimitMiddleware(hello, settings=settings))
    return httpx.AsyncClient(transport=httpx.ASGITransport(stack, client=('203.0.113.5', 50000)), base_url='http://t')


async def test_two_processes_share_one_allowance_per_client(tmp_path: Path) -> None:
    with redis_server(tmp_path / 'redis') as url:
        async with process(url) as first, process(url) as second:
            codes = [(await first.get('/login')).status_code for _ in range(BURST)]
            assert codes == [200] * BURST
            refused = await second.get('/login')  # the other process knows this client has used it all
            assert refused.status_code == 429 and refused.headers['retry-after'] == '1'
            # the API's buckets are apart from the pages', and shared too
            assert [(await second.get('/sysapi/stats')).status_code for _ in range(BURST)] == [200] * BURST
            assert (await first.get('/sysapi/stats')).status_code == 429


async def test_without_redis_each_process_keeps_serving_on_its_own(tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.WARNING, logger='whatispend.ratelimit')
    with redis_server(tmp_path / 'redis') as url:
        pass  # started and stopped: nothing listens there any more
    async with process(url) as first:
        codes = [(await first.get('/login')).status_code for _ in range(BURST + 1)]
        assert codes == [200] * BURST + [429]  # the in-process buckets took over
    warnings = [r.getMessage() for r in caplog.records if 'Redis' in r.getMessage()]
    assert len(warnings) == 1 and 'each process counts on its own' in warnings[0]


def test_a_malformed_redis_url_stops_start_up() -> None:
    with pytest.raises(ConfigError) as refused:
        load(environ={**os.environ, 'NICEGUI_REDIS_URL': 'localhost:6379'})
    assert 'NICEGUI_REDIS_URL' in str(refused.value)


def test_nicegui_storage_goes_to_the_redis_of_config_env(tmp_path: Path) -> None:
    """NICEGUI_REDIS_URL in config.env (not only in the environment) reaches NiceGUI before it is imported."""
    import subprocess
    import sys

    from tests.conftest import test_environment

    env = test_environment(tmp_path)
    config = tmp_path / 'config.env'
    config.write_text(''.join(f'{k}={v}\n' for k, v in env.items()) + 'NICEGUI_REDIS_URL=redis://127.0.0.1:9/3\n')
    probe = 'import main\nfrom nicegui.storage import Storage\nprint(Storage.redis_url)\n'
    run = subprocess.run(
        [sys.executable, '-c', probe],
        cwd=Path(__file__).resolve().parents[2],
        env={'PATH': os.environ['PATH'], 'WIS_CONFIG': str(config), 'HOME': str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == 'redis://127.0.0.1:9/3'
