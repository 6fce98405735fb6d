import pytest

from app.db import db, is_postgres
from app.migrations import LATEST_SCHEMA, run_migrations, schema_version


@pytest.mark.sqlite_only(reason="SQLite's pragmas (WAL, synchronous, foreign keys, busy timeout)")
def test_sqlite_pragmas(database) -> None:
    assert db.execute_sql('PRAGMA journal_mode').fetchone()[0] == 'wal'
    assert db.execute_sql('PRAGMA synchronous').fetchone()[0] == 2  # FULL
    assert db.execute_sql('PRAGMA foreign_keys').fetchone()[0] == 1
    assert db.execute_sql('PRAGMA busy_timeout').fetchone()[0] >= 5000


def test_migrations_are_recorded_and_rerun_is_a_no_op(database) -> None:
    assert schema_version() == LATEST_SCHEMA
    assert run_migrations() == []


def test_a_newer_database_is_refused(database) -> None:
    import pytest

    db.execute_sql(f'INSERT INTO schema_version (version) VALUES ({LATEST_SCHEMA + 1})')
    with pytest.raises(RuntimeError, match='update the app'):
        run_migrations()


def test_text_with_a_nul_character_finds_nothing_instead_of_failing(database) -> None:
    """PostgreSQL's text cannot hold NUL: a username or a search a person pasted one into must answer
    "not found" there as on SQLite, not a DataError (a 500); psycopg sends U+FFFD in its place."""
    from app.services import accounts
    from tests.builders import make_user

    make_user('alice')
    assert accounts.find_user('alice\x00') is None
    assert accounts.find_user('ali\x00ce') is None
    assert accounts.find_user('alice') is not None  # the connection is still usable afterwards
    expected = 'a\ufffdb' if is_postgres() else 'a\x00b'
    assert db.execute_sql('SELECT %s' if is_postgres() else 'SELECT ?', ('a\x00b',)).fetchone()[0] == expected
