from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from app.models.base import BaseModel, utcnow
from app.models.user import User


class AuditEvent(BaseModel):
    """Something security-relevant that happened: who (user and the name they had), from where, when."""

    at = DateTimeField(default=utcnow, index=True)
    event = CharField(max_length=40, index=True)
    user = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    user_id: IntegerField[int | None]
    username = CharField(max_length=64, default='')
    ip = CharField(max_length=64, default='')
    detail = TextField(default='')

    class Meta:
        # the login throttle counts recent failures per username and per address
        indexes = ((('event', 'username', 'at'), False), (('event', 'ip', 'at'), False))
