"""Schema 2: the audit log of security-relevant events."""

from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from app.db import db
from app.migrations.base import FrozenModel


class User(FrozenModel):
    """Only the key that audit_event references; this migration does not touch the table."""


class AuditEvent(FrozenModel):
    at = DateTimeField(index=True)
    event = CharField(max_length=40, index=True)
    user = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    username = CharField(max_length=64)
    ip = CharField(max_length=64)
    detail = TextField()

    class Meta:
        indexes = ((('event', 'username', 'at'), False), (('event', 'ip', 'at'), False))


def apply() -> None:
    db.create_tables([AuditEvent], safe=True)
