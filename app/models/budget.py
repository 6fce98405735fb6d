"""Budgets (a monthly amount for a category, a payment method or everything), the alerts they fired, and
where a user's alerts are sent (Apprise notification URLs)."""

from __future__ import annotations

from peewee import SQL, BigIntegerField, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from app.models.base import BaseModel, utcnow
from app.models.category import Category
from app.models.payment_method import PaymentMethod
from app.models.user import User


class Budget(BaseModel):
    """At most one of category / payment method; neither means "everything". `scope` is `everyone` (the
    owner's household: the owner and the users linked to them) or `mine` (the owner's expenses only)."""

    owner = ForeignKeyField(User, backref='budgets', on_delete='CASCADE')
    owner_id: IntegerField[int]
    amount_cents = BigIntegerField()
    category = ForeignKeyField(Category, null=True, backref='budgets', on_delete='CASCADE')
    category_id: IntegerField[int | None]
    payment_method = ForeignKeyField(PaymentMethod, null=True, backref='budgets', on_delete='CASCADE')
    payment_method_id: IntegerField[int | None]
    scope = CharField(max_length=10, default='everyone')
    rollover = BooleanField(default=False)
    thresholds = CharField(max_length=40, default='80,100')  # percents, ascending, comma-separated
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        constraints = [SQL('CHECK (amount_cents > 0)')]


class Alert(BaseModel):
    """One alert for one recipient. `key` says what it is about (`budget:12:2026-12:80`,
    `recurring:5:2026-12-15`); (user, key) is unique, so an alert is inserted once whichever process, and
    however many times, sees the threshold crossed. `delivery` is `pending`, `sent`, `failed` or `none`
    (no notification URL); `next_attempt_at` spaces the retries and `claimed_until` keeps two processes
    from sending the same alert."""

    user = ForeignKeyField(User, backref='alerts', on_delete='CASCADE')
    user_id: IntegerField[int]
    key = CharField(max_length=100)
    kind = CharField(max_length=20)
    budget = ForeignKeyField(Budget, null=True, backref='alerts', on_delete='CASCADE')
    budget_id: IntegerField[int | None]
    month = CharField(max_length=7)
    threshold = IntegerField(default=0)
    spent_cents = BigIntegerField(default=0)
    limit_cents = BigIntegerField(default=0)
    detail = CharField(max_length=200, default='')
    created_at = DateTimeField(default=utcnow)
    notified_at = DateTimeField(null=True)
    seen_at = DateTimeField(null=True)
    delivery = CharField(max_length=10, default='pending')
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(null=True)
    claimed_until = DateTimeField(null=True)
    last_error = CharField(max_length=300, default='')

    class Meta:
        indexes = ((('user', 'key'), True), (('delivery', 'next_attempt_at'), False))


class NotificationUrl(BaseModel):
    """An Apprise URL (ntfy://, gotify://, mailto://, json://...) where a user's alerts are sent."""

    user = ForeignKeyField(User, backref='notification_urls', on_delete='CASCADE')
    user_id: IntegerField[int]
    url = CharField(max_length=1000)
    created_at = DateTimeField(default=utcnow)


class AlertPreference(BaseModel):
    """Per user: warn the day before a recurring expense of at least `large_recurring_cents` (0: never)."""

    user = ForeignKeyField(User, backref='+', on_delete='CASCADE', unique=True)
    user_id: IntegerField[int]
    large_recurring_cents = BigIntegerField(default=0)
