"""A page of expenses for the API's JSON answer, built as plain dicts straight from the cursor (issue 21, item 5).

`GET /sysapi/expenses` answers a month of 2,300 expenses, about 1 MB of JSON. Building an `ExpenseRow` per
row (a frozen dataclass, two parsed datetimes, copies for receipts and splits) and having pydantic validate
and encode them took most of that request (bench/peers.py, docs/PERFORMANCE.md). Here each row is one dict
whose keys are `ExpenseRow`'s fields in their order and whose values are already what pydantic would write
(timestamps as `YYYY-MM-DDTHH:MM:SSZ` text, dates as `date`s), so that the API encodes the page with orjson
in one call. The rules (who sees what, filters, sorting, counting) stay in `expense_search.page_parts`: this
module only changes how the rows of its query are built. tests/test_expense_listing.py compares the bytes
with pydantic's encoding of the `ExpenseRow`s, field by field, on rows with every kind of content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peewee import ModelSelect

from app.db import db
from app.models import Expense, User
from app.services import conversion, receipt_rows, splits, tags
from app.services.expense_search import DEFAULT_SORT, ExpenseFilters, page_parts
from app.services.expenses_types import ExpenseRow
from app.services.money import cents_to_number
from app.services.months import Month
from app.services.timestamps import as_date, as_utc, iso_utc

__all__ = ['ExpenseListing', 'list_plain', 'plain_rows_of_query']


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpenseListing:
    """`ExpensePage` with its rows as plain dicts (or `ExpenseRow`s for a search ranked by words): the same
    fields in the same order, so that orjson writes what pydantic writes for an `ExpensePage`."""

    month: str
    count: int
    total: float
    total_cents: int
    offset: int
    expenses: Sequence[dict[str, Any] | ExpenseRow]


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
        user, month, sort=sort, offset=offset, limit=limit, filters=filters, build=plain_rows_of_query
    )
    return ExpenseListing(
        month=name, count=count, total=cents_to_number(cents), total_cents=cents, offset=offset, expenses=rows
    )


def _stamp(value: datetime | str) -> str:
    """`timestamps.iso_utc(as_utc(value))`, without parsing the text SQLite gives back for naive UTC
    (`2026-12-02 16:07:32.123456`, or without the fraction): its first 19 characters are the answer."""
    if isinstance(value, str) and (len(value) == 19 or (len(value) == 26 and value[19] == '.')) and value[10] == ' ':
        return f'{value[:10]}T{value[11:19]}Z'
    return iso_utc(as_utc(value))


def _day(value: date | str) -> date | str:
    """The date as pydantic writes it: SQLite's text is already `YYYY-MM-DD`."""
    if isinstance(value, str) and len(value) == 10:
        return value
    return as_date(value)


def plain_rows_of_query(query: ModelSelect[Expense]) -> list[dict[str, Any]]:
    """The rows of a query of `expense_rows._joined_query(*_ROW_COLUMNS)` as `ExpenseRow`s serialise, with
    their receipts, tags, payer and split, and the mark of a missing rate (one query each for the page)."""
    cursor = db.execute(query)
    at = {column[0]: n for n, column in enumerate(cursor.description)}
    found = cursor.fetchall()
    ids = [row[at['id']] for row in found]
    tagged = tags.tags_of(ids)
    receipts = receipt_rows.for_expenses(ids)
    split = splits.split_views(ids)
    (i_id, i_amount, i_original, i_date, i_category, i_category_name, i_color, i_sub, i_sub_name) = (
        at[name]
        for name in (
            'id',
            'amount_cents',
            'original_cents',
            'date',
            'category_id',
            'category_name',
            'category_color',
            'subcategory_id',
            'subcategory_name',
        )
    )
    (i_method, i_method_name, i_description, i_lat, i_lon, i_place, i_owner, i_by, i_created, i_updated) = (
        at[name]
        for name in (
            'payment_method_id',
            'payment_method_name',
            'description',
            'latitude',
            'longitude',
            'place',
            'owner_id',
            'created_by',
            'created_at',
            'updated_at',
        )
    )
    i_currency, i_household = at['currency'], at['household_currency']
    foreign = [row[i_id] for row in found if row[i_currency] and row[i_currency] != row[i_household]]
    waiting = conversion.waiting_ids(foreign) if foreign else set()
    out = []
    for row in found:
        number = row[i_id]
        counted = row[i_amount]
        own = row[i_original] if row[i_original] is not None else counted
        household = row[i_household]
        shared = split.get(number)
        payer, view = (row[i_owner], None) if shared is None else shared
        missing = number in waiting
        out.append(
            {
                'id': number,
                'amount': cents_to_number(own),
                'amount_cents': own,
                'date': _day(row[i_date]),
                'category_id': row[i_category],
                'category': row[i_category_name],
                'category_color': row[i_color],
                'subcategory_id': row[i_sub],
                'subcategory': row[i_sub_name] if row[i_sub] else None,
                'payment_method_id': row[i_method],
                'payment_method': row[i_method_name] if row[i_method] else None,
                'description': row[i_description],
                'latitude': row[i_lat],
                'longitude': row[i_lon],
                'place': row[i_place],
                'owner_id': row[i_owner],
                'created_by': row[i_by],
                'created_at': _stamp(row[i_created]),
                'updated_at': _stamp(row[i_updated]),
                'receipts': receipts.get(number, ()),
                'tags': tagged.get(number, ()),
                'paid_by': payer,
                'split': view,
                'currency': row[i_currency] or household,
                'counted_currency': household,
                'counted_amount': None if missing else cents_to_number(counted),
                'counted_cents': None if missing else counted,
                'rate_missing': missing,
            }
        )
    return out
