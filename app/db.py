"""The database: one proxy that the models bind to, opened at start-up.

Opening only connects. Bringing the schema up to date is app/migrations' job, asked for by whoever needs
it (start-up, `manage.py db migrate`, a restore), so this module knows nothing of the models that bind to
it and the models and the migrations never import each other.

SQLite is the default. WAL lets readers run beside the single writer, synchronous=FULL makes an
acknowledged expense survive a power cut, busy_timeout makes a second process wait for the write
lock instead of failing. PostgreSQL works through DATABASE_URL; code that needs dialect-specific
SQL asks `is_postgres()`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import orjson
from peewee import DatabaseProxy, SqliteDatabase
from playhouse.db_url import connect as connect_url

from app.version import ROOT

log = logging.getLogger(__name__)

db = DatabaseProxy()

SQLITE_PRAGMAS = {
    'journal_mode': 'wal',
    'synchronous': 'full',
    'foreign_keys': 1,
    'busy_timeout': 10_000,
    'cache_size': -32_000,
}


def sqlite_path(database_url: str) -> Path | None:
    """The file behind a sqlite:/// URL, relative paths taken from the project folder."""
    if not database_url.startswith('sqlite:///'):
        return None
    raw = database_url[len('sqlite:///') :]
    if raw in ('', ':memory:'):
        return None
    path = Path(raw)
    return path if path.is_absolute() else ROOT / path


def open_database(database_url: str) -> None:
    """Bind the proxy to the database at `database_url`, creating the file's folder. It does not migrate:
    the caller that needs the current schema runs `app.migrations.run_migrations()` next."""
    path = sqlite_path(database_url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # thread_safe: each thread (request threadpool, run.io_bound, background tasks) opens its own
        # connection with its own transaction state; sqlite3's check_same_thread stays on, so a connection
        # handed to another thread mid-transaction fails loudly instead of mixing two requests' writes.
        database = SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, thread_safe=True)
    else:
        # psycopg 3 (requirements.txt), even where an old psycopg2 is installed too, which Peewee would pick
        _dump_text_without_nul()
        database = connect_url(database_url, prefer_psycopg3=True)
    if isinstance(database, SqliteDatabase):
        database.register_function(_json_number, 'wis_json_number', 1, deterministic=True)
    close_database()
    db.initialize(database)


def _json_number(value: float | int | None) -> str | None:
    """A number as orjson writes it (every digit it needs, no exponent below 1e16), for SQL that writes JSON:
    SQLite's `json_object` keeps 15 significant digits of a REAL (app/services/expense_page.py)."""
    return None if value is None else orjson.dumps(value).decode()


def _dump_text_without_nul() -> None:
    """Send U+FFFD where a parameter holds a NUL character, on every psycopg connection of this process.

    PostgreSQL's text cannot hold NUL (0x00): the statement fails with a DataError, a 500 for a user who typed
    or pasted one (a username looked up, a search, a filter). SQLite stores it. Stored text never holds one on
    either database (the services replace control characters before they write), so a lookup with one finds
    nothing on both, as it should; any other text keeps a visible mark where the NUL was."""
    from psycopg import adapters
    from psycopg.adapt import Dumper
    from psycopg.types import string

    def without_nul(base: type[Dumper]) -> type[Dumper]:
        def dump(self: Dumper, obj: str) -> Any:
            return base.dump(self, obj.replace('\x00', '\ufffd') if '\x00' in obj else obj)

        return type(base.__name__, (base,), {'dump': dump})

    if getattr(adapters, '_wis_without_nul', False):
        return
    # the order of psycopg's own registration: the last one registered per format is its default
    for base in (string.StrBinaryDumper, string.StrDumper, string.StrDumperUnknown):
        adapters.register_dumper(str, without_nul(base))
    adapters._wis_without_nul = True  # type: ignore[attr-defined]


def close_database() -> None:
    if db.obj is not None and not db.is_closed():
        db.close()


def is_postgres() -> bool:
    return db.obj is not None and type(db.obj).__name__.startswith('Postgres')


# The key of the one write lock on PostgreSQL: the two-int form, whose key space is apart from the
# one-bigint keys of the timers' locks (app/services/timer_locks.py)
WRITE_LOCK_KEY = (0x57495300, 1)


@contextmanager
def _postgres_write_transaction() -> Iterator[None]:
    with db.atomic():
        # held to the end of the outermost transaction, taken again (a no-op) by a nested one
        db.execute_sql('SELECT pg_advisory_xact_lock(%s, %s)', WRITE_LOCK_KEY)
        yield


def write_transaction() -> AbstractContextManager[Any]:
    """The one way services open a transaction that writes: it takes the database's write lock first, on
    SQLite with BEGIN IMMEDIATE, on PostgreSQL with a transaction-level advisory lock.

    A deferred transaction that reads (the category, the expense) and then writes cannot wait for the lock:
    when another writer committed meanwhile, SQLite fails it at once with "database is locked" instead of
    waiting for busy_timeout. Taking the lock at BEGIN makes every writer queue for busy_timeout. Nested
    inside another transaction it is a savepoint, as `atomic()` is.

    The services count and then write under that lock (the token cap, a request id seen once, a budget's
    alert sent once). PostgreSQL's READ COMMITTED would let two of them count at once and both write; the
    advisory lock queues the writers as SQLite does, while readers go on undisturbed (and each statement
    after the lock sees what the writer before committed)."""
    if is_postgres():
        return _postgres_write_transaction()
    return db.atomic(lock_type='IMMEDIATE')
