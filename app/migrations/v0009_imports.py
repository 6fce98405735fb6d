"""Schema 9: imports (issue 16): each committed import, and the expenses it created with the file's own
ids for them (for undo, and for recognising the same transactions in the next file)."""

from __future__ import annotations

from peewee import BigIntegerField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from app.db import db
from app.migrations.base import FrozenModel


class User(FrozenModel):
    class Meta:
        table_name = 'user'


class Expense(FrozenModel):
    class Meta:
        table_name = 'expense'


class ImportBatch(FrozenModel):
    owner = ForeignKeyField(User, on_delete='CASCADE')
    file_name = CharField(max_length=200)
    file_size = BigIntegerField()
    file_format = CharField(max_length=16)
    preset = CharField(max_length=40)
    rows = IntegerField()
    imported = IntegerField()
    total_cents = BigIntegerField()
    created_categories = TextField()
    created_payment_methods = TextField()
    created_at = DateTimeField()
    undone_at = DateTimeField(null=True)

    class Meta:
        indexes = ((('owner', 'created_at'), False),)


class ImportedExpense(FrozenModel):
    batch = ForeignKeyField(ImportBatch, on_delete='CASCADE')
    owner = ForeignKeyField(User, on_delete='CASCADE')
    expense = ForeignKeyField(Expense, null=True, on_delete='SET NULL')
    external_id = CharField(max_length=200, null=True)

    class Meta:
        indexes = (
            (('owner', 'external_id'), False),
            (('expense',), False),
            (('batch',), False),
        )


def apply() -> None:
    db.create_tables([ImportBatch, ImportedExpense], safe=True)
