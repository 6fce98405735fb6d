"""The base model: every table binds to the one database proxy."""

from __future__ import annotations

from datetime import UTC, datetime

from peewee import AutoField, Model

from app.db import db


def utcnow() -> datetime:
    """Naive UTC, the one time zone stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


class BaseModel(Model):
    # Peewee adds the `id` primary key itself; declared here so that type checkers know it.
    id: AutoField[int]

    class Meta:
        database = db
        legacy_table_names = False
