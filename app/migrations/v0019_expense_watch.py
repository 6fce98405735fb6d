"""Schema 19: counters of the writes to each owner's expenses, kept by the database itself (issue 21, item 7).

The places of a household are kept up to date change by change (app/services/places_state.py). To learn what
changed it compared an aggregate over every located expense of the household with its own sums: one pass
over 100,000 rows (40 to 100 ms) before every suggestion, the first one after a save included. These
triggers count, per owner, the located expenses inserted and the expenses updated or deleted, whoever writes them (this
process, another one, an import, a hand edit in the sqlite3 shell): when the counters have not moved nothing
changed, and when only `inserts` moved the new expenses are those above the largest id known. Only when an
update or a deletion happened is the aggregate read.

`expense_watch` is derived from `expense` like the search index: no model, left out of `db copy` (the
target's triggers count its own writes) and of the schema comparison of tests/test_migrations.py.

SQLite only: on PostgreSQL a counter row per owner would be a lock that concurrent writers of one household
queue on (and, taken in different orders, deadlock on), so places_state keeps reading the aggregate there.
"""

from __future__ import annotations

from app.db import db, is_postgres

TABLE = 'expense_watch'
TRIGGERS = ('expense_watch_after_insert', 'expense_watch_after_update', 'expense_watch_after_delete')


def _count(column: str, owner: str) -> str:
    return (
        f'INSERT INTO expense_watch (owner_id, {column}) VALUES ({owner}, 1) '
        f'ON CONFLICT (owner_id) DO UPDATE SET {column} = {column} + 1;'
    )


SQLITE_WATCH = (
    """CREATE TABLE IF NOT EXISTS expense_watch (
        owner_id INTEGER NOT NULL PRIMARY KEY,
        inserts INTEGER NOT NULL DEFAULT 0,
        changes INTEGER NOT NULL DEFAULT 0)""",
    f"""CREATE TRIGGER IF NOT EXISTS expense_watch_after_insert AFTER INSERT ON expense
        WHEN new.latitude IS NOT NULL AND new.longitude IS NOT NULL BEGIN
        {_count('inserts', 'new.owner_id')}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS expense_watch_after_update AFTER UPDATE ON expense BEGIN
        {_count('changes', 'old.owner_id')}
        {_count('changes', 'new.owner_id')}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS expense_watch_after_delete AFTER DELETE ON expense BEGIN
        {_count('changes', 'old.owner_id')}
    END""",
)


def apply() -> None:
    if is_postgres():
        return
    for statement in SQLITE_WATCH:
        db.execute_sql(statement)
