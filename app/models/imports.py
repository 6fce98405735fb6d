"""Imports (issue 16): each file imported into an account, and what it created, so that it can be undone
as a whole and so that the next import of the same transactions finds them (the bank's ids)."""

from __future__ import annotations

from peewee import BigIntegerField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from app.models.base import BaseModel, utcnow
from app.models.expense import Expense
from app.models.user import User

EXTERNAL_ID_LENGTH = 200


class ImportBatch(BaseModel):
    """One committed import: the file, how it was read, what it gave. `undone_at` is set by an undo (the
    record stays, for the history)."""

    owner = ForeignKeyField(User, backref='imports', on_delete='CASCADE')
    owner_id: IntegerField[int]
    file_name = CharField(max_length=200)
    file_size = BigIntegerField(default=0)
    file_format = CharField(max_length=16, default='')
    preset = CharField(max_length=40, default='')
    rows = IntegerField(default=0)  # rows read from the file (every kind)
    imported = IntegerField(default=0)
    total_cents = BigIntegerField(default=0)
    # the categories and payment methods the import created (JSON lists of ids): undo removes the unused ones
    created_categories = TextField(default='[]')
    created_payment_methods = TextField(default='[]')
    created_at = DateTimeField(default=utcnow)
    undone_at = DateTimeField(null=True)

    class Meta:
        indexes = ((('owner', 'created_at'), False),)


class ImportedExpense(BaseModel):
    """An expense an import created, with the file's own id for it (OFX FITID, CAMT reference...) when it
    had one. An expense deleted by hand afterwards leaves its row (expense NULL): the bank id stays known."""

    batch = ForeignKeyField(ImportBatch, backref='items', on_delete='CASCADE')
    batch_id: IntegerField[int]
    owner = ForeignKeyField(User, on_delete='CASCADE')
    owner_id: IntegerField[int]
    expense = ForeignKeyField(Expense, null=True, on_delete='SET NULL')
    expense_id: IntegerField[int | None]
    external_id = CharField(max_length=EXTERNAL_ID_LENGTH, null=True)

    class Meta:
        indexes = (
            (('owner', 'external_id'), False),
            (('expense',), False),
            (('batch',), False),
        )
