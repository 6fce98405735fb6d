"""The database around an update: the snapshot taken just before the migrations, and writing it back.

The backup step makes a full archive through backups.py (the user's safety net, restorable with
`manage.py backup restore`); the rollback restores this later snapshot instead, so that as little as
possible written meanwhile is lost. Both copies go through sqlite_snapshot.py.
"""

from __future__ import annotations

from pathlib import Path

from app.config import Settings, get_settings
from app.db import sqlite_path
from app.services import sqlite_snapshot
from app.services.updates.status import StepFailed


def database_file(settings: Settings) -> Path:
    """The SQLite file to snapshot; StepFailed on PostgreSQL, which automatic updates do not back up."""
    path = sqlite_path(settings.database_url)
    if path is None:
        raise StepFailed(
            'automatic updates back up SQLite databases only; with PostgreSQL, back up with pg_dump, then update '
            'with git pull, pip install -r requirements.txt and python manage.py db migrate'
        )
    return path


def snapshot_database(target: Path, settings: Settings | None = None) -> Path:
    """A copy of the live database at `target`, integrity-checked; returns its path."""
    source = database_file(settings or get_settings())
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
    path = Path(path)
    if not path.exists():
        raise StepFailed(f'the snapshot {path} is missing; the database was left as it is')
    if (result := sqlite_snapshot.integrity(path)) != 'ok':
        raise StepFailed(f'the snapshot {path} is damaged ({result}); the database was left as it is')
    sqlite_snapshot.write_into(path, database_file(settings or get_settings()))
