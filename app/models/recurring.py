"""Recurring rules and the occurrences they created (issue 17).

A rule carries an expense's fields plus a schedule. Each occurrence the server creates is an ordinary
expense; `RecurringOccurrence` remembers it under the unique key (rule, date), so that two processes
running the scheduler at once can never create the same date twice, and an occurrence whose expense was
deleted by hand is not created again.
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
from app.models.category import Category
from app.models.expense import REQUEST_ID_LENGTH, Expense
from app.models.payment_method import PaymentMethod
from app.models.user import User

UNITS = ('day', 'week', 'month', 'year')


class RecurringRule(BaseModel):
    owner = ForeignKeyField(User, backref='recurring_rules', on_delete='CASCADE')
    owner_id: IntegerField[int]
    amount_cents = BigIntegerField()
    category = ForeignKeyField(Category, backref='+', on_delete='RESTRICT')
    category_id: IntegerField[int]
    subcategory = ForeignKeyField(Category, null=True, backref='+', on_delete='RESTRICT')
    subcategory_id: IntegerField[int | None]
    payment_method = ForeignKeyField(PaymentMethod, null=True, backref='+', on_delete='RESTRICT')
    payment_method_id: IntegerField[int | None]
    description = CharField(max_length=500, default='')
    place = CharField(max_length=120, default='')
    every = IntegerField(default=1)
    unit = CharField(max_length=8)
    day_of_month = IntegerField(null=True)  # 1..31 (31: the last day of shorter months); None: the start's day
    last_working_day = BooleanField(default=False)  # months/years: the last Monday-Friday of the month
    start_date = DateField()
    end_date = DateField(null=True)
    count = IntegerField(null=True)  # how many dates the schedule has, counted from its start
    new_amount_cents = BigIntegerField(null=True)  # "from March, 15.99"
    new_amount_from = DateField(null=True)
    paused = BooleanField(default=False)
    # Every schedule date up to this one has been dealt with (created, or skipped by a pause or an edit).
    done_through = DateField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    request_id = CharField(max_length=REQUEST_ID_LENGTH, null=True)

    class Meta:
        table_name = 'recurring_rule'
        indexes = ((('owner', 'request_id'), True),)
        constraints = [SQL('CHECK (amount_cents > 0)'), SQL('CHECK (every > 0)')]


class RecurringOccurrence(BaseModel):
    rule = ForeignKeyField(RecurringRule, backref='occurrences', on_delete='CASCADE')
    rule_id: IntegerField[int]
    date = DateField()
    expense = ForeignKeyField(Expense, null=True, backref='+', on_delete='SET NULL')
    expense_id: IntegerField[int | None]
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = 'recurring_occurrence'
        indexes = ((('rule', 'date'), True), (('expense',), False))
