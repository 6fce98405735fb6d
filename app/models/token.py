from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from app.models.base import BaseModel, utcnow
from app.models.user import User


class ApiToken(BaseModel):
    """A personal API token, stored only as an HMAC keyed with API_KEY_SALT."""

    user = ForeignKeyField(User, backref='api_tokens', on_delete='CASCADE')
    user_id: IntegerField[int]
    name = CharField(max_length=80)
    token_hmac = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)
