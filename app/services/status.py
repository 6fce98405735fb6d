"""What `manage.py status` reports about an installation, and the configuration problems it spots."""

from __future__ import annotations

import stat
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from app import logs
from app.config import Settings, config_path
from app.db import db, sqlite_path
from app.i18n import Message
from app.migrations import LATEST_SCHEMA, schema_version
from app.models import Expense
from app.services import backups, users


@dataclass(frozen=True, slots=True)
class InstallationFacts:
    database: str
    database_size: int | None
    schema: int | None
    users: int | None
    expenses: int | None
    problems: tuple[str, ...] = ()


def database_facts(settings: Settings) -> InstallationFacts:
    """Counts and schema of the database, read without changing it (no migration runs)."""
    path = sqlite_path(settings.database_url)
    where = str(path) if path else settings.database_url.split('@')[-1]
    size = path.stat().st_size if path and path.exists() else None
    if path is not None and not path.exists():
        problem = f'no database at {path} yet: run `manage.py db migrate` or start the server'
        return InstallationFacts(where, size, None, None, None, (problem,))
    problems: list[str] = []
    user_count = expense_count = None
    with db.connection_context():
        schema = schema_version()
        if schema < LATEST_SCHEMA:
            problems.append(
                f'the database is at schema {schema}, the app at {LATEST_SCHEMA}: run `manage.py db migrate`'
            )
        elif schema > LATEST_SCHEMA:
            problems.append(f'the database (schema {schema}) is newer than the app ({LATEST_SCHEMA}): update the app')
        if schema:
            user_count = users.count_users()
            expense_count = Expense.select().count()
    return InstallationFacts(where, size, schema, user_count, expense_count, tuple(problems))


@dataclass(frozen=True, slots=True)
class LoggedErrors:
    """ERROR (and CRITICAL) records of the recent past: a problem the owner has not seen yet."""

    hours: int
    count: int
    latest_at: datetime | None = None
    latest: str = ''  # the latest record's first line, without its time and level

    def sentence(self) -> str:
        if not self.count:
            return ''
        when = self.latest_at.strftime('%Y-%m-%d %H:%M') if self.latest_at else '?'
        return (
            f'{self.count} error(s) logged in the last {self.hours} hours; the latest, at {when}: {self.latest} '
            '(see them with `manage.py logs show --level error`)'
        )


def logged_errors(settings: Settings, hours: int = 24, now: datetime | None = None) -> LoggedErrors:
    """Counted from the rotating log under data/logs, whose times are local: so is `now`."""
    since = (now or datetime.now()) - timedelta(hours=hours)
    records = logs.records_since(settings, since)
    if not records:
        return LoggedErrors(hours=hours, count=0)
    moment, text = records[-1]
    first_line = text.splitlines()[0]
    message = first_line.split(' ', 3)[-1].strip()  # drop the date, the time and the level
    if len(message) > 200:
        message = message[:199] + '…'
    return LoggedErrors(hours=hours, count=len(records), latest_at=moment, latest=message)


def config_problems(settings: Settings) -> list[Message]:
    """Things in the configuration that work but are probably not what the owner wants (for `status`, which
    shows them in the language of the run)."""
    problems = []
    path = config_path()
    if not path.exists():
        problems.append(
            Message(
                '{path} does not exist: settings come from the environment only (./install.sh writes it)', path=path
            )
        )
    else:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            problems.append(
                Message(
                    '{path} is readable by other users (mode {mode}); run: chmod 600 {path}',
                    path=path,
                    mode=f'{mode:o}',
                )
            )
    for name in sorted(settings.extra):
        problems.append(Message('{file}: unknown variable {name} (a typo?); it is ignored', file=path.name, name=name))
    if settings.geoip_enabled and not settings.path(settings.geoip_db_path).exists():
        problems.append(
            Message(
                'GEOIP_ENABLED is true but {path} is missing: GeoIP filtering cannot work', path=settings.geoip_db_path
            )
        )
    if settings.backup_interval_hours <= 0:
        problems.append(Message('automatic backups are off (BACKUP_INTERVAL_HOURS=0)'))
    else:
        folder = backups.backup_dir(settings)
        if folder.exists() and not _writable(folder):
            problems.append(Message('the backup folder {folder} is not writable', folder=folder))
    return problems


def _writable(folder: Path) -> bool:
    import os

    return os.access(folder, os.W_OK | os.X_OK)
