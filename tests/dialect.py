"""What a test does differently on SQLite and on PostgreSQL (the PostgreSQL run: tests/pg_databases.py).

Kept to what tests need to reach under the app: switching the foreign keys off to fake rows the old JSON
imports could leave, seeing the SQL a call sends, reading a database beside the app.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from app.db import db, is_postgres, sqlite_path


@contextmanager
def foreign_keys_off() -> Iterator[None]:
    """Let this connection write rows that break a foreign key (rows left behind by old data)."""
    if is_postgres():
        # the foreign keys are triggers that a replica session does not fire (the test role is a superuser)
        db.execute_sql('SET session_replication_role = replica')
        try:
            yield
        finally:
            db.execute_sql('SET session_replication_role = DEFAULT')
        return
    db.execute_sql('PRAGMA foreign_keys=OFF')
    try:
        yield
    finally:
        db.execute_sql('PRAGMA foreign_keys=ON')


class _Statements(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.sent: list[tuple[str, tuple]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, tuple) and len(record.msg) == 2:
            sql, params = record.msg
            self.sent.append((str(sql), tuple(params or ())))


def statements_of(call: Callable[[], object]) -> list[tuple[str, tuple]]:
    """Run `call` and return the SELECT statements it sent through Peewee, with their parameters."""
    if not is_postgres():
        sent: list[str] = []
        connection = db.connection()
        connection.set_trace_callback(sent.append)
        try:
            call()
        finally:
            connection.set_trace_callback(None)
        return [(sql, ()) for sql in sent if sql.lstrip().upper().startswith('SELECT')]
    # psycopg has no trace callback; Peewee logs every statement it executes at DEBUG
    logger = logging.getLogger('peewee')
    handler, level = _Statements(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        call()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return [(sql, params) for sql, params in handler.sent if sql.lstrip().upper().startswith('SELECT')]


def inlined(sql: str, params: tuple) -> str:
    """The statement with its parameters written in (to read it, as SQLite's trace shows it)."""
    return sql % tuple(repr(p) if isinstance(p, str) else p for p in params) if params else sql


def plan_of(sql: str, params: tuple = ()) -> str:
    """How SQLite would run `sql`, as one line (EXPLAIN QUERY PLAN)."""
    return ' '.join(str(row[-1]) for row in db.execute_sql('EXPLAIN QUERY PLAN ' + sql, params))


def query(database_url: str, sql: str) -> list[tuple]:
    """Rows of `sql` read over a connection of its own to the database at `database_url` (SQLite's file
    read-only, or PostgreSQL), beside whatever the app or a server holds open."""
    path = sqlite_path(database_url)
    if path is None:
        import psycopg

        with psycopg.connect(database_url.replace('postgresql+pool://', 'postgresql://')) as connection:
            return [tuple(row) for row in connection.execute(sql).fetchall()]
    connection = sqlite3.connect(f'file:{path}?mode=ro', uri=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()
