from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from app.models.base import BaseModel, utcnow
from app.models.user import User


class UserLink(BaseModel):
    """Two users who share their data. Stored once per pair with user_a.id < user_b.id."""

    user_a = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    user_a_id: IntegerField[int]
    user_b = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    user_b_id: IntegerField[int]
    status = CharField(max_length=8, default='active')  # pending | active
    invited_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    invited_by_id: IntegerField[int | None]
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((('user_a', 'user_b'), True),)
