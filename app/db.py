"""The database: one proxy that the models bind to, opened at start-up, and versioned migrations.

SQLite is the default. WAL lets readers run beside the single writer, synchronous=FULL makes an
acknowledged expense survive a power cut, busy_timeout makes a second process wait for the write
lock instead of failing. PostgreSQL works through DATABASE_URL; code that needs dialect-specific
SQL asks `is_postgres()`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

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


def open_database(database_url: str, *, migrate: bool = True) -> None:
    """Bind the proxy to the database at `database_url`, creating the file's folder, then migrate."""
    path = sqlite_path(database_url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # thread_safe: each thread (request threadpool, run.io_bound, background tasks) opens its own
        # connection with its own transaction state; sqlite3's check_same_thread stays on, so a connection
        # handed to another thread mid-transaction fails loudly instead of mixing two requests' writes.
        database = SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, thread_safe=True)
    else:
        database = connect_url(database_url)
    if not db.is_closed() if db.obj is not None else False:
        db.close()
    db.initialize(database)
    if migrate:
        run_migrations()


def close_database() -> None:
    if db.obj is not None and not db.is_closed():
        db.close()


def is_postgres() -> bool:
    return db.obj is not None and type(db.obj).__name__.startswith('Postgres')


def write_transaction():
    """The one way services open a transaction that writes: on SQLite it takes the write lock first
    (BEGIN IMMEDIATE).

    A deferred transaction that reads (the category, the expense) and then writes cannot wait for the lock:
    when another writer committed meanwhile, SQLite fails it at once with "database is locked" instead of
    waiting for busy_timeout. Taking the lock at BEGIN makes every writer queue for busy_timeout. Nested
    inside another transaction it is a savepoint, as `atomic()` is."""
    return db.atomic() if is_postgres() else db.atomic(lock_type='IMMEDIATE')


# --- migrations -------------------------------------------------------------------------------------
#
# Each migration is a function applied once, in order, inside a transaction; the version reached is
# stored in the schema_version table. Migration 1 creates every table of the current models with
# safe=True; later migrations that add a table or a column must be written so that they are a no-op on
# a database that migration 1 just created (use `add_column_if_missing`, `create_tables(safe=True)`).


def _migration_1_initial() -> None:
    from app.models import ALL_MODELS

    db.create_tables(ALL_MODELS, safe=True)


def _migration_2_audit_log() -> None:
    from app.models import AuditEvent

    db.create_tables([AuditEvent], safe=True)


def _migration_5_legacy_records() -> None:
    from app.models import LegacyRecord

    db.create_tables([LegacyRecord], safe=True)


def _migration_6_expense_request_id() -> None:
    """A create may carry the client's request id; the unique index makes a replay find the first expense."""
    from peewee import CharField

    from app.models.expense import REQUEST_ID_LENGTH

    add_column_if_missing('expense', 'request_id', CharField(max_length=REQUEST_ID_LENGTH, null=True))
    db.execute_sql('CREATE UNIQUE INDEX IF NOT EXISTS expense_owner_id_request_id ON expense (owner_id, request_id)')


def _migration_7_two_factor() -> None:
    """Two-factor login: the TOTP columns of a user, their recovery codes, the installation's settings."""
    from peewee import CharField, IntegerField

    from app.models import InstallationSetting, RecoveryCode

    add_column_if_missing('user', 'totp_secret', CharField(max_length=64, default=''))
    add_column_if_missing('user', 'totp_pending', CharField(max_length=64, default=''))
    add_column_if_missing('user', 'totp_last_step', IntegerField(default=0))
    db.create_tables([RecoveryCode, InstallationSetting], safe=True)


MIGRATIONS: list[tuple[int, str, Callable[[], None]]] = [
    (1, 'initial schema', _migration_1_initial),
    (2, 'audit log', _migration_2_audit_log),
    (5, 'legacy import records', _migration_5_legacy_records),
    (6, 'expense request ids', _migration_6_expense_request_id),
    (7, 'two-factor login', _migration_7_two_factor),
]

LATEST_SCHEMA = MIGRATIONS[-1][0]


def _ensure_version_table() -> None:
    db.execute_sql('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)')


def schema_version() -> int:
    _ensure_version_table()
    row = db.execute_sql('SELECT MAX(version) FROM schema_version').fetchone()
    return int(row[0] or 0)


def run_migrations() -> list[str]:
    """Apply the pending migrations; returns what was applied. Refuses a database newer than the code."""
    applied = []
    with db.atomic():
        current = schema_version()
    if current > LATEST_SCHEMA:
        raise RuntimeError(
            f'The database is at schema {current} but this version of the app knows up to {LATEST_SCHEMA}; '
            'update the app or restore a matching backup.'
        )
    for version, name, apply in MIGRATIONS:
        if version <= current:
            continue
        with db.atomic():
            apply()
            db.execute_sql(f'INSERT INTO schema_version (version) VALUES ({int(version)})')
        log.info('database migrated to schema %s (%s)', version, name)
        applied.append(f'{version}: {name}')
    return applied


def add_column_if_missing(table: str, column: str, field) -> None:
    """For migrations: add a column unless migration 1 already created it."""
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

    if column in {c.name for c in db.get_columns(table)}:
        return
    migrator = PostgresqlMigrator(db) if is_postgres() else SqliteMigrator(db)
    migrate(migrator.add_column(table, column, field))
