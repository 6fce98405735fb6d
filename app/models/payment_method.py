from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from app.models.base import BaseModel, utcnow
from app.models.user import User


class PaymentMethod(BaseModel):
    owner = ForeignKeyField(User, backref='payment_methods', on_delete='CASCADE')
    owner_id: IntegerField[int]
    name = CharField(max_length=80)
    icon = CharField(max_length=40, default='payments')
    created_at = DateTimeField(default=utcnow)
