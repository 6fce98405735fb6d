"""Timers that run in one process only, when several app processes serve one database.

Each timer (automatic backups, recurring expenses, budget alerts, the receipt purge) asks `runs_here(name)`
before each round. The first process to ask takes a lock that it keeps while it lives; the others skip
their rounds and keep asking, so when the holder stops (or dies), the next round of another process
takes over. Nothing to expire or renew: the lock goes with the process.

- PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) on a connection of its own that
  this module keeps open; the server drops the lock when that connection ends.
- SQLite (the processes share one machine): an exclusive `flock` on a file beside the database; the
  kernel drops it when the process ends.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from app.config import get_settings
from app.db import sqlite_path

log = logging.getLogger('whatispend.timers')

T = TypeVar('T')

_guard = threading.Lock()
_files: dict[Path, Any] = {}  # lock file -> the open, flock-ed file (SQLite)
_held: set[str] = set()  # timer names whose advisory lock this process holds (PostgreSQL)
_connection: Any = None  # the PostgreSQL connection that holds them
_connection_url = ''


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for `pg_try_advisory_lock`, from the timer's name."""
    return int.from_bytes(hashlib.sha256(f'whatispend timer {name}'.encode()).digest()[:8], 'big', signed=True)


def runs_here(name: str) -> bool:
    """True when this process runs timer `name` now (it held, or has just taken, its lock)."""
    url = get_settings().database_url
    with _guard:
        try:
            if url.startswith(('postgres://', 'postgresql://', 'postgresext://')):
                return _advisory(name, url)
            return _flock(name, url)
        except Exception as exc:  # noqa: BLE001 - cannot tell: skip this round, ask again at the next
            log.warning(
                'the %s timer could not take its lock (%s: %s); skipping a round', name, type(exc).__name__, exc
            )
            return False


def run_if_here(name: str, work: Callable[..., T], *args: Any) -> T | None:
    """`work(*args)` when this process runs timer `name`, else None (for a timer's `run.io_bound`)."""
    return work(*args) if runs_here(name) else None


def release_all() -> None:
    """At shutdown (and in tests): let another process take the timers at once."""
    global _connection
    with _guard:
        for handle in _files.values():
            handle.close()
        _files.clear()
        _held.clear()
        if _connection is not None:
            try:
                _connection.close()
            except Exception:  # noqa: BLE001 - closing is all that is left to do
                pass
            _connection = None


def _flock(name: str, url: str) -> bool:
    path = sqlite_path(url)
    if path is None:  # an in-memory database: no other process can share it
        return True
    lock_file = path.with_name(f'{path.name}.timer-{name}.lock')
    if lock_file in _files:
        return True
    handle = open(lock_file, 'a+')  # noqa: SIM115 - kept open: the lock lives as long as the file is open
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return False
    os.chmod(lock_file, 0o600)
    _files[lock_file] = handle
    log.info('this process (%s) runs the %s timer', os.getpid(), name)
    return True


def _advisory(name: str, url: str) -> bool:
    global _connection, _connection_url
    if _connection is not None and _connection_url != url:  # another database (tests): start afresh
        _connection.close()
        _connection = None
        _held.clear()
    if _connection is not None:
        try:
            _connection.execute('SELECT 1')
        except Exception:  # noqa: BLE001 - the connection, and with it every lock, is gone
            _held.clear()
            _connection = None
    if _connection is None:
        import psycopg

        conninfo = 'postgresql://' + url.split('://', 1)[1]
        _connection = psycopg.connect(conninfo, autocommit=True, connect_timeout=10)
        _connection_url = url
    if name in _held:
        return True
    row = _connection.execute('SELECT pg_try_advisory_lock(%s)', (lock_key(name),)).fetchone()
    if row and row[0]:
        _held.add(name)
        log.info('this process (%s) runs the %s timer', os.getpid(), name)
        return True
    return False
