"""One update at a time: data/update.lock is held with flock for the whole run.

A second request gets Conflict (409). A lock that nobody holds beside a status still "running" means the
process doing the update died (see recovery.py).
"""

from __future__ import annotations

import fcntl
from typing import IO

from app.config import Settings, get_settings


class UpdateLock:
    """An exclusive flock on data/update.lock, released when closed or when the process ends or execs."""

    def __init__(self, settings: Settings) -> None:
        self.path = settings.data_path / 'update.lock'
        self.handle: IO[str] | None = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open('a+')
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self.handle = handle
        return True

    def release(self) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle.fileno(), fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


def is_running(settings: Settings | None = None) -> bool:
    """True while some process holds the update lock."""
    lock = UpdateLock(settings or get_settings())
    if lock.acquire():
        lock.release()
        return False
    return True
