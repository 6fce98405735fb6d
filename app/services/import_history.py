"""The imports an account made, and undoing one as a whole (issue 16, item 6).

Undo deletes the expenses the import created (still there; edited since or not: they came from the file),
then the categories and payment methods it created that nothing uses any more, and forgets the file's
transaction ids so that the file can be imported again. What was entered by hand, and what other imports
made, is untouched. The import stays in the history, marked undone. Only the user who made an import sees
it: another user's import id answers NotFound, like a missing one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import cast

from peewee import fn

from app.db import write_transaction
from app.i18n import Message
from app.models import (
    Category,
    Expense,
    ExpenseTag,
    ImportBatch,
    ImportedExpense,
    PaymentMethod,
    Receipt,
    Tag,
    User,
    utcnow,
)
from app.services import audit, receipt_rows
from app.services.errors import Conflict, NotFound
from app.services.import_types import ImportView, UndoneImport
from app.services.timestamps import as_utc
from app.services.validation import parse_id

MAX_HISTORY = 500


def _view(batch: ImportBatch, remaining: int) -> ImportView:
    return ImportView(
        id=batch.id,
        file_name=batch.file_name,
        file_size=batch.file_size,
        file_format=batch.file_format,
        preset=batch.preset,
        rows=batch.rows,
        imported=batch.imported,
        remaining=remaining,
        total_cents=batch.total_cents,
        created_at=as_utc(batch.created_at),
        undone_at=as_utc(batch.undone_at) if batch.undone_at else None,
    )


def list_imports(user: User, limit: int = 100) -> list[ImportView]:
    """The user's imports, newest first, with how many of their expenses are still there."""
    batches = list(
        ImportBatch.select()
        .where(ImportBatch.owner == user.id)
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
        .limit(max(1, min(limit, MAX_HISTORY)))
    )
    rows = (
        ImportedExpense.select(ImportedExpense.batch, fn.COUNT(ImportedExpense.expense))
        .where(ImportedExpense.batch.in_([b.id for b in batches]) & ImportedExpense.expense.is_null(False))
        .group_by(ImportedExpense.batch)
        .tuples()
    )
    counts: dict[int, int] = dict(cast(Iterable[tuple[int, int]], rows))
    return [_view(batch, int(counts.get(batch.id, 0))) for batch in batches]


def _find(user: User, import_id: object) -> ImportBatch:
    number = parse_id(import_id, field='id')
    batch = ImportBatch.get_or_none((ImportBatch.id == number) & (ImportBatch.owner == user.id))
    if batch is None:
        raise NotFound(
            Message('Import {number} does not exist; GET /sysapi/imports lists yours.', number=number), field='id'
        )
    return batch


def get_import(user: User, import_id: object) -> ImportView:
    batch = _find(user, import_id)
    remaining = (
        ImportedExpense.select()
        .where((ImportedExpense.batch == batch.id) & ImportedExpense.expense.is_null(False))
        .count()
    )
    return _view(batch, remaining)


def _unused_categories(ids: list[int]) -> list[int]:
    """Of `ids`, those no expense uses and with no subcategory left: subcategories first, then parents."""
    gone: list[int] = []
    rows = sorted(Category.select().where(Category.id.in_(ids)), key=lambda c: c.parent_id is None)
    for category in rows:
        used = Expense.select().where((Expense.category == category.id) | (Expense.subcategory == category.id))
        children = Category.select().where((Category.parent == category.id) & Category.id.not_in(gone))
        if used.exists() or children.exists():
            continue
        Category.delete().where(Category.id == category.id).execute()  # type: ignore[misc]  # types-peewee
        gone.append(category.id)
    return gone


def undo_import(user: User, import_id: object) -> UndoneImport:
    """Undo a whole import; a second undo is refused (409)."""
    with write_transaction():
        batch = _find(user, import_id)
        if batch.undone_at is not None:
            raise Conflict(Message('Import {number} was already undone.', number=batch.id), field='id')
        expense_ids = [
            row.expense_id
            for row in ImportedExpense.select(ImportedExpense.expense).where(
                (ImportedExpense.batch == batch.id) & ImportedExpense.expense.is_null(False)
            )
        ]
        deleted = 0
        for start in range(0, len(expense_ids), 500):
            chunk = expense_ids[start : start + 500]
            with_receipts = Receipt.select(Receipt.expense_id).where(Receipt.expense_id.in_(chunk)).distinct()
            for row in with_receipts:  # set aside as a deletion does (receipts attached by hand since)
                receipt_rows.detach(row.expense_id)
            gone = Expense.delete().where(Expense.id.in_(chunk) & (Expense.owner == user.id))  # type: ignore[misc]
            deleted += gone.execute()
        ImportedExpense.delete().where(ImportedExpense.batch == batch.id).execute()  # type: ignore[misc]
        categories_gone = _unused_categories(json.loads(batch.created_categories or '[]'))
        methods_gone = 0
        for method_id in json.loads(batch.created_payment_methods or '[]'):
            if not Expense.select().where(Expense.payment_method == method_id).exists():
                unused = PaymentMethod.delete().where(PaymentMethod.id == method_id)  # type: ignore[misc]
                methods_gone += unused.execute()
        carried = ExpenseTag.select(ExpenseTag.tag)  # tags no expense carries any more leave, as tags.py does
        Tag.delete().where((Tag.owner == user.id) & Tag.id.not_in(carried)).execute()  # type: ignore[misc]
        batch.undone_at = utcnow()
        batch.save()
    audit.record('import_undone', user, detail=f'import {batch.id}: {deleted} expenses deleted')
    return UndoneImport(
        id=batch.id,
        expenses_deleted=deleted,
        categories_deleted=len(categories_gone),
        payment_methods_deleted=methods_gone,
    )
