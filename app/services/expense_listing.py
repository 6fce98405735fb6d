"""A page of expenses for the API's JSON answer, built as plain dicts straight from the cursor (issue 21, item 5):
the rows SQLite does not write as JSON itself (app/services/expense_page.py), and every row on PostgreSQL.

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
from typing import Any, cast

from peewee import SQL, ColumnBase, ModelSelect, fn

from app.db import db
from app.models import Category, Expense, ExpenseSplit, ExpenseTag, PaymentMethod, Receipt, User
from app.services import conversion, receipt_rows, splits, tags
from app.services.id_lists import among
from app.services.timestamps import as_date, as_utc, iso_utc

__all__ = ['HAS_COLUMNS', 'plain_rows_of_query']


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


# The expense's own columns only, in this order: the names it is filed under come from the few categories,
# payment methods and users of the page (`_names`), not once per row from the joins (a month of 2,300 rows
# fetched 22 columns, 6 of them names repeated on every row: a third of the fetch, bench/peers.py).
_PLAIN_COLUMNS = (
    Expense.id,
    Expense.amount_cents,
    Expense.original_cents,
    Expense.currency,
    Expense.date,
    Expense.category,
    Expense.subcategory,
    Expense.payment_method,
    Expense.description,
    Expense.latitude,
    Expense.longitude,
    Expense.place,
    Expense.owner,
    Expense.created_at,
    Expense.updated_at,
)


@dataclass(frozen=True, slots=True)
class _Names:
    """What the rows of a page are filed under and who made them: (name, colour) by category id, name by
    payment method id, (username, household currency) by user id."""

    categories: dict[int, tuple[str, str]]
    payment_methods: dict[int, str]
    users: dict[int, tuple[str, str]]

    @classmethod
    def of(cls, found: Sequence[tuple]) -> _Names:
        category_ids = {row[5] for row in found} | {row[6] for row in found if row[6] is not None}
        method_ids = {row[7] for row in found if row[7] is not None}
        user_ids = {row[12] for row in found}
        categories = Category.select(Category.id, Category.name, Category.color).where(among(Category.id, category_ids))
        methods = PaymentMethod.select(PaymentMethod.id, PaymentMethod.name).where(among(PaymentMethod.id, method_ids))
        users = User.select(User.id, User.username, User.currency).where(among(User.id, user_ids))
        return cls(
            {n: (name, color) for n, name, color in _tuples(categories)},
            dict(_tuples(methods)) if method_ids else {},
            {n: (name, currency) for n, name, currency in _tuples(users)},
        )


def _has(model: Any, column: Any, *more: Any) -> ColumnBase:
    """Whether the row has any of these (one probe of `column`'s index per row)."""
    return fn.EXISTS(model.select(SQL('1')).where(column == Expense.id, *more))


# Whether each row has tags, receipts, a split: only those rows are looked up for them. Most expenses have
# none, and a look-up by 2,300 ids costs ~1 ms each to write and parse where the probes cost a third of it.
HAS_COLUMNS = (
    _has(ExpenseTag, ExpenseTag.expense),
    _has(Receipt, Receipt.expense_id, receipt_rows.live()),
    _has(ExpenseSplit, ExpenseSplit.expense),
)


def _tuples(query: ModelSelect[Any]) -> list[tuple[Any, ...]]:
    return cast(list[tuple[Any, ...]], db.execute(query).fetchall())


def plain_rows_of_query(query: ModelSelect[Expense]) -> list[dict[str, Any]]:
    """The rows of a query of `expense_rows._joined_query(...)` (its joins kept for its conditions and its
    order) as `ExpenseRow`s serialise, with their names, receipts, tags, payer and split, and the mark of a
    missing rate (one query each for the page, for the rows that have any).

    One dict literal per row and no function call in the loop but for text that is not SQLite's: the loop
    runs 2,300 times for a month of the benchmark. An amount is `cents / 100`, which is `cents_to_number`'s
    `round(cents / 100, 2)` for every whole number of cents below 2**46 (tests/test_expense_listing.py)."""
    found = db.execute(query.select(*_PLAIN_COLUMNS, *HAS_COLUMNS)).fetchall()
    tagged = tags.tags_of([row[0] for row in found if row[15]])
    receipts = receipt_rows.for_expenses([row[0] for row in found if row[16]])
    split = splits.split_views([row[0] for row in found if row[17]])
    names = _Names.of(found)
    categories, methods, users = names.categories, names.payment_methods, names.users
    foreign = [row[0] for row in found if row[3] and row[3] != users[row[12]][1]]
    waiting = conversion.waiting_ids(foreign) if foreign else set()
    days: dict[Any, date | str] = {}
    out: list[dict[str, Any]] = []
    append = out.append
    for (
        number,
        counted,
        original,
        currency,
        day,
        category_id,
        sub_id,
        method_id,
        description,
        latitude,
        longitude,
        place,
        owner,
        created,
        updated,
        _,
        _,
        _,
    ) in found:
        own = original if original is not None else counted
        category, color = categories[category_id]
        creator, household = users[owner]
        shared = split.get(number)
        payer, view = (owner, None) if shared is None else shared
        missing = number in waiting if waiting else False
        if day not in days:
            days[day] = _day(day)
        append(
            {
                'id': number,
                'amount': own / 100,
                'amount_cents': own,
                'date': days[day],
                'category_id': category_id,
                'category': category,
                'category_color': color,
                'subcategory_id': sub_id,
                'subcategory': categories[sub_id][0] if sub_id and sub_id in categories else None,
                'payment_method_id': method_id,
                'payment_method': methods.get(method_id) if method_id else None,
                'description': description,
                'latitude': latitude,
                'longitude': longitude,
                'place': place,
                'owner_id': owner,
                'created_by': creator,
                'created_at': _stamp(created),
                'updated_at': _stamp(updated),
                'receipts': receipts.get(number, ()),
                'tags': tagged.get(number, ()),
                'paid_by': payer,
                'split': view,
                'currency': currency or household,
                'counted_currency': household,
                'counted_amount': None if missing else counted / 100,
                'counted_cents': None if missing else counted,
                'rate_missing': missing,
            }
        )
    return out
