"""Households that settle up (issue 20): who paid an expense and how it is split, settlements between
linked users, and each user's household preferences.

An expense without an `ExpenseSplit` row is "just me": paid by its owner, all of it the owner's share.
"""

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

from app.models.base import BaseModel, utcnow
from app.models.expense import Expense
from app.models.user import User


class ExpenseSplit(BaseModel):
    """Who paid the expense and how it is shared: the mode, and one `ExpenseShare` per member."""

    expense = ForeignKeyField(Expense, unique=True, backref='+', on_delete='CASCADE')
    expense_id: IntegerField[int]
    paid_by = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    paid_by_id: IntegerField[int]
    mode = CharField(max_length=8)  # equal | shares | amounts | percent


class ExpenseShare(BaseModel):
    """One member's part of a split expense, in cents; `part` is what the split gave for them (a weight, an
    amount or a percent, as exact decimal text; '' for an equal split)."""

    split = ForeignKeyField(ExpenseSplit, backref='shares', on_delete='CASCADE')
    split_id: IntegerField[int]
    user = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    user_id: IntegerField[int]
    position = IntegerField()
    part = CharField(max_length=24, default='')
    share_cents = BigIntegerField()

    class Meta:
        indexes = ((('split', 'user'), True), (('user',), False))
        constraints = [SQL('CHECK (share_cents >= 0)')]


class Settlement(BaseModel):
    """A reimbursement from one user to another: it moves their balance and is never spending."""

    from_user = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    from_user_id: IntegerField[int]
    to_user = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    to_user_id: IntegerField[int]
    amount_cents = BigIntegerField()
    date = DateField()
    created_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    created_by_id: IntegerField[int | None]
    created_at = DateTimeField(default=utcnow)
    # The currency it was recorded in and its amount there (issue 20): `amount_cents` is in the household
    # currency, converted again from these when the household changes currency. NULL: as recorded.
    currency = CharField(max_length=3, null=True)
    original_cents = BigIntegerField(null=True)
    # Recorded in another currency whose rate of that date is missing: it moves no balance until the rate
    # arrives (`amount_cents` then holds the original amount only to keep the CHECK).
    rate_missing = BooleanField(default=False)

    class Meta:
        indexes = ((('from_user', 'to_user'), False), (('to_user',), False))
        constraints = [SQL('CHECK (amount_cents > 0)')]


class HouseholdPreference(BaseModel):
    """A user's household settings: the split a new expense starts with (`me` or `equal`)."""

    user = ForeignKeyField(User, unique=True, backref='+', on_delete='CASCADE')
    user_id: IntegerField[int]
    default_split = CharField(max_length=8, default='me')
