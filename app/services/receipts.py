"""Receipts: attach a photo or a PDF to an expense, fetch it (or its thumbnail), remove it.

Who may do what follows the expense: whoever sees the expense sees its receipts; whoever may change it
may attach and remove them; anyone else gets NotFound, exactly as for a missing id. The bytes are checked
and cleaned by receipt_files.py; rows leave with their expense and come back with its Undo
(receipt_rows.py). `attach` takes plain bytes so that every way in (the API, the expense dialog, the
phone's share target) goes through the same checks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from app.config import get_settings
from app.db import write_transaction
from app.i18n import Message
from app.models import Expense, Receipt, User
from app.services import access, expenses, receipt_files, receipt_rows
from app.services.errors import Invalid, NotFound
from app.services.receipt_rows import ReceiptRef
from app.services.validation import parse_id

__all__ = ['ReceiptFile', 'ReceiptRef', 'attach', 'delete_receipt', 'max_bytes', 'open_file', 'receipts_of']

MAX_PER_EXPENSE = 20
MAX_FILENAME = 120
_UNSAFE_NAME = re.compile(r'[^\w .()+-]+')


@dataclass(frozen=True, slots=True)
class ReceiptFile:
    """What to send for a receipt: the file, its type and the name to offer for saving it."""

    path: Path
    content_type: str
    filename: str
    thumbnail: bool


def max_bytes() -> int:
    """RECEIPT_MAX_MB in bytes: the largest receipt kept."""
    return get_settings().receipt_max_mb * 1024 * 1024


def too_large_message() -> Message:
    return Message(
        'This file is larger than {size} MB, the most a receipt may be (RECEIPT_MAX_MB); '
        'send a smaller photo or PDF. Nothing was kept.',
        size=get_settings().receipt_max_mb,
    )


def clean_filename(filename: object, content_type: str) -> str:
    """A name to show and to offer when saving: no path, no control or odd characters, the right extension."""
    text = unicodedata.normalize('NFC', str(filename or ''))
    text = text.replace('\\', '/').rsplit('/', 1)[-1]
    stem = _UNSAFE_NAME.sub('_', text.rsplit('.', 1)[0] if '.' in text else text).strip(' ._')[:MAX_FILENAME]
    return f'{stem or "receipt"}.{receipt_files.EXTENSIONS[content_type]}'


def _expense_for_change(user: User, expense_id: object) -> Expense:
    row = expenses.get_expense(user, expense_id)  # NotFound when missing or not visible
    access.check_may_change(user, [row.owner_id], 'expense')
    return Expense.get_by_id(row.id)


def attach(user: User, expense_id: object, filename: str, data: bytes) -> ReceiptRef:
    """Keep `data` (a photo or a PDF, checked by its content) as a receipt of the expense."""
    expense_number = parse_id(expense_id, field='expense_id')
    if len(data) > max_bytes():
        raise Invalid(too_large_message(), field='file')
    expenses.get_expense(user, expense_number)  # an unseen expense is NotFound before any work on the file
    with write_transaction():
        expense = _expense_for_change(user, expense_number)
        count = Receipt.select().where((Receipt.expense_id == expense.id) & receipt_rows.live()).count()
        if count >= MAX_PER_EXPENSE:
            raise Invalid(
                Message('An expense keeps at most {count} receipts; remove one first.', count=MAX_PER_EXPENSE),
                field='file',
            )
        stored = receipt_files.store(data)
        receipt = Receipt.create(
            expense_id=expense.id,
            uploaded_by=user.id,
            sha256=stored.sha256,
            content_type=stored.content_type,
            filename=clean_filename(filename, stored.content_type),
            size=stored.size,
            width=stored.width,
            height=stored.height,
        )
    return receipt_rows.ref(receipt)


def _find(user: User, receipt_id: object) -> Receipt:
    number = parse_id(receipt_id, field='id')
    receipt = (
        Receipt.select(Receipt)
        .join(Expense, on=(Expense.id == Receipt.expense_id))
        .where((Receipt.id == number) & receipt_rows.live() & Expense.owner.in_(access.visible_owner_ids(user)))
        .first()
    )
    if receipt is None:
        raise NotFound(
            Message('Receipt {number} does not exist, or its expense is not shared with you.', number=number),
            field='id',
        )
    return receipt


def receipts_of(user: User, expense_id: object) -> tuple[ReceiptRef, ...]:
    """The receipts of one expense the user sees, oldest first."""
    row = expenses.get_expense(user, expense_id)
    return receipt_rows.for_expenses([row.id]).get(row.id, ())


def open_file(user: User, receipt_id: object, *, thumbnail: bool = False) -> ReceiptFile:
    """The file of a receipt the user may see (NotFound otherwise, also when its file went missing)."""
    receipt = _find(user, receipt_id)
    path = receipt_files.file_path(receipt.sha256, receipt.content_type, thumbnail=thumbnail)
    if not path.is_file():
        raise NotFound(Message('The file of receipt {number} is missing on the server.', number=receipt.id), field='id')
    content_type = 'image/jpeg' if thumbnail else receipt.content_type
    return ReceiptFile(path=path, content_type=content_type, filename=receipt.filename, thumbnail=thumbnail)


def delete_receipt(user: User, receipt_id: object) -> int:
    """Remove one receipt (its file too, unless another receipt holds the same bytes); returns its id."""
    with write_transaction():
        receipt = _find(user, receipt_id)
        owner = Expense.get_by_id(receipt.expense_id).owner_id
        access.check_may_change(user, [owner], 'expense')
        receipt.delete_instance()
        receipt_rows.remove_unreferenced([(receipt.sha256, receipt.content_type)])
    return receipt.id


def purge() -> int:
    """Forget the receipts of expenses deleted longer ago than Undo reaches (the server runs this now and then)."""
    with write_transaction():
        return receipt_rows.purge()
