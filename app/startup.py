"""What the server does when it starts and stops; called from main.py."""

from __future__ import annotations

import atexit
import logging
import os
import signal

from app.config import Settings
from app.db import close_database, open_database
from app.services import sessions, setup, updates

log = logging.getLogger('whatispend')

_restart_requested = False


def on_startup(settings: Settings) -> None:
    updates.resume_after_start(settings)  # finishes an interrupted update before the database is opened
    open_database(settings.database_url)
    setup.reset_cache()
    purged = sessions.purge_expired()
    _prepare_restarts(settings)
    log.info('What I Spend started; database %s ready (%s expired sessions purged)', settings.database_url, purged)


def on_shutdown() -> None:
    close_database()
    _forget_pid()


def _prepare_restarts(settings: Settings) -> None:
    """An update restarts this server through `request_restart`; `manage.py update` sends SIGUSR1."""
    if os.environ.get(updates.VERIFY_ENV):
        return  # the throw-away server an update starts to verify a new version
    updates.set_restart_handler(lambda: request_restart(settings))
    try:
        signal.signal(signal.SIGUSR1, lambda *_: request_restart(settings))
    except ValueError:
        pass  # not the main thread (tests); only the real server needs the signal
    try:
        pid_file = updates.pid_path(settings)
        pid_file.parent.mkdir(parents=True, exist_ok=True)
        pid_file.write_text(str(os.getpid()))
        atexit.register(_forget_pid, pid_file)
    except OSError as exc:
        log.warning('cannot write %s: %s', updates.pid_path(settings), exc)


def _forget_pid(pid_file=None) -> None:
    from app.config import get_settings

    pid_file = pid_file or updates.pid_path(get_settings())
    try:
        if pid_file.read_text().strip() == str(os.getpid()):
            pid_file.unlink()
    except (OSError, ValueError):
        pass


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
