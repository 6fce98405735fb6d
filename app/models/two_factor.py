from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from app.models.base import BaseModel, utcnow
from app.models.user import User


class RecoveryCode(BaseModel):
    """A one-time code for a lost phone. Only its SHA-256 is stored; `used_at` makes it one-time."""

    user = ForeignKeyField(User, backref='recovery_codes', on_delete='CASCADE')
    user_id: IntegerField[int]
    code_hash = CharField(max_length=64, index=True)
    created_at = DateTimeField(default=utcnow)
    used_at = DateTimeField(null=True)
