from __future__ import annotations

from peewee import SQL, BigIntegerField, CharField, DateField, DateTimeField, DoubleField, ForeignKeyField, IntegerField

from app.models.base import BaseModel, utcnow
from app.models.category import Category
from app.models.payment_method import PaymentMethod
from app.models.user import User

REQUEST_ID_LENGTH = 100


class Expense(BaseModel):
    owner = ForeignKeyField(User, backref='expenses', on_delete='CASCADE')
    owner_id: IntegerField[int]
    amount_cents = BigIntegerField()
    date = DateField()
    category = ForeignKeyField(Category, backref='expenses', on_delete='RESTRICT')
    category_id: IntegerField[int]
    subcategory = ForeignKeyField(Category, null=True, backref='sub_expenses', on_delete='RESTRICT')
    subcategory_id: IntegerField[int | None]
    payment_method = ForeignKeyField(PaymentMethod, null=True, backref='expenses', on_delete='RESTRICT')
    payment_method_id: IntegerField[int | None]
    description = CharField(max_length=500, default='')
    latitude = DoubleField(null=True)
    longitude = DoubleField(null=True)
    place = CharField(max_length=120, default='')
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    # The client's id for the request that created it: a retried create finds it instead of adding a twin.
    request_id = CharField(max_length=REQUEST_ID_LENGTH, null=True)
    # Its own currency and amount (issue 20): `amount_cents` is what it counts for, converted into its
    # owner's household currency at the rate of its date (app/services/rates.py); NULL: not converted.
    currency = CharField(max_length=3, null=True)
    original_cents = BigIntegerField(null=True)

    class Meta:
        # The dashboard aggregates a month of one household: an index that carries the aggregated
        # columns answers those queries from the index alone, without touching the table.
        # (owner, request_id) is unique so that two racing replays cannot both insert (NULLs never clash).
        indexes = (
            (('owner', 'date', 'amount_cents', 'category', 'subcategory', 'payment_method'), False),
            (('owner', 'request_id'), True),
        )
        constraints = [SQL('CHECK (amount_cents > 0)')]
