"""The database around an update: the snapshot taken just before the migrations, and writing it back.

The backup step makes a full archive through backups.py (the user's safety net, restorable with
`manage.py backup restore`); the rollback restores this later snapshot instead, so that as little as
possible written meanwhile is lost. On SQLite both copies go through sqlite_snapshot.py; on PostgreSQL
the snapshot is a pg_dump and writing it back is backup_postgres.restore (one transaction: all or nothing).
"""

from __future__ import annotations

from pathlib import Path

from app.config import Settings, get_settings
from app.db import sqlite_path
from app.services import backup_postgres, sqlite_snapshot
from app.services.backup_postgres import is_postgres_url
from app.services.errors import ServiceError
from app.services.updates.status import StepFailed

POSTGRES_TOOLS = ('pg_dump', 'pg_restore', 'psql')


def database_file(settings: Settings) -> Path:
    """The SQLite file to snapshot (StepFailed for a database that is no file: in memory)."""
    path = sqlite_path(settings.database_url)
    if path is None:
        raise StepFailed(f'{settings.database_url.split("://", 1)[0]} databases without a file cannot be updated')
    return path


def database_size(settings: Settings) -> int:
    """How many bytes the database takes: the copies an update makes need about that much, each."""
    if not is_postgres_url(settings.database_url):
        database = database_file(settings)
        return database.stat().st_size if database.exists() else 0
    import psycopg

    for tool in POSTGRES_TOOLS:  # refused here, before anything is written, rather than half-way
        try:
            backup_postgres.client(tool)
        except ServiceError as exc:
            raise StepFailed(str(exc)) from None
    try:
        with psycopg.connect(**backup_postgres.connection_parameters(settings.database_url)) as connection:
            row = connection.execute('SELECT pg_database_size(current_database())').fetchone()
    except (psycopg.Error, ServiceError) as exc:
        raise StepFailed(f'the database cannot be reached ({str(exc).strip()})') from None
    return int(row[0]) if row else 0


def snapshot_database(target: Path, settings: Settings | None = None) -> Path:
    """A copy of the live database at `target` (on PostgreSQL a pg_dump, named `.pgdump`), checked; returns its
    path."""
    settings = settings or get_settings()
    if is_postgres_url(settings.database_url):
        dump = target.with_suffix('.pgdump')
        dump.parent.mkdir(parents=True, exist_ok=True)
        try:
            version, counts = backup_postgres.dump(settings, dump)
            backup_postgres.check(dump, version, counts, dump.name)
        except ServiceError as exc:
            raise StepFailed(f'the snapshot of the database failed ({exc})') from None
        return dump
    source = database_file(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + '.part')
    sqlite_snapshot.copy_database(source, partial)
    if (result := sqlite_snapshot.integrity(partial)) != 'ok':
        partial.unlink(missing_ok=True)
        raise StepFailed(f'the snapshot of the database failed its integrity check ({result})')
    partial.replace(target)
    return target


def restore_snapshot(path: Path | str, settings: Settings | None = None) -> None:
    """Write the snapshot's content into the live database (checked first; open connections stay valid)."""
    settings = settings or get_settings()
    path = Path(path)
    if not path.exists():
        raise StepFailed(f'the snapshot {path} is missing; the database was left as it is')
    if is_postgres_url(settings.database_url):
        try:
            backup_postgres.check_readable(path)
        except ServiceError as exc:
            raise StepFailed(f'the snapshot {path} is damaged ({exc}); the database was left as it is') from None
        try:
            backup_postgres.restore(settings, path)
        except ServiceError as exc:
            raise StepFailed(f'the snapshot {path} could not be written back ({exc})') from None
        return
    if (result := sqlite_snapshot.integrity(path)) != 'ok':
        raise StepFailed(f'the snapshot {path} is damaged ({result}); the database was left as it is')
    sqlite_snapshot.write_into(path, database_file(settings))
