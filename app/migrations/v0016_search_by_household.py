"""Schema 16: the search index knows whose expense each row is (issue 18, speed), and PostgreSQL gets one.

SQLite: migration 12's FTS5 index held descriptions and places only, so a common word matched every
household's rows (50,000 of them for "pizza" in a million expenses) and the search then dropped the other
households' ones row by row. The index is rebuilt here with a third column, `owner_id` (external content:
FTS5 reads it from `expense` like the texts; the number is indexed as a token), so that a search asks
`{description place} : "pizza"* AND owner_id : ("1" OR "2")` and FTS5 intersects the two lists itself.
The table and trigger names stay (imports, tests and backups know them); the triggers now follow an
owner's change too.

PostgreSQL: a GIN index over the same folded text as a `tsvector` ('simple' configuration: no stemming,
case folded; accents folded by `translate`, which needs no extension, as Python's `tags.fold` folds the
words searched for). `PG_DOCUMENT` is the indexed
expression: app/services/expense_search.py writes the very same one (a test compares them), or the
planner would not use the index.
"""

from __future__ import annotations

from app.db import db, is_postgres

ACCENTED = 'àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝŸ'
PLAIN = 'aaaaaaceeeeiiiinooooouuuuyyaaaaaaceeeeiiiinooooouuuuyy'
PG_DOCUMENT = (
    "to_tsvector('simple'::regconfig, translate(lower(coalesce(description, '') || ' ' || coalesce(place, '')), "
    f"'{ACCENTED}', '{PLAIN}'))"
)

SQLITE_SEARCH = (
    'DROP TRIGGER IF EXISTS expense_fts_after_insert',
    'DROP TRIGGER IF EXISTS expense_fts_after_delete',
    'DROP TRIGGER IF EXISTS expense_fts_after_update',
    'DROP TABLE IF EXISTS expense_fts',
    """CREATE VIRTUAL TABLE expense_fts USING fts5(
        description, place, owner_id, content='expense', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')""",
    """CREATE TRIGGER expense_fts_after_insert AFTER INSERT ON expense BEGIN
        INSERT INTO expense_fts (rowid, description, place, owner_id)
            VALUES (new.id, new.description, new.place, new.owner_id);
    END""",
    """CREATE TRIGGER expense_fts_after_delete AFTER DELETE ON expense BEGIN
        INSERT INTO expense_fts (expense_fts, rowid, description, place, owner_id)
            VALUES ('delete', old.id, old.description, old.place, old.owner_id);
    END""",
    """CREATE TRIGGER expense_fts_after_update AFTER UPDATE OF id, description, place, owner_id ON expense BEGIN
        INSERT INTO expense_fts (expense_fts, rowid, description, place, owner_id)
            VALUES ('delete', old.id, old.description, old.place, old.owner_id);
        INSERT INTO expense_fts (rowid, description, place, owner_id)
            VALUES (new.id, new.description, new.place, new.owner_id);
    END""",
    "INSERT INTO expense_fts (expense_fts) VALUES ('rebuild')",
)


def apply() -> None:
    if is_postgres():
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS expense_search_document ON expense USING GIN ({PG_DOCUMENT})')
        return
    for statement in SQLITE_SEARCH:
        db.execute_sql(statement)
