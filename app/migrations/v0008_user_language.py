"""Schema 8: the language a user reads the app in (issue 15), apart from `locale`, which formats numbers
and dates. '' means "automatic": the browser's Accept-Language. Nothing is backfilled from `locale`."""

from __future__ import annotations

from peewee import SQL, CharField, Field

from app.migrations.base import add_column_if_missing

# NOT NULL column added to a table that has rows: the default is in the DDL (see add_column_if_missing).
USER_COLUMNS: dict[str, Field] = {
    'language': CharField(max_length=8, constraints=[SQL("DEFAULT ''")]),
}


def apply() -> None:
    for column, field in USER_COLUMNS.items():
        add_column_if_missing('user', column, field)
