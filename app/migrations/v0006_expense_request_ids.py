"""Schema 6: a create may carry the client's request id; the unique index makes a replay find the first
expense (NULLs never clash, so expenses without one are unaffected)."""

from __future__ import annotations

from peewee import CharField

from app.db import db
from app.migrations.base import add_column_if_missing

REQUEST_ID = CharField(max_length=100, null=True)


def apply() -> None:
    add_column_if_missing('expense', 'request_id', REQUEST_ID)
    db.execute_sql('CREATE UNIQUE INDEX IF NOT EXISTS expense_owner_id_request_id ON expense (owner_id, request_id)')
