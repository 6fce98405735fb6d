"""The rows of an export (CSV or XLSX), streamed: the eleven columns a file needs and nothing else.

`iter_expenses` builds a full `ExpenseRow` (receipts, splits, timestamps, a peewee model per row) and asks
for the tags 500 expenses at a time; for 100,000 expenses that was most of an export's time. Here two
cursors run side by side over the same expenses in the same order (date, then id): one over the expenses
with the names of what they are filed under, one over their tags and one over their receipts' file names,
merged as they come. Three queries whatever the size, and nothing held but the current row (bench/exports.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, NamedTuple

from app.db import db
from app.models import Category, Expense, ExpenseTag, PaymentMethod, Receipt, Tag, User
from app.services.expense_rows import Subcategory, _joined_query
from app.services.expense_search import ExpenseFilters, conditions_for
from app.services.months import Month
from app.services.tags import key_of
from app.services.timestamps import as_date


class ExportRow(NamedTuple):
    """One expense as a file shows it; names are None when the expense has none."""

    date: date
    amount_cents: int
    category: str | None
    subcategory: str | None
    payment_method: str | None
    description: str
    latitude: float | None
    longitude: float | None
    created_by: str | None
    tags: tuple[str, ...]
    receipts: tuple[str, ...]  # the file names of the receipts shown with it


class _Beside:
    """A cursor over (date, expense id, name) rows in the expenses' order, read as the expenses go by."""

    def __init__(self, query: Any) -> None:
        self.rows = iter(db.execute(query))
        self.pending: Any = next(self.rows, None)

    def names_of(self, day: Any, expense_id: int) -> list[str]:
        names: list[str] = []
        # a row of an expense before this one (removed between the two reads) is skipped, not waited for
        while self.pending is not None and (self.pending[0], self.pending[1]) <= (day, expense_id):
            if self.pending[1] == expense_id:
                names.append(self.pending[2])
            self.pending = next(self.rows, None)
        return names


def iter_export_rows(
    user: User, month: Month | None, *, scope: str = 'everyone', filters: ExpenseFilters | None = None
) -> Iterator[ExportRow]:
    """Every expense `iter_expenses` would give, in the same order, as `ExportRow`s."""
    conditions = conditions_for(user, month, scope=scope, filters=filters)
    order = (Expense.date, Expense.id)
    rows = (
        _joined_query(
            Expense.id,
            Expense.date,
            Expense.amount_cents,
            Category.name,
            Subcategory.name,
            PaymentMethod.name,
            Expense.description,
            Expense.latitude,
            Expense.longitude,
            User.username,
        )
        .where(*conditions)
        .order_by(*order)
    )
    tagged = (
        ExpenseTag.select(Expense.date, ExpenseTag.expense, Tag.name)
        .join(Tag, on=(ExpenseTag.tag == Tag.id))
        .switch(ExpenseTag)
        .join(Expense, on=(ExpenseTag.expense == Expense.id))
        .where(*conditions)
        .order_by(*order)
    )
    filed = (
        Receipt.select(Expense.date, Receipt.expense_id, Receipt.filename)
        .join(Expense, on=(Receipt.expense_id == Expense.id))
        .where(Receipt.deleted_at.is_null(), *conditions)  # one set aside by a deletion is not shown
        .order_by(*order, Receipt.id)
    )
    # raw cursors: peewee's per-row conversion costs more than the query; dates are normalised by as_date
    tag_rows, receipt_rows = _Beside(tagged), _Beside(filed)
    for expense_id, day, cents, category, subcategory, method, description, lat, lon, creator in db.execute(rows):
        names = tag_rows.names_of(day, expense_id)
        yield ExportRow(
            as_date(day),
            cents,
            category,
            subcategory,
            method,
            description,
            lat,
            lon,
            creator,
            tuple(sorted(names, key=key_of)) if names else (),
            tuple(receipt_rows.names_of(day, expense_id)),
        )
