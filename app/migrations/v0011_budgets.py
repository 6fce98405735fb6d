"""Schema 11: budgets, the alerts they fired (unique per recipient and key, so each fires once), the
users' notification URLs and their alert preferences (issue 17)."""

from __future__ import annotations

from peewee import SQL, BigIntegerField, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from app.db import db
from app.migrations.base import FrozenModel


class User(FrozenModel):
    """Only the key the new tables reference."""


class Category(FrozenModel):
    """Only the key the new tables reference."""


class PaymentMethod(FrozenModel):
    """Only the key the new tables reference."""


class Budget(FrozenModel):
    owner = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    amount_cents = BigIntegerField()
    category = ForeignKeyField(Category, null=True, backref='+', on_delete='CASCADE')
    payment_method = ForeignKeyField(PaymentMethod, null=True, backref='+', on_delete='CASCADE')
    scope = CharField(max_length=10)
    rollover = BooleanField()
    thresholds = CharField(max_length=40)
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        constraints = [SQL('CHECK (amount_cents > 0)')]


class Alert(FrozenModel):
    user = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    key = CharField(max_length=100)
    kind = CharField(max_length=20)
    budget = ForeignKeyField(Budget, null=True, backref='+', on_delete='CASCADE')
    month = CharField(max_length=7)
    threshold = IntegerField()
    spent_cents = BigIntegerField()
    limit_cents = BigIntegerField()
    detail = CharField(max_length=200)
    created_at = DateTimeField()
    notified_at = DateTimeField(null=True)
    seen_at = DateTimeField(null=True)
    delivery = CharField(max_length=10)
    attempts = IntegerField()
    next_attempt_at = DateTimeField(null=True)
    claimed_until = DateTimeField(null=True)
    last_error = CharField(max_length=300)

    class Meta:
        indexes = ((('user', 'key'), True), (('delivery', 'next_attempt_at'), False))


class NotificationUrl(FrozenModel):
    user = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    url = CharField(max_length=1000)
    created_at = DateTimeField()


class AlertPreference(FrozenModel):
    user = ForeignKeyField(User, backref='+', on_delete='CASCADE', unique=True)
    large_recurring_cents = BigIntegerField()


def apply() -> None:
    db.create_tables([Budget, Alert, NotificationUrl, AlertPreference], safe=True)
