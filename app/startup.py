"""What the server does when it starts and stops; called from main.py."""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import signal
from datetime import UTC, datetime

from app.config import Settings
from app.db import close_database, open_database
from app.migrations import run_migrations
from app.services import (
    alerts,
    backups,
    file_modes,
    notify,
    receipts,
    recurring_runner,
    server_control,
    sessions,
    setup,
    timer_locks,
    updates,
)
from app.services.timer_locks import run_if_here

log = logging.getLogger('whatispend')

_settings: Settings | None = None
_restart_requested = False


def on_startup(settings: Settings) -> None:
    global _settings
    _settings = settings
    updates.resume_after_start(settings)  # finishes an interrupted update before the database is opened
    open_database(settings.database_url)
    run_migrations()
    file_modes.secure_files(settings)  # after the migrations: the WAL and -shm files exist by now
    setup.reset_cache()
    purged = sessions.purge_expired()
    if not os.environ.get(updates.VERIFY_ENV):  # the throw-away server an update starts to verify a version
        server_control.write_pidfile(settings)
    _prepare_restarts(settings)
    from nicegui import background_tasks

    if settings.backup_interval_hours > 0:
        background_tasks.create(backup_loop(settings), name='automatic backups')
    if not os.environ.get(updates.VERIFY_ENV):
        background_tasks.create(alerts_loop(), name='budget alerts')
    background_tasks.create(receipt_purge_loop(), name='receipt purge')
    _start_recurring()
    log.info('What I Spend started; database %s ready (%s expired sessions purged)', settings.database_url, purged)


def on_shutdown() -> None:
    if _settings is not None:
        server_control.remove_pidfile(_settings)
    timer_locks.release_all()  # another process takes the timers over at its next round
    close_database()


async def backup_loop(settings: Settings) -> None:
    """Every BACKUP_INTERVAL_HOURS, an automatic backup (with retention), made in a worker thread; by one
    process only when several serve the database (app/services/timer_locks.py), as for every timer here."""
    from nicegui import run

    while True:
        try:
            made = await run.io_bound(run_if_here, 'backups', backups.run_due_backup, datetime.now(UTC), settings)
            if made is not None:
                log.info('automatic backup %s made', made.name)
        except Exception:  # noqa: BLE001 - a failed backup is logged and retried; the server keeps serving
            log.exception('the automatic backup failed; retrying in an hour')
        await asyncio.sleep(backups.seconds_until_due(settings, datetime.now(UTC)))


def _start_recurring() -> None:
    """Create the recurring expenses missed while the server was down, then keep looking on a timer."""
    if os.environ.get(updates.VERIFY_ENV):
        return  # the throw-away server an update starts to verify a version writes nothing
    try:
        run_if_here('recurring', recurring_runner.run_due)
    except Exception:  # noqa: BLE001 - the server serves anyway; the timer tries again
        log.exception('creating the due recurring expenses failed at start-up; retrying on the timer')
    from nicegui import background_tasks

    background_tasks.create(recurring_loop(), name='recurring expenses')


async def recurring_loop() -> None:
    """Every few minutes, the recurring expenses that became due (a new day in some user's time zone)."""
    from nicegui import run

    while True:
        await asyncio.sleep(recurring_runner.INTERVAL_SECONDS)
        try:
            await run.io_bound(run_if_here, 'recurring', recurring_runner.run_due)
        except Exception:  # noqa: BLE001 - logged and retried; the server keeps serving
            log.exception('creating the due recurring expenses failed; retrying in a few minutes')


ALERTS_FIRST_CHECK = 5.0
ALERTS_PERIOD = 60.0


async def alerts_loop() -> None:
    """Every minute: fire the alerts of the budgets that crossed a threshold (whoever's expense did it,
    through a page, the API or an import) and send what is due to the notification URLs, in worker threads.
    Several processes may run it: the alerts' unique keys and claims keep each alert single."""
    from nicegui import run

    await asyncio.sleep(ALERTS_FIRST_CHECK)
    while True:
        try:
            await run.io_bound(run_if_here, 'alerts', _alerts_round)
        except Exception as exc:  # noqa: BLE001 - checked again next minute; the server keeps serving
            log.warning('the alerts check failed (%s: %s); trying again in a minute', type(exc).__name__, exc)
        await asyncio.sleep(ALERTS_PERIOD)


def _alerts_round() -> None:
    alerts.check_budgets()
    alerts.check_large_recurring()
    notify.deliver_due()


async def receipt_purge_loop() -> None:
    """Every ten minutes, forget the receipts of expenses deleted longer ago than their Undo reaches."""
    from nicegui import run

    while True:
        try:
            purged = await run.io_bound(run_if_here, 'receipt purge', receipts.purge)
            if purged:
                log.info('%s receipts of deleted expenses purged', purged)
        except Exception as exc:  # noqa: BLE001 - tried again at the next round; the server keeps serving
            log.warning('purging the receipts of deleted expenses failed (%s: %s)', type(exc).__name__, exc)
        await asyncio.sleep(600)


def _prepare_restarts(settings: Settings) -> None:
    """An update restarts this server through `request_restart`; `manage.py update` sends SIGUSR1."""
    if os.environ.get(updates.VERIFY_ENV):
        return  # the throw-away server an update starts to verify a new version
    updates.set_restart_handler(lambda: request_restart(settings))
    try:
        signal.signal(signal.SIGUSR1, lambda *_: request_restart(settings))
    except ValueError:
        pass  # not the main thread (tests); only the real server needs the signal


def request_restart(settings: Settings) -> None:
    """Shut the server down gracefully, then exec the same command (or exit for the service manager)."""
    global _restart_requested
    if _restart_requested:
        return
    _restart_requested = True
    from nicegui import app

    log.info('restart requested; shutting down to start again')
    atexit.register(updates.replace_process, settings)
    app.shutdown()
