"""Receipt rows as the expenses service sees them: listed with an expense, set aside when it is deleted,
given back by its Undo, and purged (with their files) once nobody can undo any more.

Apart from receipts.py because expenses.py calls these and receipts.py calls expenses.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from typing import cast

from peewee import fn

from app.db import write_transaction
from app.models import Expense, Receipt, utcnow
from app.services import receipt_files
from app.services.expenses_types import ExpenseRow
from app.services.id_lists import among
from app.services.receipt_types import ReceiptRef
from app.services.timestamps import as_utc

# How long after its expense was deleted a receipt can still come back with Undo.
UNDO_WINDOW = dt.timedelta(minutes=30)


def ref(receipt: Receipt) -> ReceiptRef:
    return ReceiptRef(
        id=receipt.id,
        expense_id=receipt.expense_id,
        filename=receipt.filename,
        content_type=receipt.content_type,
        size=receipt.size,
        width=receipt.width,
        height=receipt.height,
        created_at=as_utc(receipt.created_at),
        url=f'/sysapi/receipt?id={receipt.id}',
        thumbnail_url=f'/sysapi/receipt?id={receipt.id}&thumbnail=true',
    )


def live() -> object:
    return Receipt.deleted_at.is_null()


def for_expenses(expense_ids: Iterable[int]) -> dict[int, tuple[ReceiptRef, ...]]:
    """The receipts of each expense, oldest first, in one query (a listing's page at once)."""
    ids = list(set(expense_ids))
    found: dict[int, list[ReceiptRef]] = {}
    for start in range(0, len(ids), 2000):  # a few statements of bounded length
        query = Receipt.select().where(among(Receipt.expense_id, ids[start : start + 2000]) & live())
        for receipt in query.order_by(Receipt.id):
            found.setdefault(receipt.expense_id, []).append(ref(receipt))
    return {expense_id: tuple(refs) for expense_id, refs in found.items()}


def with_receipts(rows: tuple[ExpenseRow, ...]) -> tuple[ExpenseRow, ...]:
    """The same expense rows, each with its receipts (one query for all of them)."""
    found = for_expenses(row.id for row in rows)
    return tuple(replace(row, receipts=found[row.id]) if row.id in found else row for row in rows)


def detach(expense_id: int) -> tuple[int, ...]:
    """The expense is being deleted: its receipts are set aside (not served any more); returns their ids
    for its Undo. Runs inside the caller's transaction."""
    with write_transaction():  # a savepoint inside a caller's transaction
        ids = tuple(r.id for r in Receipt.select(Receipt.id).where((Receipt.expense_id == expense_id) & live()))
        if ids:
            Receipt.update(deleted_at=utcnow()).where(Receipt.id.in_(ids)).execute()
        return ids


def reattach(receipt_ids: Iterable[int], expense_id: int) -> None:
    """Undo of a deletion: the receipts set aside come back, under the expense's (possibly new) id."""
    with write_transaction():  # a savepoint inside a caller's transaction
        ids = list(receipt_ids)
        if ids:
            Receipt.update(deleted_at=None, expense_id=expense_id).where(
                Receipt.id.in_(ids) & Receipt.deleted_at.is_null(False)
            ).execute()


def purge(now: dt.datetime | None = None) -> int:
    """Delete the receipts set aside longer than UNDO_WINDOW and those whose expense no longer exists
    (an account deleted with its expenses), then the files no receipt refers to. Returns how many rows."""
    with write_transaction():  # a savepoint inside a caller's transaction
        cutoff = (now or utcnow()) - UNDO_WINDOW
        orphan = Receipt.deleted_at.is_null() & ~fn.EXISTS(
            Expense.select(Expense.id).where(Expense.id == Receipt.expense_id)
        )
        gone = list(
            Receipt.select(Receipt.id, Receipt.sha256, Receipt.content_type).where(
                (Receipt.deleted_at < cutoff) | orphan
            )
        )
        if not gone:
            return 0
        gone_ids: list[int] = [receipt.id for receipt in gone]
        Receipt.delete().where(Receipt.id.in_(gone_ids)).execute()  # type: ignore[misc]  # types-peewee: Model.delete
        remove_unreferenced({(r.sha256, r.content_type) for r in gone})
        return len(gone)


def remove_unreferenced(files: Iterable[tuple[str, str]]) -> None:
    """Remove those of `files` that no receipt row refers to any more."""
    for sha256, content_type in files:
        if not Receipt.select().where(Receipt.sha256 == sha256).exists():
            receipt_files.remove(sha256, content_type)


def referenced_hashes() -> set[str]:
    rows = cast(Iterable[tuple[str]], Receipt.select(Receipt.sha256).distinct().tuples())
    return {row[0] for row in rows}
