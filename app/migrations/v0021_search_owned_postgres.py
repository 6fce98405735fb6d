"""Schema 21: PostgreSQL's search index knows whose expense each row is, as SQLite's does since migration 16
(issue 18, speed).

Migration 16's GIN index held the words of descriptions and places only, so a word's matches had to be narrowed
to the household through the owners' b-tree: a bitmap of every expense of the household (200,060 of a million)
ANDed with the word's, for each search. The index made here adds one lexeme per expense, `#` and its owner's
id (no word typed can be one: the search keeps letters and digits), and a search asks
`pizza:* & ('#1' | '#2')`, which the index answers alone. Migration 16's index is dropped: the new one answers
everything it did. `PG_OWNED_DOCUMENT` is the indexed expression; app/services/search_postgres.py writes the
same one (a test compares them).

SQLite: nothing (its FTS5 index has had the owner since migration 16).
"""

from __future__ import annotations

from app.db import db, is_postgres

ACCENTED = 'àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝŸ'
PLAIN = 'aaaaaaceeeeiiiinooooouuuuyyaaaaaaceeeeiiiinooooouuuuyy'
PG_DOCUMENT = (
    "to_tsvector('simple'::regconfig, translate(lower(coalesce(description, '') || ' ' || coalesce(place, '')), "
    f"'{ACCENTED}', '{PLAIN}'))"
)
PG_OWNED_DOCUMENT = f"({PG_DOCUMENT} || ('#' || owner_id::text)::tsvector)"


def apply() -> None:
    if not is_postgres():
        return
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS expense_search_owned ON expense USING GIN ({PG_OWNED_DOCUMENT})')
    db.execute_sql('DROP INDEX IF EXISTS expense_search_document')
