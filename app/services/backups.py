"""Backups: consistent archives of the database and config.env, their verification, and restore.

An archive is a tar.gz holding `manifest.json` (first), the database (`database.sqlite3`, a snapshot
taken with SQLite's online backup API so the server keeps running (sqlite_snapshot.py), or
`database.pgdump` from pg_dump on PostgreSQL (backup_postgres.py)) and `config.env`. The manifest
(backup_manifest.py) carries the app and schema versions, the time, the SHA-256 and size of every
other member and the row count of every table.

Restore verifies everything before it touches anything, keeps a safety backup of the current state,
swaps the database file in with one atomic rename and runs the migrations. Archives named
`backup-…`/`safety-…` are pruned to the newest BACKUP_KEEP of each kind; archives given another name
with `-o` are kept until deleted by hand.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.config import Settings, config_path, get_settings
from app.db import close_database, open_database, sqlite_path
from app.i18n import Message
from app.migrations import LATEST_SCHEMA, run_migrations
from app.services import audit, backup_extract, backup_postgres, backup_receipts, server_control, sqlite_snapshot
from app.services.backup_manifest import MANIFEST, Manifest, manifest_bytes, manifest_from, read_manifest
from app.services.backup_postgres import is_postgres_url
from app.services.checksums import sha256_file
from app.services.errors import Conflict, Invalid, NotFound
from app.version import current_version

log = logging.getLogger('whatispend.backups')

SQLITE_MEMBER = 'database.sqlite3'
PG_MEMBER = 'database.pgdump'  # pg_dump's custom format
CONFIG_MEMBER = 'config.env'
KNOWN_MEMBERS = (MANIFEST, SQLITE_MEMBER, PG_MEMBER, CONFIG_MEMBER)
SUFFIX = '.tar.gz'
ROTATED = re.compile(r'^(backup|safety)-\d{8}-\d{6}(?:-\d+)?\.tar\.gz$')
NAME_OK = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$')


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    size: int
    manifest: Manifest | None = None
    problem: Message | str = ''  # why it cannot be restored; a Message to render in the reader's language

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True, slots=True, kw_only=True)
class RestoreResult:
    manifest: Manifest
    safety: BackupInfo | None
    migrations: tuple[str, ...] = ()  # the migrations run on the restored database
    stopped_pid: int | None = None
    restarted_pid: int | None = None
    config_restored: bool = False


# --- creating ---------------------------------------------------------------------------------------


def backup_dir(settings: Settings) -> Path:
    return settings.backup_path


def _sqlite_snapshot(source: Path, target: Path) -> tuple[int, dict[str, int]]:
    """A consistent copy of the live database (sqlite_snapshot.py), and the schema version and row counts
    read from the copy."""
    if not source.exists():
        raise NotFound(
            Message(
                'There is no database at {source} yet; start the app or run `manage.py db migrate` first.',
                source=source,
            )
        )
    sqlite_snapshot.copy_database(source, target)
    connection = sqlite3.connect(str(target))
    try:
        return sqlite_snapshot.schema_and_counts(connection)
    finally:
        connection.close()


def _target_path(settings: Settings, name: str | None, kind: str, now: datetime) -> Path:
    folder = backup_dir(settings)
    if name:
        name = str(name).strip()
        if name.endswith(SUFFIX):
            name = name[: -len(SUFFIX)]
        if '/' in name or os.sep in name:
            path = Path(name + SUFFIX).expanduser()
            return path if path.is_absolute() else Path.cwd() / path
        if not NAME_OK.match(name):
            raise Invalid(
                Message('The backup name \'{name}\' may hold only letters, digits, ".", "_" and "-".', name=name)
            )
        return folder / (name + SUFFIX)
    prefix = 'safety' if kind == 'safety' else 'backup'
    stamp = now.astimezone().strftime('%Y%m%d-%H%M%S')
    path = folder / f'{prefix}-{stamp}{SUFFIX}'
    counter = 2
    while path.exists():
        path = folder / f'{prefix}-{stamp}-{counter}{SUFFIX}'
        counter += 1
    return path


def _member(tar: tarfile.TarFile, path: Path, arcname: str) -> None:
    info = tar.gettarinfo(str(path), arcname)
    info.uid = info.gid = 0
    info.uname = info.gname = ''
    info.mode = 0o600
    with path.open('rb') as handle:
        tar.addfile(info, handle)


def create_backup(
    settings: Settings | None = None, name: str | None = None, *, kind: str = 'manual', now: datetime | None = None
) -> BackupInfo:
    """Write a new archive and return it. `name` (from `-o`) is a file name in the backup folder, or a
    path when it contains a slash. An existing file is never overwritten."""
    settings = settings or get_settings()
    now = now or datetime.now(UTC)
    target = _target_path(settings, name, kind, now)
    if target.exists():
        raise Conflict(Message('{target} already exists; choose another name with -o.', target=target))
    target.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        if target.parent == backup_dir(settings):
            os.chmod(target.parent, 0o700)
    work = Path(tempfile.mkdtemp(prefix='.backup-', dir=target.parent))
    try:
        postgres = is_postgres_url(settings.database_url)
        if postgres:
            database_member = PG_MEMBER
            version, counts = backup_postgres.dump(settings, work / PG_MEMBER)
        else:
            source = sqlite_path(settings.database_url)
            if source is None:
                raise Invalid(Message('An in-memory database cannot be backed up.'))
            database_member = SQLITE_MEMBER
            version, counts = _sqlite_snapshot(source, work / SQLITE_MEMBER)
        files = {database_member: work / database_member}
        config = config_path()
        if config.exists():
            shutil.copyfile(config, work / CONFIG_MEMBER)
            files[CONFIG_MEMBER] = work / CONFIG_MEMBER
        files.update(backup_receipts.members())
        manifest = Manifest(
            app_version=current_version(),
            schema_version=version,
            created_at=now.astimezone(UTC).replace(microsecond=0),
            engine='postgresql' if postgres else 'sqlite',
            kind=kind,
            members={n: {'sha256': sha256_file(p), 'size': p.stat().st_size} for n, p in files.items()},
            row_counts=counts,
        )
        (work / MANIFEST).write_bytes(manifest_bytes(manifest))
        partial = work / (target.name + '.partial')
        with tarfile.open(partial, 'w:gz', compresslevel=6) as tar:
            _member(tar, work / MANIFEST, MANIFEST)
            for member, path in files.items():
                _member(tar, path, member)
        os.chmod(partial, 0o600)  # config.env holds the installation's keys
        with partial.open('rb') as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info('backup %s written (%s, schema %s, %s rows)', target, kind, manifest.schema_version, manifest.total_rows)
    audit.record('backup_created', detail=f'{target.name} ({kind}, {manifest.total_rows} rows)')
    return BackupInfo(path=target, size=target.stat().st_size, manifest=manifest)


# --- reading and verifying --------------------------------------------------------------------------


def verify_backup(path: Path, extract_to: Path | None = None, *, max_bytes: int | None = None) -> Manifest:
    """Check an archive completely: readable to the end, ours, every checksum and size right, nothing
    missing or extra, schema not newer than this app, and the SQLite snapshot sound and matching its
    row counts. With `extract_to`, the database (and config.env) are left there for restore.

    Extraction is capped before it starts (backup_extract.py): by the manifest's sizes, by `max_bytes`
    and by the free disk space, so an archive that expands to gigabytes cannot fill data/."""
    path = Path(path)
    if not path.is_file():
        raise NotFound(Message('No backup file {path}; `manage.py backup list` shows the backups.', path=path))
    work = Path(tempfile.mkdtemp(prefix='.verify-', dir=extract_to))  # beside the target: renames stay atomic
    try:
        try:
            data, seen = backup_extract.extract(
                path,
                work,
                MANIFEST,
                backup_receipts.MemberNames(set(KNOWN_MEMBERS) - {MANIFEST}),
                max_bytes=max_bytes,
                check_manifest=lambda data: manifest_from(data, path.name),
            )
        except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
            raise Invalid(
                Message(
                    '{name} cannot be read to the end ({exc}): it is truncated or corrupted; use another backup.',
                    name=path.name,
                    exc=exc,
                )
            ) from None
        manifest = manifest_from(data, path.name)
        listed = set(manifest.members)
        present = set(seen) - {MANIFEST}
        if listed != present:
            missing, extra = sorted(listed - present), sorted(present - listed)
            raise Invalid(
                Message(
                    '{name} does not match its manifest (missing {missing}, unlisted {extra}).',
                    name=path.name,
                    missing=missing,
                    extra=extra,
                )
            )
        for name, facts in manifest.members.items():
            digest, size = seen[name]
            if digest != facts.get('sha256') or size != facts.get('size'):
                raise Invalid(
                    Message(
                        '{where}: {name} fails its checksum: the archive was altered or damaged.',
                        where=path.name,
                        name=name,
                    )
                )
        database_member = PG_MEMBER if manifest.engine == 'postgresql' else SQLITE_MEMBER
        if database_member not in present:
            raise Invalid(Message('{name} holds no database.', name=path.name))
        if manifest.schema_version > LATEST_SCHEMA:
            raise Invalid(
                Message(
                    '{name} was made by a newer version of the app (schema '
                    '{schema_version}, this app knows up to {latest_schema}); update the '
                    'app before restoring it.',
                    name=path.name,
                    schema_version=manifest.schema_version,
                    latest_schema=LATEST_SCHEMA,
                )
            )
        if manifest.engine == 'sqlite':
            sqlite_snapshot.check(work / SQLITE_MEMBER, manifest.schema_version, manifest.row_counts, path.name)
        else:
            backup_postgres.check(work / database_member, manifest.schema_version, manifest.row_counts, path.name)
        if extract_to is not None:
            for name in present:
                (Path(extract_to) / name).parent.mkdir(parents=True, exist_ok=True)
                os.replace(work / name, Path(extract_to) / name)
        return manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)


def list_backups(settings: Settings | None = None) -> list[BackupInfo]:
    """Every archive in the backup folder, newest first; unreadable ones are listed with the problem."""
    settings = settings or get_settings()
    folder = backup_dir(settings)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob('*' + SUFFIX):
        if not path.is_file():
            continue
        try:
            found.append(BackupInfo(path=path, size=path.stat().st_size, manifest=read_manifest(path)))
        except Invalid as exc:
            found.append(BackupInfo(path=path, size=path.stat().st_size, problem=exc.text))
    epoch = datetime.fromtimestamp(0, UTC)
    found.sort(
        key=lambda b: (
            (b.manifest.created_at if b.manifest else datetime.fromtimestamp(b.path.stat().st_mtime, UTC)) or epoch
        ),
        reverse=True,
    )
    return found


def resolve_backup(settings: Settings, file: str) -> Path:
    """A path as given, else a name in the backup folder (the .tar.gz may be left out)."""
    given = Path(str(file)).expanduser()
    candidates = [given, backup_dir(settings) / given.name, backup_dir(settings) / (given.name + SUFFIX)]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise NotFound(
        Message(
            "No backup '{file}' here or in {folder}; `manage.py backup list` shows them.",
            file=file,
            folder=backup_dir(settings),
        )
    )


# --- restoring --------------------------------------------------------------------------------------


def restore_backup(
    settings: Settings | None = None,
    file: str = '',
    *,
    force: bool = False,
    with_config: bool = False,
    max_bytes: int | None = None,
) -> RestoreResult:
    """Replace the database by the archive's, after verifying it and keeping a safety backup."""
    settings = settings or get_settings()
    path = resolve_backup(settings, file)
    postgres = is_postgres_url(settings.database_url)
    database = None if postgres else sqlite_path(settings.database_url)
    if database is None and not postgres:
        raise Invalid(Message('An in-memory database cannot be restored into.'))
    staging_parent = backup_dir(settings) if database is None else database.parent
    staging_parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix='.restore-', dir=staging_parent))
    try:
        manifest = verify_backup(path, extract_to=staging, max_bytes=max_bytes)
        if manifest.engine != ('postgresql' if postgres else 'sqlite'):
            raise Invalid(
                Message(
                    '{name} holds a {engine} database but DATABASE_URL points to {other}; '
                    'restore it into a matching installation.',
                    name=path.name,
                    engine=manifest.engine,
                    other='PostgreSQL' if postgres else 'SQLite',
                )
            )
        state = server_control.server_status(settings, measure_cpu=False)
        if state.running and not force:
            raise Conflict(
                Message(
                    'The server is running (pid {pid}); stop it with `manage.py server '
                    'stop`, or pass --force to stop it, restore and start it again.',
                    pid=state.pid,
                )
            )
        stopped_pid = state.pid if state.running else None
        restarted_pid = None
        if state.running:
            server_control.stop(settings)
        try:
            safety, migrations, config_restored = _replace_database(settings, database, staging, with_config)
        finally:
            if stopped_pid is not None:
                restarted_pid = server_control.start_background(settings, host=state.host or None, port=state.port).pid
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info(
        'restored %s (schema %s, %s rows); safety backup %s',
        path.name,
        manifest.schema_version,
        manifest.total_rows,
        safety.path.name if safety else 'not needed (no database)',
    )
    rows = manifest.total_rows
    audit.record('backup_restored', detail=f'{path.name} (schema {manifest.schema_version}, {rows} rows)')
    return RestoreResult(
        manifest=manifest,
        safety=safety,
        migrations=tuple(migrations),
        stopped_pid=stopped_pid,
        restarted_pid=restarted_pid,
        config_restored=config_restored,
    )


def _replace_database(
    settings: Settings, database: Path | None, staging: Path, with_config: bool
) -> tuple[BackupInfo | None, list[str], bool]:
    """With the server stopped: the safety backup, the swap (SQLite) or the dump run (PostgreSQL, `database`
    None), the migrations, and config.env when asked. Returns (safety backup, migrations, config restored)."""
    holds_data = database.exists() if database is not None else backup_postgres.has_schema(settings)
    safety = create_backup(settings, kind='safety') if holds_data else None  # a new machine has nothing to keep
    close_database()
    if database is None:
        backup_postgres.restore(settings, staging / PG_MEMBER)
        open_database(settings.database_url)
        migrations = run_migrations()
    else:
        migrations = _swap_sqlite(settings, database, staging / SQLITE_MEMBER)
    backup_receipts.install(staging)
    if not (with_config and (staging / CONFIG_MEMBER).exists()):
        return safety, migrations, False
    shutil.copyfile(staging / CONFIG_MEMBER, staging / 'config.new')
    os.chmod(staging / 'config.new', 0o600)
    os.replace(staging / 'config.new', config_path())
    return safety, migrations, True


def _swap_sqlite(settings: Settings, database: Path, snapshot: Path) -> list[str]:
    """Put the snapshot in place with one rename, the previous file kept (hard link) until the
    migrations have run, and put back if they fail."""
    previous = snapshot.with_name('previous.sqlite3')
    if database.exists():
        conn = sqlite3.connect(str(database), timeout=30)
        try:
            conn.execute('PRAGMA wal_checkpoint(TRUNCATE)')
        finally:
            conn.close()
        os.link(database, previous)
    for extra in ('-wal', '-shm', '-journal'):
        Path(str(database) + extra).unlink(missing_ok=True)
    os.replace(snapshot, database)
    try:
        open_database(settings.database_url)
        return run_migrations()
    except Exception:
        close_database()
        if previous.exists():
            for extra in ('-wal', '-shm'):
                Path(str(database) + extra).unlink(missing_ok=True)
            os.replace(previous, database)
        raise


# --- retention and the automatic backup -------------------------------------------------------------


def prune(settings: Settings | None = None, keep: int | None = None) -> list[Path]:
    """Delete the oldest `backup-…` and `safety-…` archives beyond the newest `keep` of each kind."""
    settings = settings or get_settings()
    keep = settings.backup_keep if keep is None else keep
    folder = backup_dir(settings)
    if not folder.is_dir():
        return []
    removed = []
    for prefix in ('backup', 'safety'):
        rotated = sorted(
            (p for p in folder.glob(f'{prefix}-*{SUFFIX}') if ROTATED.match(p.name)),
            key=lambda p: p.name,
            reverse=True,
        )
        for old in rotated[keep:]:
            old.unlink(missing_ok=True)
            removed.append(old)
            log.info('backup %s removed (BACKUP_KEEP=%s)', old.name, keep)
    return removed


def last_backup_time(settings: Settings | None = None) -> datetime | None:
    """When the newest readable backup (safety copies aside) was made."""
    times = [b.manifest.created_at for b in list_backups(settings) if b.manifest and b.manifest.kind != 'safety']
    return max(times) if times else None


def next_due(settings: Settings, now: datetime) -> datetime | None:
    """When the automatic backup is next due (now or in the past: due), None when BACKUP_INTERVAL_HOURS=0."""
    if settings.backup_interval_hours <= 0:
        return None
    last = last_backup_time(settings)
    return now if last is None else last + timedelta(hours=settings.backup_interval_hours)


def run_due_backup(now: datetime | None = None, settings: Settings | None = None) -> BackupInfo | None:
    """Make the automatic backup if one is due at `now`, then apply retention. The server's background
    loop calls this; it returns the new backup, or None when none was due."""
    settings = settings or get_settings()
    now = now or datetime.now(UTC)
    due = next_due(settings, now)
    if due is None or due > now:
        return None
    info = create_backup(settings, kind='auto', now=now)
    prune(settings)
    return info


def seconds_until_due(settings: Settings, now: datetime) -> float:
    """How long the loop may sleep: until the next due time, at least a minute, at most an hour."""
    due = next_due(settings, now)
    if due is None:
        return 3600.0
    return min(3600.0, max(60.0, (due - now).total_seconds()))


def format_size(size: int) -> str:
    value = float(size)
    for unit in ('B', 'KB', 'MB', 'GB'):
        if value < 1024 or unit == 'GB':
            return f'{value:.0f} {unit}' if unit == 'B' else f'{value:.1f} {unit}'
        value /= 1024
    return f'{size} B'
