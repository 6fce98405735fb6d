"""tests/pg_databases.py on the PostgreSQL run (skipped without WIS_TEST_POSTGRES): a database asked for by
a module-scoped fixture, as the real server the tour and the XSS tests share, keeps its rows from one test
to the next; a test's own database is still a fresh one each time."""

from __future__ import annotations

import pytest

from tests.conftest import test_environment as environment_of
from tests.postgres_server import needs_postgres

pytestmark = needs_postgres


def _query(url: str, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(sql)
        return cursor.fetchall() if cursor.description else []


def _tables(url: str) -> set[str]:
    return {row[0] for row in _query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


@pytest.fixture(scope='module')
def shared(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database of a module's server, asked for before the module's first test."""
    return environment_of(tmp_path_factory.mktemp('shared'))['DATABASE_URL']


def test_a_module_database_is_apart_from_the_test_s(shared: str, environment: dict[str, str]) -> None:
    assert shared.startswith('postgresql://') and environment['DATABASE_URL'] != shared
    _query(shared, 'CREATE TABLE kept (n integer)')
    _query(shared, 'INSERT INTO kept VALUES (1)')
    _query(environment['DATABASE_URL'], 'CREATE TABLE mine (n integer)')


def test_the_next_test_finds_the_module_s_rows_and_a_fresh_database_of_its_own(
    shared: str, environment: dict[str, str]
) -> None:
    assert _query(shared, 'SELECT n FROM kept') == [(1,)]
    assert _tables(environment['DATABASE_URL']) == set()
