"""The rows SQLite writes as JSON for the API's listing (app/services/expense_page.py, issue 21 item 5) read
byte for byte as pydantic writes the same `ExpenseRow`s: amounts of every size, coordinates that need all
their digits, timestamps stored in every form the database holds, empty and hostile text. On PostgreSQL the
same tests check the Python path, which writes every row there."""

from __future__ import annotations

import orjson
import pytest
from pydantic import TypeAdapter

from app.api.json_answer import encode
from app.db import db, is_postgres
from app.models import Expense
from app.services import expense_page, expenses
from app.services.expenses_types import ExpensePage
from app.services.months import Month
from tests.builders import add

pytestmark = pytest.mark.usefixtures('database')

PAGE = TypeAdapter(ExpensePage)
JANUARY = Month(2026, 1)


def _same_bytes(alice, month: Month = JANUARY) -> list:
    listing = expense_page.list_plain(alice, month)
    assert encode(listing) == PAGE.dump_json(expenses.list_expenses(alice, month=month))
    return list(listing.expenses)


def _written_by_sqlite(rows: list) -> int:
    return sum(isinstance(row, orjson.Fragment) for row in rows)


def test_amounts_of_every_size_and_text_of_every_kind(alice, things) -> None:
    for n, amount in enumerate(('0.01', '0.07', '0.10', '1.00', '12.34', '100000.00', '1000000000.00', '99.99')):
        add(alice, things, amount, date=f'2026-01-{n + 1:02d}')
    add(alice, things, '5.00', date='2026-01-20', description=None)
    add(alice, things, '6.00', date='2026-01-21', subcategory_id=things['groceries'].id, currency='EUR')
    add(alice, things, '7.00', date='2026-01-22', description='tab\there\nnew line\r "q" \\ \u0001\u001f\u007f \u2028')
    add(alice, things, '8.00', date='2026-01-23', description='<img src=x onerror=alert(1)>', place='<b>Place</b>')
    add(alice, things, '9.00', date='2026-01-24', description='Ünïcödé 漢字 🎉')
    rows = _same_bytes(alice)
    assert len(rows) == 13 and _written_by_sqlite(rows) == (0 if is_postgres() else 13)


def test_coordinates_keep_every_digit(alice, things) -> None:
    """SQLite's own JSON keeps 15 significant digits of a REAL: 48.85661412345679 would lose its last two."""
    spots = [(48.85661412345679, 2.3522219000000001), (0.00001, -0.0), (-89.99999999999999, 179.99999999999997)]
    for n, (latitude, longitude) in enumerate(spots):  # as stored by an import or an older version
        expense = add(alice, things, '3.00', date=f'2026-01-{n + 1:02d}', latitude=1, longitude=1)
        Expense.update(latitude=latitude, longitude=longitude).where(Expense.id == expense.id).execute()
    rows = _same_bytes(alice)
    assert _written_by_sqlite(rows) == (0 if is_postgres() else 3)
    listed = orjson.loads(encode(expense_page.list_plain(alice, JANUARY)))['expenses']
    assert sorted((row['latitude'], row['longitude']) for row in listed) == sorted(spots)


@pytest.mark.parametrize(
    'stamp',
    ['2026-01-16 08:00:00', '2026-01-16 08:00:00.5', '2026-01-16 08:00:00.999999', '2026-01-16T08:00:00'],
)
def test_timestamps_in_every_stored_form(alice, things, stamp: str) -> None:
    expense = add(alice, things, '4.00', date='2026-01-16')
    Expense.update(created_at=stamp, updated_at=stamp).where(Expense.id == expense.id).execute()
    rows = _same_bytes(alice)
    assert orjson.loads(encode(rows))[0]['created_at'] == '2026-01-16T08:00:00Z'


def test_a_sum_that_sqlite_could_not_write_exactly_takes_the_python_path(alice, things) -> None:
    """Past 15 digits of cents `%.15g` would round the amount: no expense holds one (the most is 12 digits),
    but a row written by something else is still listed exactly."""
    expense = add(alice, things, '1.00', date='2026-01-05')
    huge = 1_234_567_890_123_456
    Expense.update(amount_cents=huge, original_cents=huge).where(Expense.id == expense.id).execute()
    rows = _same_bytes(alice)
    assert _written_by_sqlite(rows) == 0 and isinstance(rows[0], dict)
    assert orjson.loads(encode(rows))[0]['amount'] == 12_345_678_901_234.56


@pytest.mark.skipif('is_postgres()', reason='SQLite writes the JSON only on SQLite')
def test_sqlite_writes_every_amount_an_expense_can_hold_as_orjson_does() -> None:
    """`cents / 100.0` through SQLite's `json_group_array` against orjson's `cents / 100`, for the first
    300,000 amounts, the last 300,000 below the cap, and the cap (`money.MAX_AMOUNT_CENTS`)."""
    from app.services.money import MAX_AMOUNT_CENTS

    for low, high in ((0, 300_000), (MAX_AMOUNT_CENTS - 300_000, MAX_AMOUNT_CENTS + 1)):
        [(text,)] = db.execute_sql(
            'WITH RECURSIVE c(n) AS (SELECT ? UNION ALL SELECT n + 1 FROM c WHERE n < ?) '
            'SELECT json_group_array(n / 100.0) FROM c',
            (low, high - 1),
        ).fetchall()
        assert text.encode() == orjson.dumps([cents / 100 for cents in range(low, high)]), (low, high)


@pytest.mark.skipif('is_postgres()', reason='SQLite writes the JSON only on SQLite')
def test_the_page_query_is_built_once_per_shape_and_checked(alice, things, monkeypatch) -> None:
    """Two months, one shape: one SQL kept (their dates are parameters); a kept SQL that no longer matches
    what peewee writes fails loudly under WIS_CHECK_PREPARED instead of reading the wrong columns."""
    from app import prepared
    from app.services import expense_page as page

    add(alice, things, '4.00', date='2026-01-16')
    add(alice, things, '5.00', date='2026-02-16')
    monkeypatch.setattr(page, '_PAGE_SQL', {})
    monkeypatch.setenv('WIS_CHECK_PREPARED', '0')
    january, february = _same_bytes(alice), _same_bytes(alice, Month(2026, 2))
    assert len(january) == len(february) == 1 and len(page._PAGE_SQL) == 1
    [key] = page._PAGE_SQL
    sql, column_params = page._PAGE_SQL[key]
    page._PAGE_SQL[key] = (sql.replace('"id"', '"amount_cents"', 1), column_params)
    monkeypatch.setenv('WIS_CHECK_PREPARED', '1')
    with pytest.raises(prepared.PreparedMismatch):
        expense_page.list_plain(alice, JANUARY)


def test_a_row_deleted_between_the_two_reads_is_left_out(alice, things, monkeypatch) -> None:
    """The rows SQLite cannot write are read again by their ids, in a second statement: one deleted by
    another request in between is not listed, and the listing answers instead of failing."""
    from app.services import expense_listing
    from app.services import expense_page as page

    tagged = add(alice, things, '4.00', date='2026-01-16', tags='kept')
    gone = add(alice, things, '5.00', date='2026-01-17', tags='deleted meanwhile')
    plain = add(alice, things, '6.00', date='2026-01-18')
    real = expense_listing.plain_rows_of_query

    def deleting_first(query):
        expenses.delete_expense(alice, gone.id)
        return real(query)

    monkeypatch.setattr(page, 'plain_rows_of_query', deleting_first)
    listed = orjson.loads(encode(expense_page.list_plain(alice, JANUARY)))['expenses']
    assert {row['id'] for row in listed} == {tagged.id, plain.id}
