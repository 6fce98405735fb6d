"""Schema 1: the accounts, their categories, payment methods and expenses, sessions, links and API tokens,
as they were when this was the latest schema."""

from __future__ import annotations

from peewee import SQL, BigIntegerField, BooleanField, CharField, DateField, DateTimeField, DoubleField, ForeignKeyField

from app.db import db
from app.migrations.base import FrozenModel


class User(FrozenModel):
    username = CharField(max_length=64)
    username_key = CharField(max_length=64, unique=True)
    password_hash = CharField(max_length=255)
    is_admin = BooleanField()
    theme = CharField(max_length=8)
    currency = CharField(max_length=3)
    locale = CharField(max_length=16)
    timezone = CharField(max_length=64)
    capture_location = BooleanField()
    created_at = DateTimeField()
    deleted_at = DateTimeField(null=True)


class Category(FrozenModel):
    owner = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    name = CharField(max_length=80)
    parent = ForeignKeyField('self', null=True, backref='+', on_delete='RESTRICT')
    color = CharField(max_length=9)
    icon = CharField(max_length=40)
    created_at = DateTimeField()

    class Meta:
        indexes = ((('owner', 'parent'), False),)


class PaymentMethod(FrozenModel):
    owner = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    name = CharField(max_length=80)
    icon = CharField(max_length=40)
    created_at = DateTimeField()


class Expense(FrozenModel):
    owner = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    amount_cents = BigIntegerField()
    date = DateField()
    category = ForeignKeyField(Category, backref='+', on_delete='RESTRICT')
    subcategory = ForeignKeyField(Category, null=True, backref='+', on_delete='RESTRICT')
    payment_method = ForeignKeyField(PaymentMethod, null=True, backref='+', on_delete='RESTRICT')
    description = CharField(max_length=500)
    latitude = DoubleField(null=True)
    longitude = DoubleField(null=True)
    place = CharField(max_length=120)
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        indexes = ((('owner', 'date', 'amount_cents', 'category', 'subcategory', 'payment_method'), False),)
        constraints = [SQL('CHECK (amount_cents > 0)')]


class Session(FrozenModel):
    user = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField()
    expires_at = DateTimeField(index=True)
    last_seen_at = DateTimeField()
    ip = CharField(max_length=64)
    user_agent = CharField(max_length=200)


class UserLink(FrozenModel):
    user_a = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    user_b = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    status = CharField(max_length=8)
    invited_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    created_at = DateTimeField()

    class Meta:
        indexes = ((('user_a', 'user_b'), True),)


class ApiToken(FrozenModel):
    user = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    name = CharField(max_length=80)
    token_hmac = CharField(max_length=64, unique=True)
    created_at = DateTimeField()
    last_used_at = DateTimeField(null=True)


def apply() -> None:
    db.create_tables([User, Category, PaymentMethod, Expense, Session, UserLink, ApiToken], safe=True)
