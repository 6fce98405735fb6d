"""What the expenses service returns: frozen dataclasses that the API serialises as they are
(`response_model=`) and the pages read by attribute. Apart from `expenses.py` only to keep it short."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.services.receipt_types import ReceiptRef
from app.services.splits_types import SplitView
from app.services.timestamps import Timestamp

__all__ = ['DeletedExpense', 'ExpensePage', 'ExpenseRow', 'LastChoices', 'LongestTexts']


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpenseRow:
    """An expense with the names of what it is filed under: the same shape for the API, the pages and the
    exports. `amount` is `amount_cents` as a number of the currency, rounded to cents.

    Currencies (issue 20): `amount` is in the expense's own `currency`, as it was typed; `counted_amount` is
    what it counts for in the household's `counted_currency` (converted at the rate of its date), None while
    that rate is missing (`rate_missing`: every total leaves it out until the rate arrives)."""

    id: int
    amount: float
    amount_cents: int
    date: dt.date
    category_id: int
    category: str | None
    category_color: str | None
    subcategory_id: int | None
    subcategory: str | None
    payment_method_id: int | None
    payment_method: str | None
    description: str
    latitude: float | None
    longitude: float | None
    place: str
    owner_id: int
    created_by: str | None
    created_at: Timestamp
    updated_at: Timestamp
    receipts: tuple[ReceiptRef, ...] = ()
    tags: tuple[str, ...] = ()  # its tags, sorted by name (issue 18)
    paid_by: int | None = None  # who paid (issue 20): the owner unless a split says otherwise
    split: SplitView | None = None  # None: just the owner's
    currency: str = ''  # ISO 4217: the expense's own currency (its owner's household currency by default)
    counted_currency: str = ''  # the owner's household currency, what totals count in
    counted_amount: float | None = None
    counted_cents: int | None = None
    rate_missing: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpensePage:
    """One page of a month's expenses, with the count and the total of everything that matched."""

    month: str
    count: int
    total: float
    total_cents: int
    offset: int
    expenses: tuple[ExpenseRow, ...]


@dataclass(frozen=True, slots=True)
class LongestTexts:
    """The longest text of each column of a listing, and its biggest amount: what a spreadsheet needs to
    size its columns before it writes the first row."""

    category: int
    subcategory: int
    payment_method: int
    description: int
    created_by: int
    biggest_cents: int


@dataclass(frozen=True, slots=True, kw_only=True)
class LastChoices:
    category_id: int | None = None
    subcategory_id: int | None = None
    payment_method_id: int | None = None


@dataclass(frozen=True, slots=True)
class DeletedExpense:
    """A deleted expense as it was, so that Undo (`restore_expense`) can record it again: the row, and the
    two columns a row does not show (`created_at` as stored, and the client's request id)."""

    expense: ExpenseRow
    created_at: dt.datetime
    request_id: str | None
    receipt_ids: tuple[int, ...] = ()  # set aside with the expense, given back by its Undo

    @property
    def id(self) -> int:
        return self.expense.id
