"""The installation's files are for its owner alone: data/ and backups/ 700, their files 600.

The database, its WAL, the logs, the backups and config.env hold every expense and the keys, and the
machine may have other local users. New files are covered by the umask 077 that main.py and manage.py
set before creating anything (`app.config.restrict_umask`); this fixes what an older version (or a
copy made with another umask) left readable, at every start-up and on `manage.py db migrate`.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from app.config import Settings, config_path
from app.db import sqlite_path

log = logging.getLogger('whatispend')

DIR_MODE = 0o700
FILE_MODE = 0o600


def _restrict(path: Path, mode: int) -> bool:
    """Chmod `path` to `mode` if it allows more; True when it changed. Symlinks are left alone (their
    targets may not be ours to change)."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(info.st_mode) or stat.S_IMODE(info.st_mode) & ~mode == 0:
        return False
    os.chmod(path, stat.S_IMODE(info.st_mode) & mode)
    return True


def _tree(folder: Path) -> list[Path]:
    if not folder.is_dir() or folder.is_symlink():
        return []
    found = [folder]
    for root, dirs, files in os.walk(folder):
        found += [Path(root) / name for name in dirs + files]
    return found


def secure_files(settings: Settings) -> list[Path]:
    """Restrict data/, backups/, the SQLite database with its -wal/-shm, and config.env; returns what
    was changed (logged once, so an operator sees that an old installation was fixed)."""
    paths = _tree(settings.data_path) + _tree(settings.backup_path)
    database = sqlite_path(settings.database_url)
    if database is not None:
        paths += [database, database.with_name(database.name + '-wal'), database.with_name(database.name + '-shm')]
    paths.append(config_path())
    changed: list[Path] = []
    for path in dict.fromkeys(paths):
        try:
            is_dir = path.is_dir() and not path.is_symlink()
            if _restrict(path, DIR_MODE if is_dir else FILE_MODE):
                changed.append(path)
        except OSError as exc:
            log.warning('cannot restrict the permissions of %s: %s; run chmod go= on it', path, exc.strerror)
    if changed:
        log.info('permissions restricted to the owner on %s files and folders', len(changed))
    return changed
