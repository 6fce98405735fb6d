"""What the migration modules share: the base of their frozen tables and a guarded ADD COLUMN.

Nothing here describes a table, so nothing here can change what an old migration creates."""

from __future__ import annotations

from peewee import Field, Model
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

from app.db import db, is_postgres


class FrozenModel(Model):
    """A table as one migration created it, bound to the one database proxy.

    Only what reaches the DDL is copied (types, lengths, NULL, unique, indexes, foreign keys and their
    ON DELETE, CHECKs); Python-side defaults and backrefs live in app.models, which migrations never read."""

    class Meta:
        database = db
        legacy_table_names = False


def add_column_if_missing(table: str, column: str, field: Field) -> None:
    """Add a column unless the table has it: a database whose migration 1 ran before the tables were
    frozen (migration 1 then created the models of its day) may have it already.

    A NOT NULL column must carry its default in the DDL (`constraints=[SQL("DEFAULT ''")]`), so that both
    SQLite and PostgreSQL add it in place. Without one, peewee adds the column nullable and then rebuilds
    the SQLite table to make it NOT NULL, and dropping the old `user` table deletes, through ON DELETE
    CASCADE, every category and expense that references it."""
    if column in {c.name for c in db.get_columns(table)}:
        return
    if not field.null and not field.constraints:
        raise ValueError(f'{table}.{column} is NOT NULL: give it a DEFAULT in its constraints')
    migrator = PostgresqlMigrator(db) if is_postgres() else SqliteMigrator(db)
    migrate(migrator.add_column(table, column, field, allow_not_null=not field.null))
