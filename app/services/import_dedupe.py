"""Which rows of a file the household already has (issue 16, item 5).

- The file's own id for a transaction (OFX/QFX FITID, CAMT entry reference, our export's id), once
  imported, is remembered (`ImportedExpense.external_id`) and is the strongest key: a row carrying a known
  id is a duplicate whatever its other columns say now.
- Otherwise a row matches an expense of the household with the same date, amount and folded description.
  The file and the database are compared as multisets: two identical coffees on one day in the file and
  none in the database are both new; the same file again finds both and imports neither; three in the
  file against two in the database import one.
- A purchase of the file reduced by a refund of the file (`import_refunds`) matches at its reduced amount (the
  same file again) or at its full amount (recorded from an earlier file, before the refund).
- A row left new that has the amount of an expense entered by hand (not by an import) dated at most
  three days away is a possible duplicate: the person keeps or skips it. Each expense explains one row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from peewee import fn

from app.db import db
from app.models import Expense, ImportedExpense, User
from app.services import access
from app.services.import_names import fold
from app.services.timestamps import as_date

LOOSE_DAYS = 3
_CHUNK = 500


@dataclass(slots=True)
class Candidate:
    """A readable row on its way in: what the duplicate check needs, and its verdict."""

    row_number: int
    date: dt.date
    amount_cents: int
    description: str
    external_id: str | None
    verdict: str = 'new'  # 'new' | 'duplicate' | 'possible'
    match_id: int | None = None
    match_date: dt.date | None = None
    match_description: str = ''
    original_cents: int | None = None  # before a refund of the file was deducted from it (`import_refunds`)
    matched_original: bool = False  # a duplicate of an expense at that amount: the refund was not applied there


def _known_external_ids(owners: list[int], ids: set[str]) -> set[str]:
    known: set[str] = set()
    wanted = sorted(ids)
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        query = ImportedExpense.select(ImportedExpense.external_id).where(
            ImportedExpense.owner.in_(owners) & ImportedExpense.external_id.in_(chunk)
        )
        known.update(row.external_id for row in query if row.external_id is not None)
    return known


def classify(user: User, rows: Sequence[Candidate]) -> None:
    """Set each candidate's verdict against the household's expenses (own and linked users')."""
    if not rows:
        return
    owners = access.visible_owner_ids(user)
    known = _known_external_ids(owners, {row.external_id for row in rows if row.external_id is not None})
    first = min(row.date for row in rows) - dt.timedelta(days=LOOSE_DAYS)
    last = max(row.date for row in rows) + dt.timedelta(days=LOOSE_DAYS)
    imported_ids = ImportedExpense.select(ImportedExpense.expense).where(
        ImportedExpense.owner.in_(owners) & ImportedExpense.expense.is_null(False)
    )
    hand = Expense.id.not_in(imported_ids)
    query = (
        Expense.select(
            Expense.id,
            Expense.date,
            # as typed or as the file wrote it, in its own currency (`amount_cents` is counted converted)
            fn.COALESCE(Expense.original_cents, Expense.amount_cents),
            Expense.description,
            hand.alias('by_hand'),
        )
        .where(Expense.owner.in_(owners) & Expense.date.between(first, last))
        .order_by(Expense.id)
        .tuples()
    )
    exact: dict[tuple[dt.date, int, str], list[int]] = defaultdict(list)
    by_amount: dict[int, list[tuple[dt.date, int, str]]] = defaultdict(list)
    # the database's rows as they come (peewee's conversion of each value costs more than the comparison)
    for expense_id, day, amount, description, by_hand in db.execute_sql(*query.sql()):
        day = as_date(day)
        exact[(day, amount, fold(description))].append(expense_id)
        if by_hand:
            by_amount[amount].append((day, expense_id, description))
    used: set[int] = set()
    seen_external: set[str] = set()
    for row in rows:
        if row.external_id and (row.external_id in known or row.external_id in seen_external):
            row.verdict = 'duplicate'
            continue
        if row.external_id:
            seen_external.add(row.external_id)
        description = fold(row.description)
        matches = exact.get((row.date, row.amount_cents, description))
        if not matches and row.original_cents is not None:  # recorded before its refund came: at the full amount
            matches = exact.get((row.date, row.original_cents, description))
            row.matched_original = bool(matches)
        if matches:
            used.add(matches.pop(0))
            row.verdict = 'duplicate'
    for row in rows:
        if row.verdict != 'new':
            continue
        best = None
        for day, expense_id, description in by_amount.get(row.amount_cents, ()):
            gap = abs((day - row.date).days)
            if expense_id in used or gap > LOOSE_DAYS:
                continue
            if best is None or gap < best[0]:
                best = (gap, day, expense_id, description)
        if best is not None:
            _, day, expense_id, description = best
            used.add(expense_id)
            row.verdict, row.match_id, row.match_date, row.match_description = 'possible', expense_id, day, description
