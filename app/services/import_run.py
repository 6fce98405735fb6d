"""From the rows the read side understood to a report, and on confirmation to expenses (issue 16, items 4-6).

Every import is a dry run first: the same function counts what is new, duplicate, possibly duplicate,
skipped and invalid, and lists what would be created. A confirmation runs it again inside one write
transaction (so nothing can slip in between the check and the write) and stores the rows in batches:
categories and payment methods through their services, expenses validated by the expense service's own
rules (`expenses.validate_location`, `clean_text`, the reference check of `access`), inserted many at a
time, each linked to the import that made it. Any failure rolls the whole import back.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from app.db import db, is_postgres, write_transaction
from app.i18n import Message, Plural
from app.models import Category, Expense, ImportBatch, PaymentMethod, User, utcnow
from app.models.imports import EXTERNAL_ID_LENGTH
from app.services import access, audit, conversion, currencies, expenses, import_refunds, tags
from app.services.errors import Invalid, ServiceError
from app.services.import_dedupe import Candidate, classify
from app.services.import_names import CategoryKey, NameBook
from app.services.import_refunds import Refund
from app.services.import_types import (
    MAX_LISTED,
    REFUND_MODES,
    ImportOptions,
    ImportReport,
    InvalidRow,
    PossibleDuplicate,
    RefundRow,
    SourceInfo,
)
from app.services.money import MAX_AMOUNT_CENTS
from app.services.validation import clean_text

_BATCH = 500


@dataclass(slots=True)
class _Row:
    candidate: Candidate
    category: CategoryKey
    method: str
    place: str
    latitude: float | None
    longitude: float | None
    tags: tuple[str, ...] = ()
    currency: str | None = None  # the file's, when not the owner's own: converted once stored


def _problem(row_number: int, column: str, value: object, message: Message) -> InvalidRow:
    return InvalidRow(row_number, column, str(value if value is not None else '')[:80], message)


def _accept(book: NameBook, item: Any, home: str) -> _Row:
    """A parsed row checked by the expense rules; raises ServiceError naming the column."""
    if item.amount_cents > MAX_AMOUNT_CENTS:
        raise Invalid(Message('The amount is too large to be real (over one billion); check it.'), field='amount')
    currency = None
    if getattr(item, 'currency', None):
        currency = currencies.check_currency(item.currency)
        currencies.check_amount(item.amount_cents, currency)
        currency = None if currency == home else currency
    description = clean_text(
        item.description, field='description', max_length=expenses.MAX_DESCRIPTION, label=Message('description')
    )
    columns: dict[str, Any] = {}
    if item.place or item.latitude is not None or item.longitude is not None:
        location: dict[str, Any] = {'place': item.place or ''}
        if item.latitude is not None or item.longitude is not None:
            location.update(latitude=item.latitude, longitude=item.longitude)
        columns = expenses.validate_location(location)
    external = item.external_id.strip()[:EXTERNAL_ID_LENGTH] if item.external_id else None
    names = tuple(tags.parse_tags(list(item.tags))) if item.tags else ()
    return _Row(
        Candidate(item.row_number, item.date, item.amount_cents, description, external or None),
        book.category_key(item.category, item.subcategory),
        book.method_key(item.payment_method),
        columns.get('place', ''),
        columns.get('latitude'),
        columns.get('longitude'),
        names,
        currency,
    )


def run_rows(user: User, items: Iterable[Any], source: SourceInfo, options: ImportOptions) -> ImportReport:
    """The report of importing `items` (ParsedRow | RowProblem | SkippedRow from the read side); with
    `options.dry_run` False, the import itself, in one transaction."""
    if options.refunds not in REFUND_MODES:
        raise Invalid(Message('refunds must be "deduct" or "skip".'), field='refunds')
    if options.dry_run:
        return _run(user, items, source, options)
    with write_transaction():
        return _run(user, items, source, options)


def _run(user: User, items: Iterable[Any], source: SourceInfo, options: ImportOptions) -> ImportReport:
    book = NameBook(user, options)
    rows: list[_Row] = []
    invalid: list[InvalidRow] = []
    invalid_count = 0
    skipped: Counter[str] = Counter()
    total_rows = 0
    money_in: list[Refund] = []
    for item in items:
        total_rows += 1
        if hasattr(item, 'reason'):  # SkippedRow
            skipped[item.reason] += 1
            continue
        if hasattr(item, 'message'):  # RowProblem
            invalid_count += 1
            if len(invalid) < MAX_LISTED:
                invalid.append(_problem(item.row_number, item.column, item.value, item.message))
            continue
        if item.amount_cents == 0:
            skipped['zero'] += 1
            continue
        if item.amount_cents < 0:  # money in: never an expense of its own (`import_refunds`)
            money_in.append(Refund(item.row_number, item.date, -item.amount_cents, item.description or ''))
            continue
        try:
            rows.append(_accept(book, item, user.currency))
        except ServiceError as error:
            invalid_count += 1
            if len(invalid) < MAX_LISTED:
                value = getattr(item, error.field or 'description', '') if error.field else ''
                invalid.append(_problem(item.row_number, error.field or '', value, error.text))
    if options.refunds == 'deduct' and money_in:
        import_refunds.deduct([row.candidate for row in rows], money_in)
    classify(user, [row.candidate for row in rows])
    refund_rows, deducted = _refund_rows(money_in, options.refunds)
    skipped['refund'] += len(money_in) - deducted
    if not skipped['refund']:
        del skipped['refund']
    keep = set(options.keep_possible)
    chosen: list[_Row] = []
    possible: list[PossibleDuplicate] = []
    possible_count = duplicates = new = 0
    for row in rows:
        candidate = row.candidate
        if candidate.verdict == 'duplicate':
            duplicates += 1
            continue
        if candidate.amount_cents == 0:  # refunded in full by rows of the file
            skipped['refunded'] += 1
            continue
        if candidate.verdict == 'possible':
            possible_count += 1
            kept = options.keep_all_possible or candidate.row_number in keep
            if len(possible) < MAX_LISTED:
                possible.append(
                    PossibleDuplicate(
                        candidate.row_number,
                        candidate.date,
                        candidate.amount_cents,
                        candidate.description,
                        candidate.match_id or 0,
                        candidate.match_date or candidate.date,
                        candidate.match_description,
                        kept,
                    )
                )
            if kept:
                chosen.append(row)
            continue
        new += 1
        chosen.append(row)
    new_categories, new_methods = book.new_names((r.category for r in chosen), (r.method for r in chosen))
    report = ImportReport(
        dry_run=options.dry_run,
        import_id=None,
        source=source,
        rows=total_rows,
        new=new,
        duplicates=duplicates,
        possible_count=possible_count,
        possible=tuple(possible),
        skipped=tuple(sorted(skipped.items())),
        invalid_count=invalid_count,
        invalid=tuple(invalid),
        total_cents=sum(row.candidate.amount_cents for row in chosen),
        new_categories=new_categories,
        new_payment_methods=new_methods,
        refunds_mode=options.refunds,
        refunds_deducted=deducted,
        refunds=refund_rows,
    )
    if options.dry_run:
        return report
    if invalid_count and not options.skip_invalid:
        raise Invalid(
            Plural(
                '{n} row cannot be read; correct the file, or choose to skip the invalid rows.',
                '{n} rows cannot be read; correct the file, or choose to skip the invalid rows.',
                n=invalid_count,
            ),
            field='file',
        )
    batch_id = _store(user, book, chosen, source, total_rows)
    return replace(report, import_id=batch_id, imported=len(chosen))


def _refund_rows(money_in: list[Refund], mode: str) -> tuple[tuple[RefundRow, ...], int]:
    """What became of each row of money in (the first MAX_LISTED listed), and how many were deducted."""
    listed: list[RefundRow] = []
    deducted = 0
    for refund in money_in:
        purchase = refund.purchase
        if refund.deducted:
            deducted += 1
        if len(listed) >= MAX_LISTED:
            continue
        status = 'skipped' if mode == 'skip' else 'unmatched'
        if purchase is not None:
            status = 'deducted' if refund.deducted else 'recorded'
        listed.append(
            RefundRow(
                refund.row_number,
                refund.date,
                refund.amount_cents,
                refund.description,
                status,
                purchase.row_number if purchase is not None else None,
                purchase.description if purchase is not None else '',
                refund.purchase_before,
                refund.purchase_before - refund.amount_cents if purchase is not None else 0,
            )
        )
    return tuple(listed), deducted


def _store(user: User, book: NameBook, chosen: list[_Row], source: SourceInfo, total_rows: int) -> int:
    """Write the chosen rows (inside the caller's transaction): names first, then expenses in batches."""
    resolved = []
    checks = _References(user.id)
    for row in chosen:
        category_id, subcategory_id = book.category_ids(row.category)
        method_id = book.method_id(row.method)
        checks.check(category_id, subcategory_id, method_id)
        resolved.append((row, category_id, subcategory_id, method_id))
    now = utcnow()
    batch = ImportBatch.create(
        owner=user.id,
        file_name=(source.file_name or '')[:200],
        file_size=source.file_size,
        file_format=(source.file_format or '')[:16],
        preset=(source.preset or '')[:40],
        rows=total_rows,
        imported=len(chosen),
        total_cents=sum(row.candidate.amount_cents for row in chosen),
        created_categories=json.dumps(book.created_categories),
        created_payment_methods=json.dumps(book.created_methods),
        created_at=now,
    )
    stamp = Expense.created_at.db_value(now)
    expense_rows = [
        (
            user.id,
            row.candidate.amount_cents,
            Expense.date.db_value(row.candidate.date),
            category_id,
            subcategory_id,
            method_id,
            row.candidate.description,
            row.latitude,
            row.longitude,
            row.place,
            stamp,
            stamp,
            row.currency or user.currency,  # its own currency and amount, as the expense form stores them
            row.candidate.amount_cents,
        )
        for row, category_id, subcategory_id, method_id in resolved
    ]
    new_ids = insert_expenses(expense_rows)
    _count_foreign(new_ids, [row for row, *_ in resolved])
    for expense_id, (row, *_ids) in zip(new_ids, resolved, strict=True):
        if row.tags:  # the tags service's own write (most files carry none)
            tags.set_expense_tags(user.id, expense_id, list(row.tags))
    insert_links(
        [
            (batch.id, user.id, expense_id, row.candidate.external_id)
            for expense_id, (row, *_) in zip(new_ids, resolved, strict=True)
        ]
    )
    audit.record(
        'import_done',
        user,
        detail=f'import {batch.id}: {len(chosen)} expenses from "{(source.file_name or "")[:100]}"',
    )
    return batch.id


def _count_foreign(new_ids: list[int], rows: list[_Row]) -> None:
    """Rows in another currency than the owner's keep it and their amount as the file wrote them, and count
    converted at the rate of their date (or wait for it), as an expense typed in that currency does."""
    foreign = [expense_id for expense_id, row in zip(new_ids, rows, strict=True) if row.currency]
    for start in range(0, len(foreign), _BATCH):
        conversion.count_expenses(foreign[start : start + _BATCH])


class _References:
    """The expense service's rule, checked once per category and payment method: an expense is filed only
    under what all its viewers see (`access.check_may_reference`)."""

    def __init__(self, owner_id: int) -> None:
        self.owner_id = owner_id
        self.audience = access.audience(owner_id)
        self.seen: set[tuple[str, int]] = set()
        self.fine_owners: set[int] = {owner_id}
        self.combinations: set[tuple[int, int | None, int]] = set()

    def check(self, category_id: int, subcategory_id: int | None, method_id: int) -> None:
        if (category_id, subcategory_id, method_id) in self.combinations:
            return
        self.combinations.add((category_id, subcategory_id, method_id))
        for what, model, number in (
            ('category', Category, category_id),
            ('subcategory', Category, subcategory_id),
            ('payment_method', PaymentMethod, method_id),
        ):
            if number is None or (what, number) in self.seen:
                continue
            thing = model.get_by_id(number)
            if thing.owner_id not in self.fine_owners:
                access.check_may_reference(self.owner_id, thing.owner_id, what, thing.name, field=what)
                self.fine_owners.add(thing.owner_id)
            self.seen.add((what, number))


_EXPENSE_COLUMNS = (
    'owner_id, amount_cents, date, category_id, subcategory_id, payment_method_id, description, latitude, '
    'longitude, place, created_at, updated_at, currency, original_cents'
)
_EXPENSE_WIDTH = len(_EXPENSE_COLUMNS.split(','))


def insert_expenses(rows: list[tuple]) -> list[int]:
    """Insert the expenses (in the caller's write transaction) and return their ids, in order.

    Peewee builds an INSERT of many rows value by value, which costs more than the database's work at this
    size; a prepared statement run by `executemany` does not. On SQLite the write lock is held since the
    transaction began, so the rows just inserted are those above the highest id before; on PostgreSQL the
    ids come back with RETURNING."""
    if not rows:
        return []
    if is_postgres():
        ids: list[int] = []
        for start in range(0, len(rows), _BATCH):
            values = ', '.join(['(' + ', '.join(['%s'] * _EXPENSE_WIDTH) + ')'] * len(rows[start : start + _BATCH]))
            params = [value for row in rows[start : start + _BATCH] for value in row]
            cursor = db.execute_sql(f'INSERT INTO expense ({_EXPENSE_COLUMNS}) VALUES {values} RETURNING id', params)
            ids.extend(row[0] for row in cursor.fetchall())
        return ids
    before = db.execute_sql('SELECT COALESCE(MAX(id), 0) FROM expense').fetchone()[0]
    with _search_index_in_bulk(before):
        marks = ', '.join(['?'] * _EXPENSE_WIDTH)
        db.cursor().executemany(f'INSERT INTO expense ({_EXPENSE_COLUMNS}) VALUES ({marks})', rows)
    cursor = db.execute_sql('SELECT id FROM expense WHERE id > ? ORDER BY id', (before,))
    ids = [row[0] for row in cursor.fetchall()]
    if len(ids) != len(rows):
        raise RuntimeError(f'{len(rows)} expenses inserted but {len(ids)} found after them')
    return ids


# The full-text index of issue 18 (migrations 12 and 16) follows `expense` through an AFTER INSERT trigger that
# indexes one row per statement. Indexing the new rows in one INSERT ... SELECT costs about a quarter of that, so a
# large import lets that trigger rest while it inserts (inside its own write transaction, where nobody else
# writes or reads a half-done state) and does its work in bulk. Only the trigger as migration 16 wrote it:
# any other trigger, or this one changed, stays in place and runs per row.
_SEARCH_TRIGGER = 'expense_fts_after_insert'
_SEARCH_BODY = (
    'INSERT INTO expense_fts (rowid, description, place, owner_id) '
    'VALUES (new.id, new.description, new.place, new.owner_id);'
)


@contextmanager
def _search_index_in_bulk(before: int) -> Iterator[None]:
    found = db.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ? AND tbl_name = 'expense'", (_SEARCH_TRIGGER,)
    ).fetchone()
    if found is None or ' '.join(_SEARCH_BODY.split()) not in ' '.join(found[0].split()):
        yield
        return
    db.execute_sql(f'DROP TRIGGER {_SEARCH_TRIGGER}')
    try:
        yield
        db.execute_sql(
            'INSERT INTO expense_fts (rowid, description, place, owner_id) '
            'SELECT id, description, place, owner_id FROM expense WHERE id > ?',
            (before,),
        )
    finally:
        db.execute_sql(found[0])  # the trigger back, as it was (a failure rolls the whole import back anyway)


def insert_links(rows: list[tuple[int, int, int, str | None]]) -> None:
    """Link each new expense to its import (batch, owner, expense, the file's own id)."""
    mark = '%s' if is_postgres() else '?'
    columns = 'batch_id, owner_id, expense_id, external_id'
    columns = 'batch_id, owner_id, expense_id, external_id'
    sql = f'INSERT INTO imported_expense ({columns}) VALUES ({mark}, {mark}, {mark}, {mark})'
    if is_postgres():
        with db.cursor() as cursor:
            cursor.executemany(sql, rows)
    else:
        db.cursor().executemany(sql, rows)
