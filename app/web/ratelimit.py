"""Rate limiting: a token bucket per client, as pure ASGI middleware (nothing buffered, websockets untouched).

Each client may make RATE_LIMIT requests per second on average, with bursts up to RATE_LIMIT_BURST
(default twice the rate). Two families of buckets:

- `/sysapi/...`: one bucket per personal API token when one is presented (a script keeps its own
  allowance wherever it runs), otherwise one per client address;
- everything else (pages, login form, docs): one bucket per client address.

An IPv6 client is counted by its /64 network, since one host can pick any address within it.

NiceGUI's assets (`/_nicegui/...`), its websocket (`/_nicegui_ws/...`) and the installable app's static files
(`/pwa/...`, which the service worker fetches together when it installs) are never counted: a page
pulls dozens of them at once, and throttling them would break the page of someone well within the
limit. A refused request gets 429 JSON with Retry-After.

Presenting made-up tokens does not escape the limit: each token request answered 401 is charged to
a bucket of the address, and once that is empty the address is refused whatever token it presents.

With NICEGUI_REDIS_URL set (several processes behind one proxy), the buckets live in Redis and every
process counts against the same allowance (app/web/ratelimit_shared.py); the in-process buckets are
the fall-back while Redis does not answer.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl

from app import i18n
from app.config import Settings, get_settings
from app.i18n import Plural
from app.web.body_limit import scope_language
from app.web.client_ip import client_ip_from_scope
from app.web.json_error import json_error
from app.web.ratelimit_shared import RedisBuckets

log = logging.getLogger('whatispend.ratelimit')

UNTHROTTLED_PREFIXES = ('/_nicegui/', '/_nicegui_ws/', '/pwa/')
TOKEN_PREFIX = 'wis_'
MAX_BUCKETS = 50_000


@dataclass
class Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """Buckets of `capacity` tokens refilled at `rate` per second; a request takes one token."""

    def __init__(self, rate: float, capacity: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.capacity = max(capacity, 1.0)
        self.clock = clock
        self.buckets: dict[str, Bucket] = {}

    def _refill(self, key: str) -> Bucket:
        now = self.clock()
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) >= MAX_BUCKETS:
                self._forget_full(now)
            bucket = self.buckets[key] = Bucket(self.capacity, now)
        else:
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        return bucket

    def _forget_full(self, now: float) -> None:
        """Drop the buckets that have refilled completely: they hold no information."""
        full_after = self.capacity / self.rate
        for key in [k for k, b in self.buckets.items() if now - b.updated >= full_after]:
            del self.buckets[key]

    def retry_after(self, key: str) -> int:
        """0 when a request may go now, otherwise the whole seconds until it may."""
        bucket = self._refill(key)
        if bucket.tokens >= 1:
            return 0
        return max(1, math.ceil((1 - bucket.tokens) / self.rate))

    def take(self, key: str) -> int:
        """Take a token; returns 0 on success, otherwise the seconds to wait (nothing taken)."""
        wait = self.retry_after(key)
        if not wait:
            self.buckets[key].tokens -= 1
        return wait

    def charge(self, key: str) -> None:
        """Take a token even if that leaves the bucket in debt (for after-the-fact charges)."""
        bucket = self._refill(key)
        bucket.tokens = max(bucket.tokens - 1, -self.capacity)


@lru_cache(maxsize=4096)  # a pure function of the address, asked on every request
def address_key(ip: str) -> str:
    """The bucket of a client address: IPv6 clients by their /64, which one home or host gets whole
    (otherwise a single machine could pick a new address for every request)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return 'ip:' + ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return 'ip:' + str(address.ipv4_mapped)
        return 'ip:' + str(ipaddress.ip_network(f'{address}/64', strict=False))
    return 'ip:' + str(address)


def presented_token(scope: dict) -> str | None:
    """A personal API token in the request (Bearer, X-API-Key or ?key=), as deps.presented_key reads it."""
    key = None
    for name, value in scope.get('headers') or []:
        if name == b'authorization' and value[:7].lower() == b'bearer ':
            key = value[7:].strip().decode('latin-1')
            break
        if name == b'x-api-key' and key is None:
            key = value.decode('latin-1')
    if key is None:
        query = scope.get('query_string', b'').decode('latin-1')
        key = next((v for k, v in parse_qsl(query) if k == 'key'), None)
    if key and key.startswith(TOKEN_PREFIX):
        return key
    return None


def too_many_requests(retry_after: int, language: str = i18n.DEFAULT) -> tuple[dict, bytes]:
    message = Plural(
        'Too many requests; slow down and try again in {n} second.',
        'Too many requests; slow down and try again in {n} seconds.',
        n=retry_after,
    )
    return json_error(
        429,
        message.render(language),
        (b'retry-after', str(retry_after).encode()),
        (b'content-language', language.encode()),
    )


class RateLimitMiddleware:
    def __init__(self, app, settings: Settings | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        settings = settings or get_settings()
        rate, burst = settings.rate_limit, settings.effective_burst
        self.pages = TokenBuckets(rate, burst, clock)
        self.api = TokenBuckets(rate, burst, clock)
        self.shared = RedisBuckets(settings.nicegui_redis_url) if settings.nicegui_redis_url else None

    async def _ask(self, buckets: TokenBuckets, key: str, mode: str) -> int:
        """take / peek / charge one bucket: in Redis when configured and answering, else in this process."""
        if self.shared is not None:
            family = 'pages' if buckets is self.pages else 'api'
            wait = await self.shared.call(family, key, mode, buckets.rate, buckets.capacity)
            if wait is not None:
                return wait
        if mode == 'take':
            return buckets.take(key)
        if mode == 'peek':
            return buckets.retry_after(key)
        buckets.charge(key)
        return 0

    async def __call__(self, scope, receive, send) -> None:
        if scope['type'] != 'http' or scope['path'].startswith(UNTHROTTLED_PREFIXES):
            await self.app(scope, receive, send)
            return
        address = address_key(client_ip_from_scope(scope))
        if not scope['path'].startswith('/sysapi'):
            wait = await self._ask(self.pages, address, 'take')
            if wait:
                await self._refuse(scope, send, wait)
                return
            await self.app(scope, receive, send)
            return
        token = presented_token(scope)
        if token is None:
            wait = await self._ask(self.api, address, 'take')
        else:
            # a token's own bucket, unless this address already burnt its allowance on bad tokens
            wait = await self._ask(self.api, 'bad-token:' + address, 'peek') or await self._ask(
                self.api, 'token:' + hashlib.sha256(token.encode()).hexdigest(), 'take'
            )
        if wait:
            await self._refuse(scope, send, wait)
            return
        if token is None:
            await self.app(scope, receive, send)
            return

        async def send_and_watch(message) -> None:
            if message['type'] == 'http.response.start' and message['status'] == 401:
                await self._ask(self.api, 'bad-token:' + address, 'charge')
            await send(message)

        await self.app(scope, receive, send_and_watch)

    async def _refuse(self, scope, send, wait: int) -> None:
        log.info(
            'rate limited %s %s from %s (retry after %s s)',
            scope['method'],
            scope['path'],
            client_ip_from_scope(scope),
            wait,
        )
        start, body = too_many_requests(wait, scope_language(scope))
        await send(start)
        await send({'type': 'http.response.body', 'body': body})
