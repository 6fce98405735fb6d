"""`manage.py rates update|list|set` in a subprocess against the test installation (issue 20, items 4 and 6):
`update` fetches from a loopback HTTP server serving an ECB file and the waiting expense is counted; a source
that is down or answers garbage fails with a message, exit code 1 and nothing written; `set` enters a rate by
hand (a later fetch keeps it); `list` shows rates newest first and what waits for one; bad codes, rates and
dates are named, never a traceback. French when LANGUAGE says so."""

from __future__ import annotations

from app.models import ExchangeRate
from app.services import expenses
from tests.builders import add, basics, make_user
from tests.test_cli_user import manage, ok, refused  # noqa: F401  (the fixture)
from tests.test_rates_api import ECB, serving


def test_update_fetches_from_the_source_and_counts_the_waiting_expense(manage) -> None:  # noqa: F811
    alice = make_user('alice')
    waiting = add(alice, basics(alice), '50.00', date='2026-01-15', currency='USD')
    assert waiting.rate_missing
    with serving((200, ECB)) as (url, asked):
        out = ok(manage('rates', 'update', '--url', url))
    assert asked == ['/eurofxref-daily.xml']
    assert out.strip() == '4 rates written for 2 days up to 2026-01-15; 0 expenses still wait for a rate.'
    assert expenses.get_expense(alice, waiting.id).counted_cents == 4000  # 50 USD at 1.25
    listed = ok(manage('rates', 'list'))
    lines = [line.split() for line in listed.splitlines()]
    assert ['2026-01-15', 'GBP', '0.8', 'fetched'] in lines and ['2026-01-14', 'USD', '1.2', 'fetched'] in lines
    days = [line[0] for line in lines if line and line[0].startswith('2026-')]
    assert days == sorted(days, reverse=True)  # newest first
    assert ok(manage('rates', 'list', '--currency', 'usd')).count('USD') == 2


def test_update_from_a_source_that_is_down_or_answers_garbage_writes_nothing(manage) -> None:  # noqa: F811
    with serving((500, b'oops')) as (url, asked):
        err = refused(manage('rates', 'update', '--url', url, '--attempts', '1'))
    assert len(asked) == 1 and 'answered HTTP 500' in err and 'Traceback' not in err
    with serving((200, b'<html>down for maintenance</html>')) as (url, _asked):
        err = refused(manage('rates', 'update', '--url', url, '--attempts', '1'))
    assert 'a file without any rate' in err
    with serving((200, b'down \x00\xff')) as (url, _asked):
        err = refused(manage('rates', 'update', '--url', url, '--attempts', '1'))
    assert 'not readable XML' in err
    with serving((200, ECB)) as (url, _asked):
        pass  # closed: nobody listens there any more
    err = refused(manage('rates', 'update', '--url', url, '--attempts', '1'))
    assert 'Could not reach the rates source 127.0.0.1' in err
    err = refused(manage('rates', 'update'))  # RATES_URL is empty in the test installation
    assert 'RATES_URL is empty' in err
    assert not ExchangeRate.select().exists()


def test_set_enters_a_rate_by_hand_that_a_fetch_keeps(manage) -> None:  # noqa: F811
    alice = make_user('alice')
    waiting = add(alice, basics(alice), '50.00', date='2026-01-15', currency='USD')
    out = ok(manage('rates', 'set', 'usd', '1,25', '--date', '2026-01-15'))
    assert out.strip() == '1 EUR = 1.25 USD on 2026-01-15; the expenses it converts are counted again.'
    assert expenses.get_expense(alice, waiting.id).counted_cents == 4000
    with serving((200, ECB.replace(b'rate="1.25"', b'rate="2"'))) as (url, _asked):
        ok(manage('rates', 'update', '--url', url))
    row = ExchangeRate.get((ExchangeRate.currency == 'USD') & (ExchangeRate.day == '2026-01-15'))
    assert (row.rate, row.source) == ('1.25', 'manual')  # entered by hand: the fetch keeps it
    ok(manage('rates', 'set', 'USD', '1.5', '--date', '2026-01-15'))  # corrected
    assert expenses.get_expense(alice, waiting.id).counted_cents == 3333


def test_list_says_what_waits_for_a_rate_and_when_there_is_none(manage) -> None:  # noqa: F811
    alice = make_user('alice')
    add(alice, basics(alice), '100', date='2026-01-12', currency='CHF')
    out = ok(manage('rates', 'list'))
    assert 'No exchange rates yet' in out
    assert 'Missing: CHF on 2026-01-12 (1 expenses wait for it).' in out


def test_bad_input_is_named_never_a_traceback(manage) -> None:  # noqa: F811
    cases = [
        (('rates', 'set', 'USD', '0'), 'A rate must be more than zero.'),
        (('rates', 'set', 'USD', '-1.2'), 'A rate must be more than zero.'),
        (('rates', 'set', 'USD', 'abc'), 'is not a rate'),
        (('rates', 'set', 'XXY', '1.2'), 'XXY'),
        (('rates', 'set', 'EUR', '1.2'), 'The euro is the base of every rate'),
        (('rates', 'set', 'USD', '1.2', '--date', '2026-02-30'), 'date'),
        (('rates', 'list', '--since', 'yesterday'), 'yesterday'),
        (('rates', 'list', '--currency', '<img src=x>'), '<img src=x>'),
    ]
    for args, said in cases:
        err = refused(manage(*args))
        assert said in err and 'Traceback' not in err, (args, err)
    assert not ExchangeRate.select().exists()
