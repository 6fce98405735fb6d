"""The server's daily exchange-rates timer (`app.startup.rates_loop`, issue 20, item 4), with the clock frozen
and moved by the timer's own waits (no sleeping): it fetches once 30 s after start, then once a day; a round
whose source is down is logged, writes nothing, and the next round comes an hour later, then daily again. The
fetch is the real one, from a loopback HTTP server serving an ECB file."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
import time_machine
from nicegui import run

from app import startup
from app.models import ExchangeRate
from app.services import rates_fetch
from tests.test_rates_api import ECB, serving

START = datetime(2026, 1, 15, 6, 0, tzinfo=UTC)
DAY, HOUR = 24 * 3600.0, 3600.0


class Stop(Exception):
    """Ends the endless loop once the test has seen enough rounds."""


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    """The loop's waits move a frozen clock instead of sleeping; the worker thread runs inline; the fetch's
    own waits between attempts are recorded. Yields (loop waits, attempt waits, moments of each request)."""
    waits: list[float] = []
    retries: list[float] = []
    asked_at: list[datetime] = []
    with time_machine.travel(START, tick=False) as traveller:

        async def fake_sleep(seconds: float) -> None:
            waits.append(seconds)
            traveller.shift(seconds)
            if len(waits) > 6:
                raise Stop

        async def inline(work, *args):
            return work(*args)

        real_download = rates_fetch.download

        def download(url: str, **kwargs) -> bytes:
            asked_at.append(datetime.now(UTC))
            return real_download(url, **kwargs)

        monkeypatch.setattr(startup.asyncio, 'sleep', fake_sleep)
        monkeypatch.setattr(run, 'io_bound', inline)
        monkeypatch.setattr(rates_fetch, 'download', download)
        monkeypatch.setattr(rates_fetch, 'time', SimpleNamespace(sleep=retries.append))
        yield waits, retries, asked_at


@pytest.mark.usefixtures('database')
async def test_the_timer_fetches_once_a_day(clock) -> None:
    waits, retries, asked_at = clock
    with serving((200, ECB)) as (url, asked), pytest.raises(Stop):
        await startup.rates_loop(url)
    assert waits == [startup.RATES_FIRST_FETCH] + [DAY] * 6
    assert len(asked) == 6 and retries == []
    gaps = [(later - earlier).total_seconds() for earlier, later in zip(asked_at, asked_at[1:], strict=False)]
    assert gaps == [DAY] * 5  # once a day, at the same time of day
    assert asked_at[0] == datetime(2026, 1, 15, 6, 0, 30, tzinfo=UTC)
    assert ExchangeRate.select().count() == 4


@pytest.mark.usefixtures('database')
async def test_a_source_that_is_down_is_logged_and_tried_again_in_an_hour(clock, caplog) -> None:
    waits, retries, asked_at = clock
    caplog.set_level(logging.INFO, logger='whatispend')
    # round 1 fine; round 2 down for its 3 attempts; round 3 (an hour later) fine; then daily again
    answers = [(200, ECB)] + [(503, b'down')] * 3 + [(200, ECB.replace(b'rate="1.25"', b'rate="1.3"'))]
    with serving(*answers) as (url, asked), pytest.raises(Stop):
        await startup.rates_loop(url)
    assert waits == [startup.RATES_FIRST_FETCH, DAY, HOUR, DAY, DAY, DAY, DAY]
    assert retries == [rates_fetch.FIRST_WAIT, rates_fetch.FIRST_WAIT * 2]  # the down round's attempts
    assert len(asked) == 1 + 3 + 4
    failed = [r for r in caplog.records if 'fetching the exchange rates failed' in r.getMessage()]
    assert len(failed) == 1 and failed[0].levelno == logging.WARNING
    assert 'answered HTTP 503' in failed[0].getMessage() and 'trying again in an hour' in failed[0].getMessage()
    attempts = [r for r in caplog.records if 'attempt' in r.getMessage()]
    assert len(attempts) == 3  # each failed attempt logged
    usd = ExchangeRate.get((ExchangeRate.currency == 'USD') & (ExchangeRate.day == '2026-01-15'))
    assert usd.rate == '1.3'  # the round after the outage stored its answer; the outage wrote nothing


@pytest.mark.usefixtures('database')
async def test_a_failure_of_any_kind_never_ends_the_timer(clock, monkeypatch, caplog) -> None:
    waits, _retries, _asked_at = clock

    def broken(url: str, **kwargs) -> bytes:
        raise RuntimeError('disk full')

    monkeypatch.setattr(rates_fetch, 'download', broken)
    with pytest.raises(Stop):
        await startup.rates_loop('http://127.0.0.1:9/x.xml')
    assert waits == [startup.RATES_FIRST_FETCH] + [HOUR] * 6
    assert sum('disk full' in r.getMessage() for r in caplog.records) == 6
    assert not ExchangeRate.select().exists()
    assert asyncio.get_running_loop().is_running()
