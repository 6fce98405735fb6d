"""Schema 12: tags on expenses, and the full-text index that searches descriptions and places (issue 18).

The tag tables are ordinary tables on both databases. The full-text index exists on SQLite only: an FTS5
table over `expense` (external content: it stores no copy of the text, only the index) with folded case and
accents and prefix indexes, kept in sync by triggers on `expense`, so every path that writes an expense
(the services, an import, an undo, the cascade of a user's deletion) keeps it current without knowing it.
PostgreSQL searches the columns themselves (app/services/expense_search.py)."""

from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField

from app.db import db, is_postgres
from app.migrations.base import FrozenModel


class User(FrozenModel):
    """Only the key that tag references."""


class Expense(FrozenModel):
    """Only the key that expense_tag references."""


class Tag(FrozenModel):
    owner = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    name = CharField(max_length=40)
    name_key = CharField(max_length=160)
    created_at = DateTimeField()

    class Meta:
        indexes = ((('owner', 'name_key'), True),)


class ExpenseTag(FrozenModel):
    expense = ForeignKeyField(Expense, backref='+', on_delete='CASCADE')
    tag = ForeignKeyField(Tag, backref='+', on_delete='CASCADE', index=True)

    class Meta:
        indexes = ((('expense', 'tag'), True),)


# The index and its triggers; `IF NOT EXISTS` everywhere so that a database that has them is left as it is.
SQLITE_SEARCH = (
    """CREATE VIRTUAL TABLE IF NOT EXISTS expense_fts USING fts5(
        description, place, content='expense', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')""",
    """CREATE TRIGGER IF NOT EXISTS expense_fts_after_insert AFTER INSERT ON expense BEGIN
        INSERT INTO expense_fts (rowid, description, place) VALUES (new.id, new.description, new.place);
    END""",
    """CREATE TRIGGER IF NOT EXISTS expense_fts_after_delete AFTER DELETE ON expense BEGIN
        INSERT INTO expense_fts (expense_fts, rowid, description, place)
            VALUES ('delete', old.id, old.description, old.place);
    END""",
    """CREATE TRIGGER IF NOT EXISTS expense_fts_after_update AFTER UPDATE OF id, description, place ON expense BEGIN
        INSERT INTO expense_fts (expense_fts, rowid, description, place)
            VALUES ('delete', old.id, old.description, old.place);
        INSERT INTO expense_fts (rowid, description, place) VALUES (new.id, new.description, new.place);
    END""",
)


def apply() -> None:
    db.create_tables([Tag, ExpenseTag], safe=True)
    if is_postgres():
        return
    existed = db.execute_sql("SELECT 1 FROM sqlite_master WHERE name = 'expense_fts'").fetchone() is not None
    for statement in SQLITE_SEARCH:
        db.execute_sql(statement)
    if not existed:
        db.execute_sql("INSERT INTO expense_fts (expense_fts) VALUES ('rebuild')")
