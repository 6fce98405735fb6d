"""Copies of a live SQLite database, taken and written back with SQLite's online backup API.

A backup archives such a copy; an update keeps one taken just before its migrations and writes it back
to roll them back. The backup API copies one consistent point in time while the server's connections
keep writing, and writing a copy back goes page by page into the live file, so connections open on it
stay valid instead of pointing at a replaced file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.i18n import Message
from app.services.errors import Invalid


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of `source` at `target`, as one self-contained file (no WAL beside it)."""
    live = sqlite3.connect(str(source), timeout=30)
    copy = sqlite3.connect(str(target))
    try:
        live.execute('PRAGMA busy_timeout = 30000')
        live.backup(copy)
        copy.execute('PRAGMA journal_mode = DELETE')
    finally:
        copy.close()
        live.close()


def write_into(snapshot: Path, database: Path) -> None:
    """Write the snapshot's content into the live database file (its open connections see the result)."""
    copy = sqlite3.connect(f'file:{snapshot}?mode=ro', uri=True)
    live = sqlite3.connect(str(database), timeout=30)
    try:
        copy.backup(live)
    finally:
        live.close()
        copy.close()


def open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f'file:{path}?mode=ro', uri=True)


def integrity(path: Path) -> str:
    """'ok', or what SQLite's integrity check (or the attempt to open the file) found wrong."""
    connection = open_read_only(path)
    try:
        return str(connection.execute('PRAGMA integrity_check').fetchone()[0])
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        connection.close()


def schema_and_counts(connection: sqlite3.Connection) -> tuple[int, dict[str, int]]:
    """The schema version and the row count of every table: what a backup's manifest promises."""
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    counts = {table: int(connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]) for table in tables}
    version = 0
    if 'schema_version' in tables:
        version = int(connection.execute('SELECT MAX(version) FROM schema_version').fetchone()[0] or 0)
    return version, counts


def check(snapshot: Path, schema_version: int, row_counts: dict[str, int], where: str) -> None:
    """Refuse a backup's database (`where` names the archive) that is unreadable, damaged, or not the one
    its manifest describes (schema version and row counts)."""
    try:
        conn = open_read_only(snapshot)
        try:
            verdict = conn.execute('PRAGMA integrity_check').fetchone()[0]
            version, counts = schema_and_counts(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise Invalid(Message('{where}: the database inside is not readable ({exc}).', where=where, exc=exc)) from None
    if verdict != 'ok':
        raise Invalid(
            Message('{where}: the database inside fails its integrity check ({verdict}).', where=where, verdict=verdict)
        )
    if version != schema_version or counts != row_counts:
        raise Invalid(
            Message(
                '{where}: the database inside does not match the manifest (schema or row counts differ).', where=where
            )
        )
