"""Currencies (issue 20, item 4): exchange rates per date, and the expenses waiting for one.

A rate is how many units of `currency` one euro buys on `day` (the European Central Bank's convention);
a conversion between two other currencies goes through the euro. The rate is kept as exact decimal text,
never a float. An expense in another currency than its owner's household currency is counted converted
(`Expense.amount_cents`); while the rate of its date is missing it has a `MissingRate` row, and the totals
leave it out until the rate arrives (app/services/rates.py).
"""

from __future__ import annotations

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField

from app.models.base import BaseModel, utcnow
from app.models.expense import Expense
from app.models.user import User


class ExchangeRate(BaseModel):
    day = DateField()
    currency = CharField(max_length=3)
    rate = CharField(max_length=32)  # units of `currency` per euro, exact decimal text
    source = CharField(max_length=8, default='manual')  # manual | fetched
    created_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    created_by_id: IntegerField[int | None]
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((('currency', 'day'), True),)


class MissingRate(BaseModel):
    """An expense whose amount could not be converted yet: left out of every total until its rate comes."""

    expense = ForeignKeyField(Expense, unique=True, backref='+', on_delete='CASCADE')
    expense_id: IntegerField[int]
    currency = CharField(max_length=3)
    day = DateField()

    class Meta:
        indexes = ((('currency', 'day'), False),)
