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
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from app.db import write_transaction
from app.i18n import Message, Plural
from app.models import Category, Expense, ImportBatch, ImportedExpense, PaymentMethod, User, utcnow
from app.models.imports import EXTERNAL_ID_LENGTH
from app.services import access, audit, expenses
from app.services.errors import Invalid, ServiceError
from app.services.import_dedupe import Candidate, classify
from app.services.import_names import CategoryKey, NameBook
from app.services.import_types import MAX_LISTED, ImportOptions, ImportReport, InvalidRow, PossibleDuplicate, SourceInfo
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


def _problem(row_number: int, column: str, value: object, message: Message) -> InvalidRow:
    return InvalidRow(row_number, column, str(value if value is not None else '')[:80], message)


def _accept(book: NameBook, item: Any) -> _Row:
    """A parsed row checked by the expense rules; raises ServiceError naming the column."""
    if item.amount_cents > MAX_AMOUNT_CENTS:
        raise Invalid(Message('The amount is too large to be real (over one billion); check it.'), field='amount')
    description = clean_text(
        item.description, field='description', max_length=expenses.MAX_DESCRIPTION, label=Message('description')
    )
    location: dict[str, Any] = {'place': item.place or ''}
    if item.latitude is not None or item.longitude is not None:
        location.update(latitude=item.latitude, longitude=item.longitude)
    columns = expenses.validate_location(location)
    external = item.external_id.strip()[:EXTERNAL_ID_LENGTH] if item.external_id else None
    return _Row(
        Candidate(item.row_number, item.date, item.amount_cents, description, external or None),
        book.category_key(item.category, item.subcategory),
        book.method_key(item.payment_method),
        columns.get('place', ''),
        columns.get('latitude'),
        columns.get('longitude'),
    )


def run_rows(user: User, items: Iterable[Any], source: SourceInfo, options: ImportOptions) -> ImportReport:
    """The report of importing `items` (ParsedRow | RowProblem | SkippedRow from the read side); with
    `options.dry_run` False, the import itself, in one transaction."""
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
        if item.amount_cents < 0:  # a refund: an expense is always positive (the CHECK of the table)
            skipped['refund'] += 1
            continue
        try:
            rows.append(_accept(book, item))
        except ServiceError as error:
            invalid_count += 1
            if len(invalid) < MAX_LISTED:
                value = getattr(item, error.field or 'description', '') if error.field else ''
                invalid.append(_problem(item.row_number, error.field or '', value, error.text))
    classify(user, [row.candidate for row in rows])
    keep = set(options.keep_possible)
    chosen: list[_Row] = []
    possible: list[PossibleDuplicate] = []
    possible_count = duplicates = new = 0
    for row in rows:
        candidate = row.candidate
        if candidate.verdict == 'duplicate':
            duplicates += 1
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


def _store(user: User, book: NameBook, chosen: list[_Row], source: SourceInfo, total_rows: int) -> int:
    """Write the chosen rows (inside the caller's transaction): names first, then expenses in batches."""
    resolved = []
    checked: set[tuple[int, int | None, int]] = set()
    for row in chosen:
        category_id, subcategory_id = book.category_ids(row.category)
        method_id = book.method_id(row.method)
        ids = (category_id, subcategory_id, method_id)
        if ids not in checked:  # the expense service's own rule: filed only under what all its viewers see
            _check_references(user.id, ids)
            checked.add(ids)
        resolved.append((row, ids))
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
    for start in range(0, len(resolved), _BATCH):
        part = resolved[start : start + _BATCH]
        values = [
            {
                'owner': user.id,
                'amount_cents': row.candidate.amount_cents,
                'date': row.candidate.date,
                'category': category_id,
                'subcategory': subcategory_id,
                'payment_method': method_id,
                'description': row.candidate.description,
                'latitude': row.latitude,
                'longitude': row.longitude,
                'place': row.place,
                'created_at': now,
                'updated_at': now,
            }
            for row, (category_id, subcategory_id, method_id) in part
        ]
        cursor = Expense.insert_many(values).returning(Expense.id).execute()
        new_ids = [returned.id if hasattr(returned, 'id') else returned[0] for returned in cursor]
        links = [
            {'batch': batch.id, 'owner': user.id, 'expense': expense_id, 'external_id': row.candidate.external_id}
            for expense_id, (row, _ids) in zip(new_ids, part, strict=True)
        ]
        ImportedExpense.insert_many(links).execute()
    audit.record(
        'import_done',
        user,
        detail=f'import {batch.id}: {len(chosen)} expenses from "{(source.file_name or "")[:100]}"',
    )
    return batch.id


def _check_references(owner_id: int, ids: tuple[int, int | None, int]) -> None:
    category_id, subcategory_id, method_id = ids
    for what, model, number in (
        ('category', Category, category_id),
        ('subcategory', Category, subcategory_id),
        ('payment_method', PaymentMethod, method_id),
    ):
        if number is not None:
            thing = model.get_by_id(number)
            access.check_may_reference(owner_id, thing.owner_id, what, thing.name, field=what)
