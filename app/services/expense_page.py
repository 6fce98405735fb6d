"""A page's plain rows written as JSON by SQLite itself, one text per row (issue 21, item 5).

Most expenses of a month have no tags, no receipts, no split and are in their owner's currency: every field
of their `ExpenseRow` is a column of the expense or of the category, subcategory, payment method and creator
that the listing's query joins anyway. For those rows SQLite's `json_object` writes the row's JSON in C, and
orjson copies it into the answer as it is (`orjson.Fragment`): a month of 2,300 rows no longer builds 2,300
dicts of 28 keys, converts 40,000 values into Python objects, or formats 4,600 timestamps in Python, which
was most of the request (bench/peers.py, docs/PERFORMANCE.md). The other rows, and every row on PostgreSQL
(whose `json_build_object` spaces its output differently), are built by `expense_listing.plain_rows_of_query`.

The bytes must be pydantic's for the same `ExpenseRow` (tests/test_expense_listing.py compares them):
- SQLite writes a REAL with 15 significant digits, orjson with as many as it needs. An amount is at most 12
  digits of cents (`money.MAX_AMOUNT_CENTS`), so `cents / 100.0` reads the same in both; a row whose cents
  have more digits (never written by this app) takes the Python path. Coordinates need all 17 digits: they
  are written by orjson itself, through the `wis_json_number` function that `app.db` gives every SQLite
  connection.
- Timestamps are stored as naive UTC text; `strftime` writes them as `iso_utc` does, to the second, with a Z.
- Text is escaped as orjson escapes it: `"` and `\\`, the short forms of \\b \\t \\n \\f \\r, `\\u00XX` for the
  other control characters, everything else as UTF-8.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import orjson
from peewee import SQL, Case, ModelSelect, fn

from app import prepared
from app.db import db, is_postgres
from app.models import Category, Expense, PaymentMethod, User
from app.services.expense_listing import HAS_COLUMNS, plain_rows_of_query
from app.services.expense_rows import Subcategory
from app.services.expense_search import DEFAULT_SORT, ExpenseFilters, page_parts
from app.services.expenses_types import ExpenseRow
from app.services.id_lists import among
from app.services.money import cents_to_number
from app.services.months import Month

__all__ = ['ExpenseListing', 'json_rows_of_query', 'list_plain']

# below 10**15 cents, `%.15g` of cents / 100 is the shortest text that reads back as the same float
_EXACT_CENTS = 10**15
_EMPTY_LIST = fn.json_array()
_FALSE = fn.json(SQL("'false'"))
_HUNDRED = SQL('100.0')  # a literal: a parameter beside an integer field is converted to an int by peewee


def _own_cents() -> Any:
    return fn.COALESCE(Expense.original_cents, Expense.amount_cents)


def _stamp(column: Any) -> Any:
    return fn.strftime('%Y-%m-%dT%H:%M:%SZ', column)


def _coordinate(column: Any) -> Any:
    # the function only where there is a number: a call into Python costs more than the rest of the row
    return Case(None, [(column.is_null(False), fn.json(fn.wis_json_number(column)))], None)


def _row_json() -> Any:
    """`ExpenseRow`'s fields in their order, for a row without tags, receipts, split or other currency."""
    return fn.json_object(
        'id', Expense.id,
        'amount', _own_cents() / _HUNDRED,
        'amount_cents', _own_cents(),
        'date', fn.date(Expense.date),
        'category_id', Expense.category,
        'category', Category.name,
        'category_color', Category.color,
        'subcategory_id', Expense.subcategory,
        'subcategory', Subcategory.name,
        'payment_method_id', Expense.payment_method,
        'payment_method', PaymentMethod.name,
        'description', Expense.description,
        'latitude', _coordinate(Expense.latitude),
        'longitude', _coordinate(Expense.longitude),
        'place', Expense.place,
        'owner_id', Expense.owner,
        'created_by', User.username,
        'created_at', _stamp(Expense.created_at),
        'updated_at', _stamp(Expense.updated_at),
        'receipts', _EMPTY_LIST,
        'tags', _EMPTY_LIST,
        'paid_by', Expense.owner,
        'split', None,
        'currency', User.currency,
        'counted_currency', User.currency,
        'counted_amount', Expense.amount_cents / _HUNDRED,
        'counted_cents', Expense.amount_cents,
        'rate_missing', _FALSE,
    )  # fmt: skip


def _plain() -> Any:
    """Whether SQLite can write the row: nothing looked up elsewhere, nothing converted."""
    has_tags, has_receipts, has_split = HAS_COLUMNS
    own_currency = Expense.currency.is_null() | (Expense.currency == '') | (Expense.currency == User.currency)
    small = (fn.ABS(_own_cents()) < _EXACT_CENTS) & (fn.ABS(Expense.amount_cents) < _EXACT_CENTS)
    return ~has_tags & ~has_receipts & ~has_split & own_currency & small


_JSON_COLUMN = Case(None, [(_plain(), _row_json())], None)


# The page query's SQL by the SQL of the same query selecting only the id: peewee took ~1.5 ms to write the
# 28 fields' JSON column on every listing (bench/peers.py), where the rest of the query takes a fifth of that.
# The column comes first in the SELECT, so its parameters come first too; the key (conditions, joins, order,
# limit) keeps the rest. Bounded: `among` writes id lists into the SQL, one key per household's set of links.
_PAGE_SQL: dict[tuple[type, str], tuple[str, list[Any]]] = {}
_PAGE_SQL_KEPT = 256


def _page_sql(query: ModelSelect[Expense]) -> tuple[str, list[Any]]:
    """The SQL and parameters of `query.select(Expense.id, _JSON_COLUMN)`, built by peewee once per shape;
    under WIS_CHECK_PREPARED built every time and compared (app/prepared.py)."""
    base_sql, base_params = query.select(Expense.id).sql()
    key = (type(db.obj), base_sql)
    found = _PAGE_SQL.get(key)
    if found is None or prepared.checking():
        sql, params = query.select(Expense.id, _JSON_COLUMN).sql()
        column_params = list(params[: len(params) - len(base_params)])
        if list(params[len(column_params) :]) != list(base_params) or found not in (None, (sql, column_params)):
            raise prepared.PreparedMismatch(f'the listing query with its JSON column binds {params!r}')
        if len(_PAGE_SQL) >= _PAGE_SQL_KEPT:
            _PAGE_SQL.clear()
        found = _PAGE_SQL[key] = (sql, column_params)
    return found[0], [*found[1], *base_params]


def json_rows_of_query(query: ModelSelect[Expense]) -> list[dict[str, Any] | orjson.Fragment]:
    """The rows of `expense_listing.plain_rows_of_query`, in its order: the plain ones as SQLite's JSON, the
    others as its dicts (read again by their ids, the page's conditions kept)."""
    if is_postgres():
        return cast(list[dict[str, Any] | orjson.Fragment], plain_rows_of_query(query))
    sql, params = _page_sql(query)
    found = cast(list[tuple[int, str | None]], db.execute_sql(sql, params).fetchall())
    rows: list[dict[str, Any] | orjson.Fragment | None] = [
        orjson.Fragment(text) if text is not None else None for _, text in found
    ]
    others = [number for number, text in found if text is None]
    if others:
        built = {
            row['id']: row
            for row in plain_rows_of_query(query.where(among(Expense.id, others)).limit(None).offset(None))
        }
        # read in a second statement: an expense deleted (or moved out of the page) in between is left out
        rows = [built.get(number) if row is None else row for row, (number, _) in zip(rows, found)]
    return [row for row in rows if row is not None]


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpenseListing:
    """`ExpensePage` with its rows as SQLite's JSON or plain dicts (or `ExpenseRow`s for a search ranked by
    words): the same fields in the same order, so that orjson writes what pydantic writes for an `ExpensePage`."""

    month: str
    count: int
    total: float
    total_cents: int
    offset: int
    expenses: Sequence[orjson.Fragment | dict[str, Any] | ExpenseRow]


def list_plain(
    user: User,
    month: Month | None,
    *,
    sort: str = DEFAULT_SORT,
    offset: int = 0,
    limit: int | None = None,
    filters: ExpenseFilters | None = None,
) -> ExpenseListing:
    """`expense_search.list_expenses` for the API's encoder: the same expenses, count and total."""
    name, count, cents, rows = page_parts(
        user, month, sort=sort, offset=offset, limit=limit, filters=filters, build=json_rows_of_query
    )
    return ExpenseListing(
        month=name, count=count, total=cents_to_number(cents), total_cents=cents, offset=offset, expenses=rows
    )
