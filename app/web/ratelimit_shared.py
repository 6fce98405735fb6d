"""Rate-limit buckets shared by several app processes through Redis (NICEGUI_REDIS_URL).

Behind a proxy that spreads clients over several processes, buckets kept in each process would give a
client one allowance per process. With Redis configured, every bucket lives there instead: one Lua
script refills and takes atomically, on Redis's clock, so all processes see the same count.

Redis being down must not take the site down with it: a failed call answers None, the caller falls back
to its own in-process buckets, and Redis is not asked again for a few seconds (so a dead Redis costs one
short timeout now and then, not one per request). The fall-back is logged as a warning, once a minute.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

log = logging.getLogger('whatispend.ratelimit')

KEY_PREFIX = 'whatispend:ratelimit:'
RETRY_REDIS_AFTER = 5.0  # seconds without asking Redis after a failure
WARN_EVERY = 60.0
TIMEOUT = 0.5  # seconds: a request waits at most this long for Redis

# KEYS[1]: the bucket. ARGV: rate (tokens/s), capacity, mode: take | peek | charge.
# Answers the whole seconds to wait (0: go). Same arithmetic as ratelimit.TokenBuckets.
BUCKET_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local mode = ARGV[3]
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(stored[1])
local updated = tonumber(stored[2])
if tokens == nil or updated == nil then
  tokens = capacity
  updated = now
end
tokens = math.min(capacity, tokens + math.max(0, now - updated) * rate)
local wait = 0
if mode == 'charge' then
  tokens = math.max(tokens - 1, -capacity)
elseif tokens >= 1 then
  if mode == 'take' then tokens = tokens - 1 end
else
  wait = math.max(1, math.ceil((1 - tokens) / rate))
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(2 * capacity / rate * 1000) + 1000)
return wait
"""


class RedisBuckets:
    """Token buckets in Redis. `call` answers the seconds to wait, or None when Redis could not answer."""

    def __init__(self, url: str, clock=time.monotonic) -> None:
        self.url = url
        self.clock = clock
        self._client: Any = None
        self._script: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._down_until = 0.0
        self._warned_at = -WARN_EVERY

    def _ready(self) -> Any:
        """The client of the running event loop (redis.asyncio's connections belong to one loop)."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            import redis.asyncio

            self._client = redis.asyncio.from_url(self.url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT)
            self._script = self._client.register_script(BUCKET_SCRIPT)
            self._loop = loop
        return self._script

    async def call(self, family: str, key: str, mode: str, rate: float, capacity: float) -> int | None:
        now = self.clock()
        if now < self._down_until:
            return None
        try:
            script = self._ready()
            wait = await asyncio.wait_for(
                script(keys=[f'{KEY_PREFIX}{family}:{key}'], args=[rate, capacity, mode]), TIMEOUT * 2
            )
            return int(wait)
        except Exception as exc:  # noqa: BLE001 - any Redis trouble: the process's own buckets take over
            self._down_until = now + RETRY_REDIS_AFTER
            if now - self._warned_at >= WARN_EVERY:
                self._warned_at = now
                log.warning(
                    'Redis (NICEGUI_REDIS_URL) did not answer the rate limiter (%s: %s); '
                    'each process counts on its own until it does',
                    type(exc).__name__,
                    exc,
                )
            return None
