"""Rate limiting: token buckets per client address (pages, /sysapi) and per personal token (/sysapi).

The app under test is the real one (main.py, every middleware); the deterministic tests wrap it in a
rate limiter whose clock stands still, so that exactly the burst passes.
"""

from __future__ import annotations

import os
import re

import httpx
import pytest
from nicegui import core
from nicegui.testing import User

from app.config import get_settings, load, use_settings
from app.services import tokens
from app.web import ratelimit
from app.web.client_ip import ClientIpMiddleware
from app.web.ratelimit import RateLimitMiddleware, TokenBuckets
from tests.conftest import API_KEY, make_user

RATE, BURST = 5, 10


class FrozenClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def limited(user: User, clock: FrozenClock):
    """A factory of HTTP clients talking to the app through a rate limiter with a frozen clock."""
    make_user('admin', admin=True)  # so that /login is the login page, not the setup wizard
    if core.app.middleware_stack is None:  # the app's own stack keeps the tests' high RATE_LIMIT
        core.app.middleware_stack = core.app.build_middleware_stack()
    use_settings(load(environ={**os.environ, 'RATE_LIMIT': str(RATE)}))
    settings = get_settings()
    assert settings.effective_burst == BURST
    stack = ClientIpMiddleware(RateLimitMiddleware(core.app, settings=settings, clock=clock))

    def client(address: str, port: int = 50000) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(stack, client=(address, port))
        return httpx.AsyncClient(transport=transport, base_url='http://test')

    return client


async def statuses(client: httpx.AsyncClient, url: str, count: int, **kwargs) -> list[int]:
    return [(await client.get(url, **kwargs)).status_code for _ in range(count)]


async def test_a_burst_of_three_times_the_limit_gets_429_with_retry_after(limited, clock) -> None:
    async with limited('203.0.113.10') as client:
        codes = await statuses(client, '/login', 3 * BURST)
        assert codes[:BURST] == [200] * BURST
        assert codes[BURST:] == [429] * (2 * BURST)
        refused = await client.get('/login')
        assert refused.status_code == 429
        assert refused.headers['retry-after'] == '1'
        assert refused.headers['content-type'] == 'application/json'
        assert 'Too many requests' in refused.json()['error']
        clock.now += 1  # a second later, RATE requests more may go
        assert await statuses(client, '/login', RATE + 1) == [200] * RATE + [429]


async def test_another_address_and_the_page_assets_are_unaffected(limited) -> None:
    async with limited('203.0.113.10') as greedy, limited('203.0.113.11') as other:
        page = await greedy.get('/login')
        assets = sorted(set(re.findall(r'(/_nicegui/[^"\'\s?#]+\.(?:js|css|mjs))', page.text)))
        assert len(assets) > 5
        await statuses(greedy, '/login', 3 * BURST)
        assert (await greedy.get('/login')).status_code == 429
        for asset in assets:  # the page the greedy client already has keeps loading its assets
            assert (await greedy.get(asset)).status_code == 200, asset
        polling = await greedy.get('/_nicegui_ws/socket.io/', params={'EIO': '4', 'transport': 'polling'})
        assert polling.status_code != 429
        assert await statuses(other, '/login', BURST) == [200] * BURST


async def test_a_forged_forwarded_for_from_an_untrusted_peer_changes_nothing(limited) -> None:
    async with limited('203.0.113.10') as client:
        codes = [
            (await client.get('/login', headers={'X-Forwarded-For': f'198.51.100.{n}'})).status_code
            for n in range(3 * BURST)
        ]
        assert codes.count(429) == 2 * BURST


async def test_a_trusted_proxy_gets_one_bucket_per_forwarded_client(limited, monkeypatch) -> None:
    monkeypatch.setenv('FORWARDED_ALLOW_IPS', '10.0.0.1')
    trusted = load()
    use_settings(trusted)
    async with limited('10.0.0.1') as proxy:
        for n in range(3):
            address = {'X-Forwarded-For': f'198.51.100.{n}'}
            codes = await statuses(proxy, '/login', BURST + 1, headers=address)
            assert codes == [200] * BURST + [429], n


async def test_sysapi_has_its_own_buckets_per_address_and_per_token(limited) -> None:
    alice = make_user('alice')
    _, token = tokens.create_token(alice, 'script')
    async with limited('203.0.113.10') as client:
        assert await statuses(client, f'/sysapi/session?key={API_KEY}', BURST + 1) == [200] * BURST + [429]
        assert (await client.get('/login')).status_code == 200  # pages are counted apart
        # a personal token has its own allowance, wherever it runs from
        bearer = {'Authorization': f'Bearer {token}'}
        assert await statuses(client, '/sysapi/session', BURST + 1, headers=bearer) == [200] * BURST + [429]
    async with limited('203.0.113.99') as elsewhere:
        assert (await elsewhere.get('/sysapi/session', headers={'X-API-Key': token})).status_code == 429
        assert (await elsewhere.get(f'/sysapi/session?key={API_KEY}')).status_code == 200


async def test_made_up_tokens_do_not_escape_the_address_limit(limited) -> None:
    _, token = tokens.create_token(make_user('alice'), 'script')
    async with limited('203.0.113.10') as client:
        codes = [
            (await client.get('/sysapi/session', headers={'X-API-Key': f'wis_made-up-{n}'})).status_code
            for n in range(3 * BURST)
        ]
        assert codes[:BURST] == [401] * BURST
        assert set(codes[BURST:]) == {429}
        assert (await client.get('/sysapi/session', headers={'X-API-Key': token})).status_code == 429
        assert (await client.get(f'/sysapi/session?key={API_KEY}')).status_code == 200


async def test_the_limiter_is_installed_in_the_app(user: User, monkeypatch) -> None:
    """Through main.py's own stack (real clock): a quick burst from one address meets 429s."""
    make_user('admin', admin=True)
    monkeypatch.setenv('RATE_LIMIT', '2')
    core.app.middleware_stack = None  # rebuilt on the next request with RATE_LIMIT=2
    use_settings(load())
    transport = httpx.ASGITransport(core.app, client=('203.0.113.50', 1))
    async with httpx.AsyncClient(transport=transport, base_url='http://test') as client:
        codes = await statuses(client, '/login', 12)
    assert 429 in codes and codes[0] == 200


def test_buckets_forget_idle_clients(clock, monkeypatch) -> None:
    monkeypatch.setattr(ratelimit, 'MAX_BUCKETS', 3)
    buckets = TokenBuckets(rate=1, capacity=2, clock=clock)
    for n in range(3):
        buckets.take(f'ip:{n}')
    clock.now += 10
    buckets.take('ip:new')
    assert list(buckets.buckets) == ['ip:new']


async def test_an_ipv6_host_cannot_escape_by_changing_address(limited) -> None:
    codes = []
    for n in range(3 * BURST):  # a new address of the same /64 for every request
        async with limited(f'2001:db8:1:2::{n + 1:x}') as client:
            codes.append((await client.get('/login')).status_code)
    assert codes.count(429) == 2 * BURST
    async with limited('2001:db8:1:3::1') as neighbour:  # the next /64 is someone else
        assert (await neighbour.get('/login')).status_code == 200
