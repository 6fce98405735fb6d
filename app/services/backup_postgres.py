"""Backing up and restoring a PostgreSQL database with the client tools (pg_dump, psql).

A SQLite database is copied with the online backup API instead (sqlite_snapshot.py); these run only when
DATABASE_URL points to PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from app.config import Settings
from app.db import db, open_database
from app.i18n import Message
from app.migrations import schema_version
from app.models import ALL_MODELS
from app.services.errors import Invalid


def is_postgres_url(url: str) -> bool:
    return url.startswith(('postgres://', 'postgresql://', 'postgresext://'))


def _libpq_url(url: str) -> str:
    return 'postgresql://' + url.split('://', 1)[1]


def _client(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise Invalid(
            Message(
                '{name} is not installed; install the PostgreSQL client tools (apt install postgresql-client).',
                name=name,
            )
        )
    return found


def _run(settings: Settings, command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        env={**os.environ, 'PGDATABASE': _libpq_url(settings.database_url)},
        capture_output=True,
        text=True,
        timeout=3600,
    )


def dump(settings: Settings, target: Path) -> tuple[int, dict[str, int]]:
    """Write the database as SQL to `target`; returns its schema version and the row count of every table."""
    command = [_client('pg_dump'), '--no-owner', '--no-privileges', '--clean', '--if-exists', '--file', str(target)]
    done = _run(settings, command)
    if done.returncode != 0:
        raise Invalid(Message('pg_dump failed: {error}', error=done.stderr.strip()[:500]))
    open_database(settings.database_url)
    with db.connection_context():
        counts = {m._meta.table_name: m.select().count() for m in ALL_MODELS}
        version = schema_version()
    return version, counts


def restore(settings: Settings, dump_file: Path) -> None:
    """Run the dump in one transaction: on any error nothing changes."""
    command = [_client('psql'), '--no-psqlrc', '--quiet', '-v', 'ON_ERROR_STOP=1', '--single-transaction']
    done = _run(settings, [*command, '--file', str(dump_file)])
    if done.returncode != 0:
        raise Invalid(
            Message('psql could not restore the dump (nothing was changed): {error}', error=done.stderr.strip()[:500])
        )
