"""How an expense is read: the joined query that brings the names of what it is filed under, and the row
built from it (with its tags and receipts, loaded for a whole page at once). Shared by `expenses` (one expense) and
`expense_search` (lists, searches, exports), apart from both so that neither imports the other."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from peewee import JOIN, ModelSelect

from app.db import db
from app.models import Category, Expense, PaymentMethod, User
from app.services import conversion, receipt_rows, splits, tags
from app.services.expenses_types import ExpenseRow
from app.services.money import cents_to_number
from app.services.timestamps import as_date, as_utc

Subcategory = Category.alias('subcategory')


def _row(expense: Expense, tag_names: tuple[str, ...] = (), paid_by: int | None = None) -> ExpenseRow:
    """From an expense read by `_joined_query` with `_ROW_COLUMNS` (the names come as aliases)."""
    names: Any = expense  # the aliased columns are attributes peewee adds to the instance
    household = names.household_currency
    original = expense.original_cents if expense.original_cents is not None else expense.amount_cents
    return ExpenseRow(
        id=expense.id,
        amount=cents_to_number(original),
        amount_cents=original,
        currency=expense.currency or household,
        counted_currency=household,
        counted_amount=cents_to_number(expense.amount_cents),
        counted_cents=expense.amount_cents,
        date=as_date(expense.date),
        category_id=expense.category_id,
        category=names.category_name,
        category_color=names.category_color,
        subcategory_id=expense.subcategory_id,
        subcategory=names.subcategory_name if expense.subcategory_id else None,
        payment_method_id=expense.payment_method_id,
        payment_method=names.payment_method_name if expense.payment_method_id else None,
        description=expense.description,
        latitude=expense.latitude,
        longitude=expense.longitude,
        place=expense.place,
        owner_id=expense.owner_id,
        created_by=names.created_by,
        created_at=as_utc(expense.created_at),
        updated_at=as_utc(expense.updated_at),
        tags=tag_names,
        paid_by=paid_by,
    )


def rows_of(expenses: Iterable[Expense]) -> list[ExpenseRow]:
    """Rows for a batch of expenses (a page, a chunk of an export), with their tags and their receipts in
    one more query each."""
    batch = list(expenses)
    names = tags.tags_of([expense.id for expense in batch])
    rows = receipt_rows.with_receipts(tuple(_row(expense, names.get(expense.id, ())) for expense in batch))
    return _marked(list(splits.with_splits(rows)))


def new_row(expense: Expense, *, tagged: bool, split: bool) -> ExpenseRow:
    """The row of an expense this call has just created (read by `_joined_query` with `_ROW_COLUMNS`), asking
    only for what it can have: no receipt yet (one is attached to an expense that exists), its tags only when
    it was given some, its split only when one was recorded. The same row as `rows_of`, three queries fewer
    per save (tests/test_expense_create_row.py)."""
    names = tags.tags_of([expense.id]).get(expense.id, ()) if tagged else ()
    row = _row(expense, names, paid_by=expense.owner_id)
    return _marked([splits.with_split(row) if split else row])[0]


def _marked(rows: list[ExpenseRow]) -> list[ExpenseRow]:
    """The rows whose rate is missing marked so, without their counted amount (one query, and only when a
    row is in a foreign currency)."""
    foreign = [row.id for row in rows if row.currency != row.counted_currency]
    waiting = conversion.waiting_ids(foreign) if foreign else set()
    if not waiting:
        return rows
    return [
        replace(row, rate_missing=True, counted_amount=None, counted_cents=None) if row.id in waiting else row
        for row in rows
    ]  # and who paid, how it is split (issue 20)


def rows_of_query(query: ModelSelect[Expense]) -> list[ExpenseRow]:
    """Rows for a query of `_joined_query(*_ROW_COLUMNS)`, read from the raw cursor by column name: a
    month of 2,300 expenses without a peewee model per row (bench/peers.py)."""
    cursor = db.execute(query)
    names = [column[0] for column in cursor.description]
    found = [dict(zip(names, values)) for values in cursor]
    tagged = tags.tags_of([row['id'] for row in found])
    rows = tuple(
        ExpenseRow(
            id=row['id'],
            # issue 20: the amount as typed, in its own currency; the counted one in the household's
            amount=cents_to_number(_own(row)),
            amount_cents=_own(row),
            currency=row['currency'] or row['household_currency'],
            counted_currency=row['household_currency'],
            counted_amount=cents_to_number(row['amount_cents']),
            counted_cents=row['amount_cents'],
            date=as_date(row['date']),
            category_id=row['category_id'],
            category=row['category_name'],
            category_color=row['category_color'],
            subcategory_id=row['subcategory_id'],
            subcategory=row['subcategory_name'] if row['subcategory_id'] else None,
            payment_method_id=row['payment_method_id'],
            payment_method=row['payment_method_name'] if row['payment_method_id'] else None,
            description=row['description'],
            latitude=row['latitude'],
            longitude=row['longitude'],
            place=row['place'],
            owner_id=row['owner_id'],
            created_by=row['created_by'],
            created_at=as_utc(row['created_at']),
            updated_at=as_utc(row['updated_at']),
            tags=tagged.get(row['id'], ()),
            paid_by=row['owner_id'],  # what with_splits sets when there is no split
        )
        for row in found
    )
    return _marked(list(splits.with_splits(receipt_rows.with_receipts(rows))))


def _own(row: dict) -> int:
    return row['original_cents'] if row['original_cents'] is not None else row['amount_cents']


def _joined_query(*columns: Any) -> ModelSelect[Expense]:
    """Expenses with the names of their category, subcategory, payment method and creator in one query."""
    return (
        Expense.select(*columns)
        .join(Category, on=(Expense.category == Category.id))
        .switch(Expense)
        .join(Subcategory, JOIN.LEFT_OUTER, on=(Expense.subcategory == Subcategory.id))
        .switch(Expense)
        .join(PaymentMethod, JOIN.LEFT_OUTER, on=(Expense.payment_method == PaymentMethod.id))
        .switch(Expense)
        .join(User, on=(Expense.owner == User.id))
    )


_ROW_COLUMNS = (
    Expense,
    Category.name.alias('category_name'),
    Category.color.alias('category_color'),
    Subcategory.name.alias('subcategory_name'),
    PaymentMethod.name.alias('payment_method_name'),
    User.username.alias('created_by'),
    User.currency.alias('household_currency'),
)
