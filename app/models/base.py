"""The base model: every table binds to the one database proxy."""

from datetime import UTC, datetime

from peewee import Model

from app.db import db


def utcnow() -> datetime:
    """Naive UTC, the one time zone stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False
