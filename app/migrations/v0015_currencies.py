"""Schema 15: currencies (issue 20, item 4): an expense's own currency and amount, a settlement's, exchange
rates per date, and the expenses waiting for a rate.

The new expense and settlement columns are NULL on existing rows: such a row is in its owner's household
currency and needs no conversion (nothing is backfilled, so the migration is instant on a large table)."""

from __future__ import annotations

from peewee import BigIntegerField, CharField, DateField, DateTimeField, Field, ForeignKeyField

from app.db import db
from app.migrations.base import FrozenModel, add_column_if_missing


class User(FrozenModel):
    """Only the key the new tables reference."""


class Expense(FrozenModel):
    """Only the key the new tables reference."""


class ExchangeRate(FrozenModel):
    day = DateField()
    currency = CharField(max_length=3)
    rate = CharField(max_length=32)
    source = CharField(max_length=8)
    created_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    updated_at = DateTimeField()

    class Meta:
        indexes = ((('currency', 'day'), True),)


class MissingRate(FrozenModel):
    expense = ForeignKeyField(Expense, unique=True, backref='+', on_delete='CASCADE')
    currency = CharField(max_length=3)
    day = DateField()

    class Meta:
        indexes = ((('currency', 'day'), False),)


COLUMNS: dict[str, dict[str, Field]] = {
    'expense': {'currency': CharField(max_length=3, null=True), 'original_cents': BigIntegerField(null=True)},
    'settlement': {'currency': CharField(max_length=3, null=True), 'original_cents': BigIntegerField(null=True)},
}


def apply() -> None:
    for table, columns in COLUMNS.items():
        for column, field in columns.items():
            add_column_if_missing(table, column, field)
    db.create_tables([ExchangeRate, MissingRate], safe=True)
