"""Schema 10: recurring rules and their occurrences, unique per (rule, date) (issue 17)."""

from __future__ import annotations

from peewee import (
    SQL,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
)

from app.db import db
from app.migrations.base import FrozenModel


class User(FrozenModel):
    """Only the key the rules reference."""


class Category(FrozenModel):
    """Only the key the rules reference."""


class PaymentMethod(FrozenModel):
    """Only the key the rules reference."""


class Expense(FrozenModel):
    """Only the key the occurrences reference."""


class RecurringRule(FrozenModel):
    owner = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    amount_cents = BigIntegerField()
    category = ForeignKeyField(Category, backref='+', on_delete='RESTRICT')
    subcategory = ForeignKeyField(Category, null=True, backref='+', on_delete='RESTRICT')
    payment_method = ForeignKeyField(PaymentMethod, null=True, backref='+', on_delete='RESTRICT')
    description = CharField(max_length=500)
    place = CharField(max_length=120)
    every = IntegerField()
    unit = CharField(max_length=8)
    day_of_month = IntegerField(null=True)
    last_working_day = BooleanField()
    start_date = DateField()
    end_date = DateField(null=True)
    count = IntegerField(null=True)
    new_amount_cents = BigIntegerField(null=True)
    new_amount_from = DateField(null=True)
    paused = BooleanField()
    done_through = DateField(null=True)
    created_at = DateTimeField()
    updated_at = DateTimeField()
    request_id = CharField(max_length=100, null=True)

    class Meta:
        table_name = 'recurring_rule'
        indexes = ((('owner', 'request_id'), True),)
        constraints = [SQL('CHECK (amount_cents > 0)'), SQL('CHECK (every > 0)')]


class RecurringOccurrence(FrozenModel):
    rule = ForeignKeyField(RecurringRule, backref='+', on_delete='CASCADE')
    date = DateField()
    expense = ForeignKeyField(Expense, null=True, backref='+', on_delete='SET NULL')
    created_at = DateTimeField()

    class Meta:
        table_name = 'recurring_occurrence'
        indexes = ((('rule', 'date'), True), (('expense',), False))


def apply() -> None:
    db.create_tables([RecurringRule, RecurringOccurrence], safe=True)
