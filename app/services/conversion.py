"""Counting an expense in its owner's household currency (issue 20, item 4).

An expense keeps its own currency and amount (`Expense.currency`, `Expense.original_cents`); what every
total adds (`Expense.amount_cents`, and its split's `ExpenseShare.share_cents`) is that amount converted
into its owner's household currency (`User.currency`) at the rate of the expense's date. Rows whose
currency is NULL predate currencies and are in their owner's currency already.

**The rate of a date.** The rate published for that day, or else the latest one published in the
`MAX_GAP_DAYS` days before it (the ECB publishes on working days only: a Sunday expense takes Friday's
rate). Nothing older: a rate a week stale is treated as missing, and so is a date in the future beyond
that. Between two currencies other than the euro the conversion goes through the euro (cross rate:
amount x rate(target) / rate(source), both per euro, computed exactly with fractions).

**Rounding.** Once, at the end, half-up (0.5 rounds away from zero) to the smallest unit of the target
currency: the cent, or the whole yen for JPY (a multiple of 100 hundredths); a currency with three
decimals (TND) is kept to the hundredth, the app's unit of storage. A positive amount never becomes 0:
it counts at least the smallest unit. A split's parts are then the converted amount shared in proportion
to the parts given in the original currency (`allocation.allocate`, the rule of splits), so they still add
up to the cent.

**A missing rate.** The expense is counted for nothing: it gets a `MissingRate` row, every total leaves it
out (`counted()`), and `amount_cents` holds the original amount only to keep the column's CHECK. When the
rate arrives (`recount_rates`), it is converted and counted like any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast

from app.db import write_transaction
from app.models import Expense, ExpenseShare, ExpenseSplit, MissingRate, User
from app.models.currency import ExchangeRate
from app.services import currencies
from app.services.allocation import allocate

MAX_GAP_DAYS = 7
BASE = 'EUR'


def counted() -> Any:
    """The condition every total puts on Expense: not waiting for a rate. (A NOT IN over the small
    MissingRate table: SQLite still answers the dashboard's aggregates from the covering index.)"""
    return Expense.id.not_in(MissingRate.select(MissingRate.expense))


# --- rates ----------------------------------------------------------------------------------------


@dataclass
class RateBook:
    """Rates looked up once per (currency, date) during one counting pass."""

    seen: dict[tuple[str, date], Fraction | None] = field(default_factory=dict)

    def rate(self, currency: str, day: date) -> Fraction | None:
        """Units of `currency` per euro on `day` by the module's rule; None when missing."""
        if currency == BASE:
            return Fraction(1)
        key = (currency, day)
        if key not in self.seen:
            row = (
                ExchangeRate.select(ExchangeRate.rate)
                .where(
                    (ExchangeRate.currency == currency)
                    & (ExchangeRate.day <= day)
                    & (ExchangeRate.day >= day - timedelta(days=MAX_GAP_DAYS))
                )
                .order_by(ExchangeRate.day.desc())
                .first()
            )
            self.seen[key] = Fraction(Decimal(row.rate)) if row is not None else None
        return self.seen[key]

    def convert(self, cents: int, source: str, target: str, day: date) -> int | None:
        """`cents` of `source` in `target` at the rate of `day` (the module's rules); None: a rate is missing."""
        if source == target:
            return cents
        to_rate, from_rate = self.rate(target, day), self.rate(source, day)
        if to_rate is None or from_rate is None:
            return None
        return round_to(Fraction(cents) * to_rate / from_rate, target)


def round_to(exact: Fraction, currency: str) -> int:
    """Half-up to the smallest unit of `currency`, in hundredths; at least that unit for a positive amount."""
    step = currencies.step_cents(currency)
    units = exact / step
    whole = int(units + Fraction(1, 2)) if units >= 0 else -int(-units + Fraction(1, 2))
    return max(whole, 1) * step if exact > 0 else whole * step


def convert(cents: int, source: str, target: str, day: date) -> int | None:
    """One conversion (see RateBook.convert)."""
    return RateBook().convert(cents, source, target, day)


# --- counting expenses ---------------------------------------------------------------------------


def _weights(expense_ids: list[int]) -> dict[int, list[tuple[int, Fraction, int]]]:
    """For each split expense: its shares (id, weight, cents now) in order, the weights being the parts
    given in the original currency (1 each for an equal split)."""
    out: dict[int, list[tuple[int, Fraction, int]]] = {}
    if not expense_ids:
        return out
    rows: Iterable[tuple[int, str, str, int, int]] = cast(
        Any,
        ExpenseShare.select(
            ExpenseShare.id, ExpenseShare.part, ExpenseSplit.mode, ExpenseSplit.expense, ExpenseShare.share_cents
        )
        .join(ExpenseSplit, on=(ExpenseShare.split == ExpenseSplit.id))
        .where(ExpenseSplit.expense.in_(expense_ids))
        .order_by(ExpenseSplit.expense, ExpenseShare.position)
        .tuples(),
    )
    for share_id, part, mode, expense_id, cents in rows:
        weight = Fraction(1) if mode == 'equal' or not part else Fraction(Decimal(part))
        out.setdefault(expense_id, []).append((share_id, weight, cents))
    return out


def _write_shares(shares: list[tuple[int, Fraction, int]], cents: int) -> None:
    """The shares of `cents` in proportion to the weights; only the ones that change are written."""
    weights = [w for _, w, _ in shares]
    if sum(weights) <= 0:
        weights = [Fraction(1)] * len(shares)
    for (share_id, _, now), part in zip(shares, allocate(cents, weights), strict=True):
        if part != now:
            ExpenseShare.update(share_cents=part).where(ExpenseShare.id == share_id).execute()


def _count_rows(rows: Iterable[tuple[int, int, str | None, int | None, date, str]], book: RateBook) -> int:
    """Count each (id, amount_cents, currency, original_cents, date, target) row; returns how many are
    still waiting for a rate. Inside the caller's transaction."""
    rows = list(rows)
    if not rows:
        return 0
    split_weights = _weights([row[0] for row in rows])
    waiting = {r.expense_id for r in MissingRate.select(MissingRate.expense).where(
        MissingRate.expense.in_([row[0] for row in rows]))}  # fmt: skip
    missing = 0
    for expense_id, amount, currency, original, day, target in rows:
        day = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
        source = currency or target
        base = original if original is not None else amount
        cents = book.convert(base, source, target, day)
        if cents is None:
            missing += 1
            cents = base  # a stand-in that keeps the CHECK; counted() leaves the expense out
            if expense_id not in waiting:
                MissingRate.create(expense=expense_id, currency=source, day=day)
        elif expense_id in waiting:
            MissingRate.delete().where(MissingRate.expense == expense_id).execute()  # type: ignore[misc]  # types-peewee: Model.delete
        if cents != amount:
            Expense.update(amount_cents=cents).where(Expense.id == expense_id).execute()
        if expense_id in split_weights:
            _write_shares(split_weights[expense_id], cents)
    return missing


def _rows(where: Any) -> list[tuple[int, int, str | None, int | None, date, str]]:
    query = (
        Expense.select(
            Expense.id, Expense.amount_cents, Expense.currency, Expense.original_cents, Expense.date, User.currency
        )
        .join(User, on=(Expense.owner == User.id))
        .where(where)
        .order_by(Expense.id)
    )
    return list(cast(Any, query.tuples()))


def count_expense(expense_id: int) -> bool:
    """Convert one expense into its owner's household currency (after a create or an edit); False when
    its rate is missing. Inside the caller's transaction."""
    return count_expenses([expense_id]) == 0


def count_expenses(expense_ids: list[int]) -> int:
    """Convert several new expenses at once (an import); returns how many wait for a rate. Inside the
    caller's transaction."""
    with write_transaction():  # a savepoint inside the caller's
        return _count_rows(_rows(Expense.id.in_(expense_ids)), RateBook())


def uncount_expense(expense_id: int) -> None:
    """Put an expense back in its own currency (its amount and shares), so that an edit's split is checked
    against the amount the person typed; `count_expense` converts it again after the edit."""
    with write_transaction():  # a savepoint inside the caller's
        rows = _rows((Expense.id == expense_id) & Expense.currency.is_null(False))
        for row_id, amount, _currency, original, _day, _target in rows:
            if original is None:
                continue
            if amount != original:
                Expense.update(amount_cents=original).where(Expense.id == row_id).execute()
            shares = _weights([row_id]).get(row_id)
            if shares:
                _write_shares(shares, original)


def recount_owner(owner_id: int, book: RateBook | None = None) -> int:
    """Count every expense of `owner_id` again (their household currency changed); how many wait for a
    rate. Rows from before currencies are first given the owner's former currency (`freeze_owner`)."""
    with write_transaction():
        return _count_rows(_rows(Expense.owner == owner_id), book or RateBook())


def freeze_owner(owner_id: int, currency: str) -> None:
    """Rows without a currency are in their owner's current one: say so before that currency changes."""
    with write_transaction():
        Expense.update({Expense.currency: currency, Expense.original_cents: Expense.amount_cents}).where(
            (Expense.owner == owner_id) & Expense.currency.is_null()
        ).execute()


def recount_rates(days: Mapping[str, Iterable[date]]) -> int:
    """Count again the expenses that new rates may change: those in, or counted in, one of the currencies,
    dated from a new rate's day to MAX_GAP_DAYS after it. Returns how many still wait for a rate."""
    conditions: list[Any] = []
    for code, dates in days.items():
        listed = sorted(set(dates))
        if not listed:
            continue
        first, last = listed[0], listed[-1] + timedelta(days=MAX_GAP_DAYS)
        concerned = (Expense.currency == code) | (User.currency == code)
        conditions.append(concerned & (Expense.date >= first) & (Expense.date <= last))
    if not conditions:
        return 0
    either = conditions[0]
    for condition in conditions[1:]:
        either = either | condition
    foreign = Expense.currency.is_null(False) & (Expense.currency != User.currency)
    with write_transaction():
        return _count_rows(_rows(foreign & either), RateBook())


def waiting_ids(expense_ids: Iterable[int]) -> set[int]:
    """Which of these expenses wait for a rate (for the 'rate missing' mark)."""
    ids = list(expense_ids)
    if not ids:
        return set()
    return {row.expense_id for row in MissingRate.select(MissingRate.expense).where(MissingRate.expense.in_(ids))}


def every_waiting() -> set[int]:
    """The ids of all the expenses that wait for a rate (a small table: read whole)."""
    return {row.expense_id for row in MissingRate.select(MissingRate.expense)}
