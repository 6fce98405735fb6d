"""A real PostgreSQL server for the tests that are about PostgreSQL itself (backups, updates, `db copy`).

WIS_TEST_POSTGRES names a server (`postgresql://user@127.0.0.1:PORT/`) where the tests may create and drop
databases; unset, these tests are skipped. Each test gets a database of its own, dropped when it ends.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest

SERVER_ENV = 'WIS_TEST_POSTGRES'
SERVER_URL = os.environ.get(SERVER_ENV, '').strip()

needs_postgres = pytest.mark.skipif(not SERVER_URL, reason=f'no PostgreSQL server ({SERVER_ENV} is not set)')


def database_url(name: str) -> str:
    """The server's URL with `name` as the database."""
    parts = urlsplit(SERVER_URL)
    return urlunsplit((parts.scheme, parts.netloc, '/' + name, parts.query, ''))


def _admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(database_url('postgres'), autocommit=True) as connection:
        connection.execute(statement)


@contextmanager
def fresh_database(prefix: str = 'pgops') -> Iterator[str]:
    """An empty database of its own (its URL), dropped afterwards even when connections are left open."""
    name = f'{prefix}_{uuid.uuid4().hex[:12]}'
    _admin(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(name)
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
