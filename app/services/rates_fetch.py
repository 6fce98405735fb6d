"""Fetching exchange rates (issue 20, item 4): `manage.py rates update` and the server's daily timer.

The source is RATES_URL (config.env; by default the European Central Bank's daily reference rates), a file
in the ECB's format: `<Cube time="YYYY-MM-DD"><Cube currency="USD" rate="1.0845"/>...`, one day or many
(the ECB's 90-day and full-history files work too). Rates are per euro, as we store them.

Nothing is half-written: the whole answer is read and checked (a size cap, defusedxml against entity
tricks, every code a currency, every rate a number more than zero) before one transaction stores it. A
source that is down, slow or answers garbage is logged and tried again (`attempts`, waiting longer each
time); if every attempt fails the rates stay as they were and the error says why.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.etree.ElementTree import ParseError

import httpx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from app.i18n import Message
from app.models import User
from app.services import currencies, rates
from app.services.errors import Forbidden, Invalid, ServiceError

log = logging.getLogger('whatispend.rates')

ECB_DAILY = 'https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml'
MAX_BYTES = 5 * 1024 * 1024
ATTEMPTS = 3
FIRST_WAIT = 30.0  # seconds before the second attempt; doubled for each one after


class FetchError(Invalid):
    """The rates could not be fetched or read; nothing was written."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchReport:
    """What a fetch stored: the days it covered, the rates written (new or changed) and how many expenses
    still wait for a rate."""

    days: tuple[date, ...]
    written: int
    waiting: int


def parse_rates(raw: bytes) -> dict[date, dict[str, Decimal]]:
    """Every (day, currency, rate) of an ECB-format file; FetchError when anything in it is not right."""
    try:
        root = fromstring(raw)
    except (ParseError, DefusedXmlException, ValueError):
        raise FetchError(Message('The rates source did not answer an ECB rates file (not readable XML).')) from None
    table: dict[date, dict[str, Decimal]] = {}
    for cube in root.iter():
        if not cube.tag.endswith('Cube') or 'time' not in cube.attrib:
            continue
        try:
            day = date.fromisoformat(cube.attrib['time'])
        except ValueError:
            raise FetchError(
                Message('The rates file has a date that is not one: {value}.', value=cube.attrib['time'][:20])
            ) from None
        for child in cube:
            code, value = child.attrib.get('currency', ''), child.attrib.get('rate', '')
            try:
                code = currencies.check_currency(code)
                rate = rates.parse_rate(value)
            except ServiceError:
                raise FetchError(
                    Message(
                        'The rates file has a wrong entry on {date}: {currency} {rate}.',
                        date=day.isoformat(),
                        currency=code[:10],
                        rate=value[:20],
                    )
                ) from None
            table.setdefault(day, {})[code] = rate
    if not any(table.values()):
        raise FetchError(Message('The rates source answered a file without any rate.'))
    return table


def download(url: str, *, timeout: float = 20) -> bytes:
    """The body at `url`, at most MAX_BYTES; FetchError when the source is down or answers an error."""
    host = httpx.URL(url).host or url[:60]
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True) as client, client.stream('GET', url) as response:
            if response.status_code != 200:
                raise FetchError(
                    Message('The rates source {host} answered HTTP {status}.', host=host, status=response.status_code)
                )
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise FetchError(Message('The rates source {host} answered a file too large to be one.', host=host))
            return bytes(body)
    except httpx.HTTPError as exc:
        raise FetchError(
            Message('Could not reach the rates source {host}: {error}.', host=host, error=type(exc).__name__)
        ) from None


def update_rates(
    url: str,
    *,
    attempts: int = ATTEMPTS,
    first_wait: float = FIRST_WAIT,
    timeout: float = 20,
    sleep: Callable[[float], None] | None = None,
) -> FetchReport:
    """Fetch and store the rates at `url` (see the module); FetchError after `attempts` failures. `sleep`
    waits between attempts (time.sleep, looked up at the call: the server's timer runs it in a worker)."""
    sleep = sleep or time.sleep
    if not url.strip():
        raise FetchError(Message('RATES_URL is empty: set it in config.env to fetch exchange rates.'))
    wait, problem = first_wait, None
    for attempt in range(1, max(1, attempts) + 1):
        try:
            table = parse_rates(download(url, timeout=timeout))
        except FetchError as exc:
            problem = exc
            log.warning('fetching exchange rates failed (attempt %s of %s): %s', attempt, attempts, exc)
            if attempt < attempts:
                sleep(wait)
                wait *= 2
            continue
        written, waiting = rates.store_rates(table)
        days = tuple(sorted(table))
        log.info('exchange rates fetched: %s days up to %s, %s rates written', len(days), days[-1], written)
        return FetchReport(days=days, written=written, waiting=waiting)
    assert problem is not None
    raise problem


def update_now(user: User, url: str) -> FetchReport:
    """ "Update now" in Settings › Exchange rates: the fetch of `manage.py rates update`, by an administrator,
    tried once (a person is waiting; the daily timer is the one that insists)."""
    if not user.is_admin:
        raise Forbidden(Message('Only an administrator may enter exchange rates.'))
    return update_rates(url, attempts=1)
