from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from app.models.base import BaseModel, utcnow
from app.models.user import User


class Session(BaseModel):
    """A login. Only the SHA-256 of the token is stored: a stolen database does not log anyone in."""

    user = ForeignKeyField(User, backref='sessions', on_delete='CASCADE')
    user_id: IntegerField[int]
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField(index=True)
    last_seen_at = DateTimeField(default=utcnow)
    ip = CharField(max_length=64, default='')
    user_agent = CharField(max_length=200, default='')
