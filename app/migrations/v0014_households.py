"""Schema 14: households that settle up (issue 20): the payer and split of an expense, settlements between
linked users, and each user's default split."""

from __future__ import annotations

from peewee import SQL, BigIntegerField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField

from app.db import db
from app.migrations.base import FrozenModel


class User(FrozenModel):
    """Only the key the new tables reference."""


class Expense(FrozenModel):
    """Only the key the new tables reference."""


class ExpenseSplit(FrozenModel):
    expense = ForeignKeyField(Expense, unique=True, backref='+', on_delete='CASCADE')
    paid_by = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    mode = CharField(max_length=8)


class ExpenseShare(FrozenModel):
    split = ForeignKeyField(ExpenseSplit, backref='+', on_delete='CASCADE')
    user = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    position = IntegerField()
    part = CharField(max_length=24)
    share_cents = BigIntegerField()

    class Meta:
        indexes = ((('split', 'user'), True), (('user',), False))
        constraints = [SQL('CHECK (share_cents >= 0)')]


class Settlement(FrozenModel):
    from_user = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    to_user = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    amount_cents = BigIntegerField()
    date = DateField()
    created_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    created_at = DateTimeField()

    class Meta:
        indexes = ((('from_user', 'to_user'), False), (('to_user',), False))
        constraints = [SQL('CHECK (amount_cents > 0)')]


class HouseholdPreference(FrozenModel):
    user = ForeignKeyField(User, unique=True, backref='+', on_delete='CASCADE')
    default_split = CharField(max_length=8)


def apply() -> None:
    db.create_tables([ExpenseSplit, ExpenseShare, Settlement, HouseholdPreference], safe=True)
