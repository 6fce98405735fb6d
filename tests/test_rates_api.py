"""Issue 20, items 4, 6 and 7 over HTTP and the command line: the expense field `currency`, GET|POST
/sysapi/rates, `manage.py rates update|list|set`, and a fetch from a small local HTTP server serving an
ECB-format file; a source that is down or answers garbage is retried, logged and writes nothing; unknown
codes and rates of 0 or less are 422s naming the field, never a 500."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from nicegui.testing import User

from app.models import ExchangeRate
from app.services import rates, rates_fetch
from app.services.rates_fetch import FetchError
from tests.builders import basics
from tests.conftest import API_KEY, api_login, make_user

ECB = b"""<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <Cube>
    <Cube time="2026-01-15">
      <Cube currency="USD" rate="1.25"/>
      <Cube currency="JPY" rate="161.23"/>
      <Cube currency="GBP" rate="0.8"/>
    </Cube>
    <Cube time="2026-01-14">
      <Cube currency="USD" rate="1.2"/>
    </Cube>
  </Cube>
</gesmes:Envelope>"""
BOMB = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<Cube><Cube time="2026-01-15"><Cube currency="USD" rate="&lol2;"/></Cube></Cube>"""


@contextmanager
def serving(*answers: tuple[int, bytes]) -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server answering `answers` in turn (the last one again once they run out)."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            status, body = answers[min(len(asked), len(answers) - 1)]
            asked.append(self.path)
            self.send_response(status)
            self.send_header('Content-Type', 'text/xml')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f'http://127.0.0.1:{server.server_address[1]}/eurofxref-daily.xml', asked
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.usefixtures('database')
def test_a_fetch_from_a_local_server_stores_the_rates_and_counts_the_waiting_expenses(alice, things) -> None:
    from tests.builders import add

    waiting = add(alice, things, '50.00', date='2026-01-15', currency='USD')
    assert waiting.rate_missing
    with serving((200, ECB)) as (url, asked):
        report = rates_fetch.update_rates(url, sleep=lambda s: None)
    assert asked == ['/eurofxref-daily.xml']
    assert report.days == (date(2026, 1, 14), date(2026, 1, 15)) and report.written == 4 and report.waiting == 0
    assert rates.list_rates(alice, 'USD').rates[0].rate == '1.25'
    from app.services import expenses

    assert expenses.get_expense(alice, waiting.id).counted_cents == 4000


@pytest.mark.usefixtures('database')
@pytest.mark.parametrize(
    'answer',
    [
        (200, b'<html>Service unavailable</html>'),
        (200, b'not xml at all \x00\xff'),
        (200, BOMB),
        (200, ECB.replace(b'rate="0.8"', b'rate="-0.8"')),
        (200, ECB.replace(b'currency="GBP"', b'currency="XXY"')),
        (200, ECB.replace(b'time="2026-01-14"', b'time="yesterday"')),
        (500, b'oops'),
        (404, ECB),
    ],
    ids=['html', 'binary', 'entities', 'negative', 'unknown code', 'bad date', '500', '404'],
)
def test_garbage_or_an_error_is_retried_logged_and_writes_nothing(answer, caplog) -> None:
    waits: list[float] = []
    with serving(answer) as (url, asked), pytest.raises(FetchError):
        rates_fetch.update_rates(url, attempts=3, first_wait=1.5, sleep=waits.append)
    assert len(asked) == 3 and waits == [1.5, 3.0]
    assert not ExchangeRate.select().exists()  # not even the good lines of a half-good file
    assert sum('fetching exchange rates failed' in r.message for r in caplog.records) == 3


@pytest.mark.usefixtures('database')
def test_a_source_that_is_down_then_answers_is_fetched_on_the_next_attempt() -> None:
    with serving((503, b''), (200, ECB)) as (url, asked):
        report = rates_fetch.update_rates(url, sleep=lambda s: None)
    assert len(asked) == 2 and report.written == 4


@pytest.mark.usefixtures('database')
def test_a_source_nobody_answers_is_an_error_not_a_crash() -> None:
    with serving((200, ECB)) as (url, _asked):
        pass  # closed: nothing listens there any more
    with pytest.raises(FetchError) as failed:
        rates_fetch.update_rates(url, attempts=2, sleep=lambda s: None, timeout=2)
    assert 'Could not reach' in failed.value.message
    with pytest.raises(FetchError):
        rates_fetch.update_rates('', sleep=lambda s: None)


def _url(path: str) -> str:
    joiner = '&' if '?' in path else '?'
    return f'/sysapi/{path}{joiner}key={API_KEY}'


async def test_the_currency_field_and_the_rates_over_http(user: User) -> None:
    admin = make_user('root', admin=True)
    alice = make_user('alice')
    things = basics(alice)
    rates.store_rates({date(2026, 1, 15): {'USD': Decimal('1.25')}})
    await api_login(user)
    base = {'amount': '50.00', 'date': '2026-01-15', 'category_id': things['food'].id,
            'payment_method_id': things['card'].id}  # fmt: skip
    made = await user.http_client.post(_url('expense_create'), json={**base, 'currency': 'USD'})
    assert made.status_code == 200, made.text
    expense = made.json()['expense']
    assert (expense['amount'], expense['currency'], expense['counted_amount'], expense['counted_currency']) == (
        50.0, 'USD', 40.0, 'EUR')  # fmt: skip
    assert expense['rate_missing'] is False
    form = await user.http_client.post(_url('expense_create'), data={**base, 'currency': 'chf'})
    assert form.status_code == 200 and form.json()['expense']['rate_missing'] is True
    assert form.json()['expense']['counted_amount'] is None
    listed = (await user.http_client.get(_url('rates'))).json()
    assert [(r['currency'], r['rate'], r['source']) for r in listed['rates']] == [('USD', '1.25', 'fetched')]
    assert listed['missing'] == [{'date': '2026-01-15', 'currency': 'CHF', 'expenses': 1}]
    stats = (await user.http_client.get(_url('stats?month=2026-01'))).json()
    assert stats['total_cents'] == 4000 if 'total_cents' in stats else True

    for bad in ('XYZ', 'dollars', '<img src=x onerror=alert(1)>', True):
        refused = await user.http_client.post(_url('expense_create'), json={**base, 'currency': bad})
        assert refused.status_code == 422, (bad, refused.text)
        assert refused.json()['field'] == 'currency'
    updated = await user.http_client.post(_url('expense_update'), json={'id': expense['id'], 'currency': 'EUR'})
    assert updated.status_code == 200 and updated.json()['expense']['counted_amount'] == 50.0

    # only an administrator enters rates
    denied = await user.http_client.post(_url('rates'), json={'currency': 'CHF', 'rate': '0.9', 'date': '2026-01-15'})
    assert denied.status_code == 403
    await user.http_client.post('/sysapi/logout')
    await api_login(user, 'root')
    for body, field in (
        ({'currency': 'CHF', 'rate': '0'}, 'rate'),
        ({'currency': 'CHF', 'rate': '-1'}, 'rate'),
        ({'currency': 'CHF', 'rate': 'abc'}, 'rate'),
        ({'currency': 'CHF', 'rate': True}, 'rate'),
        ({'currency': 'ABC', 'rate': '1.1'}, 'currency'),
        ({'currency': 'CHF'}, 'rate'),
        ({'currency': 'CHF', 'rate': '1.1', 'date': '2026-02-31'}, 'date'),
    ):
        refused = await user.http_client.post(_url('rates'), json=body)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.json()['field'] == field, (body, refused.text)
    entered = await user.http_client.post(_url('rates'), data={'currency': 'chf', 'rate': '0,8', 'date': '2026-01-15'})
    assert entered.status_code == 200, entered.text
    assert entered.json() == {'date': '2026-01-15', 'currency': 'CHF', 'rate': '0.8', 'source': 'manual'}
    assert admin.is_admin
    await user.http_client.post('/sysapi/logout')
    await api_login(user)
    listed = (await user.http_client.get(_url('rates'))).json()
    assert listed['missing'] == []  # the CHF expense counts now
