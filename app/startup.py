"""What the server does when it starts and stops; called from main.py."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from app.config import Settings
from app.db import close_database, open_database
from app.services import backups, server_control, sessions, setup

log = logging.getLogger('whatispend')

_settings: Settings | None = None


def on_startup(settings: Settings) -> None:
    global _settings
    _settings = settings
    open_database(settings.database_url)
    setup.reset_cache()
    purged = sessions.purge_expired()
    server_control.write_pidfile(settings)
    if settings.backup_interval_hours > 0:
        from nicegui import background_tasks

        background_tasks.create(backup_loop(settings), name='automatic backups')
    log.info('What I Spend started; database %s ready (%s expired sessions purged)', settings.database_url, purged)


def on_shutdown() -> None:
    if _settings is not None:
        server_control.remove_pidfile(_settings)
    close_database()


async def backup_loop(settings: Settings) -> None:
    """Every BACKUP_INTERVAL_HOURS, an automatic backup (with retention), made in a worker thread."""
    from nicegui import run

    while True:
        try:
            made = await run.io_bound(backups.run_due_backup, datetime.now(UTC), settings)
            if made is not None:
                log.info('automatic backup %s made', made.name)
        except Exception:  # noqa: BLE001 - a failed backup is logged and retried; the server keeps serving
            log.exception('the automatic backup failed; retrying in an hour')
        await asyncio.sleep(backups.seconds_until_due(settings, datetime.now(UTC)))
