"""Updating the installation in place: check, back up, switch, install, migrate, verify, restart.

Any failure rolls back what was done: the previous code, the previous requirements, the database as it
was just before the migrations, and a restart of the old server when the running one could have been
touched. The status lives in data/update-status.json (written atomically after every change), so a
page reloaded after the restart, the CLI and the next start of a server killed mid-update all read
the same truth. One update at a time: data/update.lock is held with flock for the whole run, and a
second request gets Conflict (409). A lock that nobody holds beside a status still "running" means the
process doing the update died; the next server start then finishes the rollback before it opens the
database.

Where updates come from is in update_sources.py.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.config import Settings, config_path, get_settings
from app.db import sqlite_path
from app.logs import mask_secrets
from app.services import audit
from app.services.errors import Conflict, Invalid
from app.services.update_sources import (
    Release,
    SourceError,
    changelog_between,
    is_newer,
    parse_version,
    source_for,
)
from app.version import ROOT, current_version

log = logging.getLogger('whatispend.update')

# (name, label, progress reached when the step is done)
STEPS: list[tuple[str, str, int]] = [
    ('preflight', 'Preflight checks', 5),
    ('backup', 'Back up database, configuration and code revision', 15),
    ('fetch', 'Fetch and switch to the new version', 30),
    ('requirements', 'Install requirements', 45),
    ('migrate', 'Run database migrations', 60),
    ('verify', 'Verify the new version in a test server', 80),
    ('restart', 'Restart the server', 90),
    ('confirm', 'Confirm the server answers', 100),
]
STEP_LABELS = {name: label for name, label, _ in STEPS}
ACTIVE_STATES = ('running', 'rolling_back', 'restarting')
CHECK_INTERVAL = timedelta(days=1)
MAX_LOG_LINES = 300
VERIFY_ENV = 'WIS_UPDATE_VERIFY'
RESTART_EXIT_CODE = 3


# The version this process runs: read once, so that an old server does not claim the version of the
# code that an update has just written to disk.
RUNNING_VERSION = current_version()


class StepFailed(Exception):
    """A step could not be done; the message says why and what to do."""


# --- status on disk ---------------------------------------------------------------------------------


def status_path(settings: Settings | None = None) -> Path:
    return (settings or get_settings()).data_path / 'update-status.json'


def _check_path(settings: Settings) -> Path:
    return settings.data_path / 'update-check.json'


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec='seconds')


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + f'.{os.getpid()}.{threading.get_ident()}.tmp')
    partial.write_text(json.dumps(data, indent=1), encoding='utf-8')
    with partial.open('rb') as handle:
        os.fsync(handle.fileno())
    partial.replace(path)


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding='utf-8'))
    except (OSError, ValueError):
        return None


def idle_status() -> dict:
    return {
        'state': 'idle',
        'step': '',
        'progress': 0,
        'from_version': current_version(),
        'to_version': '',
        'started_at': '',
        'finished_at': '',
        'error': '',
        'failed_step': '',
        'rolled_back': False,
        'executor': '',
        'log': [],
        'steps': {name: 'pending' for name, _, _ in STEPS},
        'plan': {},
    }


def read_status(settings: Settings | None = None) -> dict:
    """The last update's status as stored on disk, or an idle status."""
    stored = _read_json(status_path(settings))
    if not stored:
        return idle_status()
    return {**idle_status(), **stored}


def public_status(status: dict) -> dict:
    """What the API and the page show (the rollback plan stays internal)."""
    return {
        'state': status['state'],
        'step': status['step'],
        'step_label': STEP_LABELS.get(status['step'], ''),
        'progress': status['progress'],
        'from_version': status['from_version'],
        'to_version': status['to_version'],
        'started_at': status['started_at'],
        'finished_at': status['finished_at'],
        'error': mask_secrets(status['error']),
        'failed_step': status['failed_step'],
        'rolled_back': status['rolled_back'],
        'executor': status['executor'],
        'steps': [
            {'name': name, 'label': label, 'state': status['steps'].get(name, 'pending')} for name, label, _ in STEPS
        ],
        'log': [{**line, 'message': mask_secrets(line.get('message', ''))} for line in status['log']],
    }


class Status:
    """The status of the update in progress, saved to disk at every change."""

    def __init__(self, settings: Settings, data: dict, echo: Callable[[str], None] | None = None) -> None:
        self.settings, self.data, self.echo = settings, data, echo

    @property
    def plan(self) -> dict:
        return self.data['plan']

    def save(self) -> None:
        self.data['error'] = mask_secrets(self.data.get('error') or '')
        _write_json(status_path(self.settings), self.data)

    def log(self, message: str, level: str = 'info') -> None:
        message = mask_secrets(message)
        self.data['log'].append({'time': _now(), 'level': level, 'message': message})
        del self.data['log'][:-MAX_LOG_LINES]
        getattr(log, 'warning' if level == 'error' else level, log.info)('update: %s', message)
        if self.echo:
            self.echo(message if level == 'info' else f'{level}: {message}')
        self.save()

    def begin(self, step: str) -> None:
        self.data['step'] = step
        self.data['steps'][step] = 'running'
        self.log(f'{STEP_LABELS[step]}…')

    def done(self, step: str, state: str = 'done') -> None:
        self.data['steps'][step] = state
        self.data['progress'] = {name: pct for name, _, pct in STEPS}[step]
        self.save()

    def finish(self, state: str) -> None:
        self.data['state'] = state
        self.data['finished_at'] = _now()
        if state == 'succeeded':
            self.data['progress'] = 100
        self.save()
        versions = f'{self.data.get("from_version") or "?"} to {self.data.get("to_version") or "?"}'
        if state == 'succeeded':
            audit.record('update_finished', detail=f'updated from {versions}')
        else:
            audit.record('update_failed', detail=f'{versions}: {self.data.get("error") or state}'[:500])


# --- one update at a time ---------------------------------------------------------------------------


class UpdateLock:
    """An exclusive flock on data/update.lock, released when closed or when the process ends or execs."""

    def __init__(self, settings: Settings) -> None:
        self.path = settings.data_path / 'update.lock'
        self.handle = None

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


# --- backups: the database through a small interface ------------------------------------------------
#
# The backup step goes through the backup service (app/services/backups.py): a verified tar.gz with
# its manifest in backups/, the user's safety net, restorable with `manage.py backup restore`. The
# rollback itself restores a snapshot taken just before the migrations (so that as little as possible
# written meanwhile is lost), with SQLite's online backup API: the pages are written into the live
# database file, so the running server's connections stay valid instead of pointing at a replaced file.


def _database_file(settings: Settings) -> Path:
    path = sqlite_path(settings.database_url)
    if path is None:
        raise StepFailed(
            'automatic updates back up SQLite databases only; with PostgreSQL, back up with pg_dump, then update '
            'with git pull, pip install -r requirements.txt and python manage.py db migrate'
        )
    return path


def _integrity(path: Path) -> str:
    connection = sqlite3.connect(f'file:{path}?mode=ro', uri=True)
    try:
        return connection.execute('PRAGMA integrity_check').fetchone()[0]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        connection.close()


def snapshot_database(target: Path, settings: Settings | None = None) -> Path:
    """A copy of the live database at `target`, integrity-checked; returns its path."""
    settings = settings or get_settings()
    source = _database_file(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + '.part')
    live = sqlite3.connect(source, timeout=30)
    copy = sqlite3.connect(partial)
    try:
        live.backup(copy)
    finally:
        copy.close()
        live.close()
    if (result := _integrity(partial)) != 'ok':
        partial.unlink(missing_ok=True)
        raise StepFailed(f'the snapshot of the database failed its integrity check ({result})')
    partial.replace(target)
    return target


def restore_snapshot(path: Path | str, settings: Settings | None = None) -> None:
    """Write the snapshot's content into the live database (checked first; open connections stay valid)."""
    settings = settings or get_settings()
    path = Path(path)
    if not path.exists():
        raise StepFailed(f'the snapshot {path} is missing; the database was left as it is')
    if (result := _integrity(path)) != 'ok':
        raise StepFailed(f'the snapshot {path} is damaged ({result}); the database was left as it is')
    backup = sqlite3.connect(f'file:{path}?mode=ro', uri=True)
    live = sqlite3.connect(_database_file(settings), timeout=30)
    try:
        backup.backup(live)
    finally:
        live.close()
        backup.close()


# --- check ------------------------------------------------------------------------------------------


def _source(settings: Settings):
    return source_for(
        ROOT, settings.update_remote, settings.update_branch, settings.update_source, settings.data_path / 'updates'
    )


def _pick(releases: list[Release]) -> Release | None:
    if not releases:
        return None
    return max(releases, key=lambda r: (parse_version(r.version), r.label.startswith('tag ')))


def check(settings: Settings | None = None, *, force: bool = True) -> dict:
    """Current and latest version with the changelog between them; cached in data/update-check.json.

    Without `force`, a result less than a day old is reused (the header badge checks at most daily).
    """
    settings = settings or get_settings()
    current = current_version()
    cached = _read_json(_check_path(settings))
    if not force and cached and cached.get('current_version') == current:
        try:
            checked = datetime.fromisoformat(cached['checked_at'])
        except (KeyError, ValueError):
            checked = None
        if checked and datetime.now(UTC) - checked < CHECK_INTERVAL:
            return cached
    result = {
        'current_version': current,
        'latest_version': current,
        'update_available': False,
        'source': '',
        'release': '',
        'notes': [],
        'checked_at': _now(),
        'error': '',
    }
    try:
        source = _source(settings)
        result['source'] = source.describe()
        source.refresh()
        best = _pick(source.releases())
        if best is not None and is_newer(best.version, current):
            result.update(latest_version=best.version, update_available=True, release=best.label)
            changelog = source.read_file(best, 'CHANGELOG.md') or ''
            result['notes'] = changelog_between(changelog, current, best.version)
    except SourceError as exc:
        result['error'] = str(exc)
    except OSError as exc:
        result['error'] = f'cannot read the update source: {exc}'
    for key in ('source', 'release', 'error'):
        result[key] = mask_secrets(result[key])
    try:
        _write_json(_check_path(settings), result)
    except OSError:
        pass
    return result


def cached_check(settings: Settings | None = None) -> dict | None:
    """The last check result if one is stored (never contacts the source), seen from the version installed
    now: after an update, the version it announced is no longer "available"."""
    cached = _read_json(_check_path(settings or get_settings()))
    current = current_version()
    for key in ('source', 'release', 'error'):
        if cached and isinstance(cached.get(key), str):
            cached[key] = mask_secrets(cached[key])  # written by a version that did not mask
    if cached and cached.get('current_version') != current and not cached.get('error'):
        latest = cached.get('latest_version', current)
        newer = is_newer(latest, current)
        cached.update(
            current_version=current,
            latest_version=latest if newer else current,
            update_available=newer,
            notes=[n for n in cached.get('notes', []) if is_newer(n.get('version', ''), current)],
        )
    return cached


# --- restarting the server --------------------------------------------------------------------------

_restart_handler: Callable[[], None] | None = None


def set_restart_handler(handler: Callable[[], None] | None) -> None:
    """The server registers how it restarts itself (graceful shutdown, then exec or exit)."""
    global _restart_handler
    _restart_handler = handler


def restart_command() -> list[str]:
    return [sys.executable, *sys.orig_argv[1:]]


def replace_process(settings: Settings) -> None:
    """Become a fresh server: exec the same command line (UPDATE_RESTART=exec) or exit for the service
    manager to start it again (UPDATE_RESTART=exit)."""
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    if settings.update_restart == 'exit':
        os._exit(RESTART_EXIT_CODE)
    os.execv(sys.executable, restart_command())


def _running_server(settings: Settings) -> tuple[int, str] | None:
    """(pid, local url) of the server of this installation (data/server.pid), if one is running."""
    from app.services import server_control

    state = server_control.server_status(settings, measure_cpu=False)
    if not state.running or state.pid in (None, os.getpid()):
        return None
    return state.pid, _local_url(settings, state.host, state.port)


def _local_url(settings: Settings, host: str | None = None, port: int | None = None) -> str:
    host = settings.host if host is None else host
    port = port or settings.port
    if host in ('', '0.0.0.0'):
        host = '127.0.0.1'
    elif host == '::':
        host = '[::1]'
    elif ':' in host:
        host = f'[{host}]'
    return f'http://{host}:{port}'


def _answers_as(url: str, version: str, timeout: float, process: subprocess.Popen | None = None) -> str:
    """Wait until GET url/sysapi/health answers with `version`; '' on success, else why not."""
    import httpx

    deadline = time.monotonic() + timeout
    last = 'no answer'
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return f'the server exited with status {process.returncode} before answering'
        try:
            response = httpx.get(url + '/sysapi/health', timeout=5, trust_env=False)
            data = response.json() if response.status_code == 200 else {}
            if data.get('version') == version and data.get('status') == 'ok':
                return ''
            last = f'HTTP {response.status_code} {response.text[:200]}'
        except (httpx.HTTPError, ValueError) as exc:
            last = type(exc).__name__
        time.sleep(0.25)
    return f'no healthy answer as version {version} within {timeout:.0f} s (last: {last})'


# --- the update itself ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _tail(text: str, lines: int = 6) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    return ' | '.join(kept)


def _run(status: Status, command: list[str], timeout: float) -> subprocess.CompletedProcess:
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    status.plan['child_pid'] = process.pid
    status.save()
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise StepFailed(f'{" ".join(command[1:4])} did not finish within {timeout:.0f} s')
    finally:
        status.plan.pop('child_pid', None)
        status.save()
    return subprocess.CompletedProcess(command, process.returncode, output, '')


def _pip_install(settings: Settings, requirements: Path) -> list[str]:
    return [
        sys.executable,
        '-m',
        'pip',
        'install',
        '--disable-pip-version-check',
        '--quiet',
        '-r',
        str(requirements),
        *shlex.split(settings.update_pip_args),
    ]


class Runner:
    """Runs the steps of one update in order; any failure rolls back."""

    def __init__(self, settings: Settings, status: Status, source, release: Release) -> None:
        self.settings, self.status, self.source, self.release = settings, status, source, release
        self.work_dir = Path(status.plan['work_dir'])

    def run(self) -> bool:
        """The steps up to verification; True when the new version is ready to be restarted into."""
        for name in ('preflight', 'backup', 'fetch', 'requirements', 'migrate', 'verify'):
            self.status.begin(name)
            try:
                getattr(self, f'step_{name}')()
            except Exception as exc:  # noqa: BLE001 - every failure rolls back
                message = str(exc) if isinstance(exc, StepFailed | SourceError) else f'{type(exc).__name__}: {exc}'
                self.status.data['steps'][name] = 'failed'
                self.status.data['failed_step'] = name
                self.status.data['error'] = f'{STEP_LABELS[name]} failed: {message}'
                self.status.log(self.status.data['error'], 'error')
                return False
            self.status.done(name, self.status.data['steps'][name] if name == 'requirements' else 'done')
        return True

    def step_preflight(self) -> None:
        settings = self.settings
        database = _database_file(settings)
        for folder in (ROOT, settings.data_path):
            probe = folder / f'.update-write-test-{os.getpid()}'
            try:
                probe.write_text('ok')
                probe.unlink()
            except OSError as exc:
                raise StepFailed(f'cannot write in {folder} ({exc.strerror}); run the update as the owner of the files')
        needed = 3 * (database.stat().st_size if database.exists() else 0) + 100 * 1024 * 1024
        for folder in {ROOT, settings.data_path}:
            free = shutil.disk_usage(folder).free
            if free < needed:
                raise StepFailed(
                    f'only {free // 2**20} MB free in {folder}, {needed // 2**20} MB needed; free some space first'
                )
        changes = self.source.local_changes()
        if changes:
            shown = ', '.join(changes[:5]) + (f' and {len(changes) - 5} more' if len(changes) > 5 else '')
            raise StepFailed(
                f'local changes to tracked files would be lost: {shown}; commit or stash them (git stash) first'
            )
        self.source.check_readable(self.release, self.work_dir)
        self.status.log(f'{self.release.label} is readable; {shutil.disk_usage(ROOT).free // 2**20} MB free')

    def step_backup(self) -> None:
        from app.services import backups

        plan = self.status.plan
        _database_file(self.settings)  # refuses PostgreSQL before anything is written
        info = backups.create_backup(self.settings, kind='update')
        plan['db_backup'] = str(info.path)
        rows = info.manifest.total_rows if info.manifest else 0
        self.status.log(f'database and config.env backed up to {info.path} ({rows} rows)')
        config = config_path()
        if config.exists():
            shutil.copy2(config, self.work_dir / 'config.env')
            plan['config_backup'] = str(self.work_dir / 'config.env')
            plan['config_path'] = str(config)
        requirements = ROOT / 'requirements.txt'
        if requirements.exists():
            shutil.copy2(requirements, self.work_dir / 'requirements-before.txt')
        plan.update(self.source.snapshot(self.work_dir))
        self.status.save()
        self.status.log(f'configuration saved; code at {plan["revision"]}')

    def step_fetch(self) -> None:
        self.source.switch(self.release, self.work_dir, self.status.plan)
        self.status.save()
        on_disk = current_version()
        if on_disk != self.release.version:
            raise StepFailed(f'after switching, VERSION says {on_disk}, expected {self.release.version}')
        self.status.log(f'code switched to {self.release.label} ({self.release.version})')

    def step_requirements(self) -> None:
        before = self.work_dir / 'requirements-before.txt'
        after = ROOT / 'requirements.txt'
        old = before.read_bytes() if before.exists() else b''
        new = after.read_bytes() if after.exists() else b''
        if old == new:
            self.status.data['steps']['requirements'] = 'skipped'
            self.status.log('requirements.txt did not change; nothing to install')
            return
        self.status.plan['requirements_started'] = True
        self.status.save()
        done = _run(self.status, _pip_install(self.settings, after), timeout=1800)
        if done.returncode != 0:
            raise StepFailed(f'pip could not install requirements.txt: {_tail(done.stdout, 3)}')
        self.status.log('requirements installed')

    def step_migrate(self) -> None:
        plan = self.status.plan
        plan['db_snapshot'] = str(snapshot_database(self.work_dir / 'before-migrations.sqlite3', self.settings))
        plan['db_touched'] = True
        self.status.save()
        done = _run(self.status, [sys.executable, 'manage.py', 'db', 'migrate'], timeout=1800)
        if done.returncode != 0:
            raise StepFailed(f'the migrations of {self.release.version} failed: {_tail(done.stdout, 3)}')
        self.status.log(_tail(done.stdout, 4) or 'database up to date')

    def step_verify(self) -> None:
        port = _free_port()
        env = {**os.environ, 'HOST': '127.0.0.1', 'PORT': str(port), 'UPDATE_CHECK': 'false', VERIFY_ENV: '1'}
        output = self.work_dir / 'verify.log'
        with output.open('w') as sink:
            process = subprocess.Popen(
                [sys.executable, 'main.py'],
                cwd=ROOT,
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.status.plan['child_pid'] = process.pid
        self.status.save()
        try:
            problem = _answers_as(
                f'http://127.0.0.1:{port}', self.release.version, self.settings.update_verify_timeout, process
            )
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(5)
            self.status.plan.pop('child_pid', None)
            self.status.save()
        if problem:
            detail = _tail(output.read_text(encoding='utf-8', errors='replace'), 3)
            more = f'; its output: {detail}' if detail else ''
            raise StepFailed(f'the new version did not start: {problem}{more}')
        self.status.log(f'a test server of {self.release.version} answered its health check on port {port}')


def rollback(settings: Settings, status: Status, source=None) -> bool:
    """Undo what the plan says was done. Returns True when the server must restart to run the old code."""
    plan = status.plan
    status.data['state'] = 'rolling_back'
    status.data['rolled_back'] = False
    status.log('rolling back…', 'warning')
    _kill_child(plan)
    problems = []
    if plan.get('code_switched'):
        try:
            (source or _source(settings)).restore(plan)
            plan['code_switched'] = False
            plan['code_restored'] = True
            status.log(f'code restored to {plan.get("revision", "the previous version")}')
        except (SourceError, OSError) as exc:
            problems.append(f'the code could not be restored ({exc})')
    if plan.get('requirements_started') and not problems:
        before = Path(plan['work_dir']) / 'requirements-before.txt'
        done = _run(status, _pip_install(settings, before), timeout=1800)
        if done.returncode == 0:
            status.log('previous requirements reinstalled')
        else:
            problems.append(f'the previous requirements could not be reinstalled: {_tail(done.stdout, 2)}')
    if plan.get('db_touched'):
        try:
            restore_snapshot(plan['db_snapshot'], settings)
            plan['db_touched'] = False
            plan['db_restored'] = True
            status.log(f'database restored from {plan["db_snapshot"]}')
        except (StepFailed, sqlite3.Error, OSError) as exc:
            problems.append(f'the database could not be restored ({exc})')
    if plan.get('config_backup'):
        saved, live = Path(plan['config_backup']), Path(plan['config_path'])
        if saved.exists() and (not live.exists() or live.read_bytes() != saved.read_bytes()):
            shutil.copy2(saved, live)
            status.log('config.env restored')
    if problems:
        status.data['error'] += '; rollback incomplete: ' + '; '.join(problems)
        if plan.get('db_backup'):
            restore = f'python manage.py backup restore {plan["db_backup"]}'
            status.data['error'] += f'. The backup made before the update is restored by: {restore}'
        status.log('rollback incomplete: ' + '; '.join(problems), 'error')
    else:
        status.data['rolled_back'] = True
        status.log(f'rolled back to {status.data["from_version"]}')
    status.save()
    return bool(plan.get('new_code_running') or plan.get('requirements_started') or plan.get('db_restored'))


def _kill_child(plan: dict) -> None:
    """A migration or test server left behind by a killed update must not keep the database busy."""
    import psutil

    pid = plan.pop('child_pid', None)
    if not pid:
        return
    try:
        process = psutil.Process(pid)
        ours = process.cwd() == str(ROOT) and any(
            part.endswith(('main.py', 'pip')) or part == 'manage.py' for part in process.cmdline()
        )
        if ours:  # a pid reused by an unrelated process after a reboot is left alone
            os.killpg(pid, signal.SIGKILL)
    except (psutil.Error, ProcessLookupError, PermissionError):
        pass


def _work_dir(settings: Settings, version: str) -> Path:
    base = settings.data_path / 'updates'
    base.mkdir(parents=True, exist_ok=True)
    old = sorted(p for p in base.iterdir() if p.is_dir() and p.name[:1].isdigit())
    for stale in old[:-4]:
        shutil.rmtree(stale, ignore_errors=True)
    folder = base / f'{datetime.now(UTC).strftime("%Y%m%d-%H%M%S")}-{version}'
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _new_status(settings: Settings, release: Release, executor: str, echo=None) -> Status:
    data = idle_status()
    data.update(
        state='running',
        to_version=release.version,
        started_at=_now(),
        executor=executor,
        plan={'work_dir': str(_work_dir(settings, release.version)), 'pid': os.getpid(), 'release': release.label},
    )
    status = Status(settings, data, echo)
    status.log(f'update from {data["from_version"]} to {release.version} ({release.label}) started')
    return status


def _target(settings: Settings):
    try:
        source = _source(settings)
        source.refresh()
        release = _pick(source.releases())
    except SourceError as exc:
        raise Invalid(f'cannot check for updates: {exc}')
    if release is None or not is_newer(release.version, current_version()):
        raise Invalid(f'Already up to date: {current_version()} is the latest version.')
    return source, release


def _recover_if_interrupted(settings: Settings, lock: UpdateLock, echo=None) -> None:
    """With the lock held: a status still active means its process died; roll it back first."""
    stored = read_status(settings)
    if stored['state'] not in ACTIVE_STATES:
        return
    status = Status(settings, stored, echo)
    step = STEP_LABELS.get(stored['step'], stored['step'])
    status.data['error'] = status.data['error'] or f'the update was interrupted during "{step}"'
    status.data['failed_step'] = status.data['failed_step'] or stored['step']
    rollback(settings, status)
    status.finish('failed')


def start(settings: Settings | None = None) -> dict:
    """Begin an update in a background thread of the server; answers the status at once.

    Conflict when another update runs; Invalid when there is nothing newer.
    """
    settings = settings or get_settings()
    lock = UpdateLock(settings)
    if not lock.acquire():
        current = read_status(settings)
        raise Conflict(
            f'An update to {current["to_version"] or "a new version"} is already running '
            f'(step: {STEP_LABELS.get(current["step"], current["step"]) or "starting"}); wait for it to finish.'
        )
    try:
        state = read_status(settings)['state']
        if state == 'restarting':
            raise Conflict('The server is restarting to finish an update; try again in a minute.')
        if state in ACTIVE_STATES:
            _recover_if_interrupted(settings, lock)
            if _restart_handler is not None:
                _restart_handler()
            raise Conflict(
                'The previous update had been interrupted; it has now been rolled back and the server restarts. '
                'Start the update again in a minute.'
            )
        source, release = _target(settings)
        status = _new_status(settings, release, 'server')
        audit.record('update_started', detail=f'to {release.version}')
    except BaseException:
        lock.release()
        raise
    threading.Thread(
        target=_run_in_server, args=(settings, status, source, release, lock), daemon=True, name='update'
    ).start()
    return public_status(status.data)


def _run_in_server(settings: Settings, status: Status, source, release: Release, lock: UpdateLock) -> None:
    """The update thread. The lock stays held through a restart: exec (or exit) releases it."""
    try:
        if Runner(settings, status, source, release).run():
            _restart_into(status, release.version, 'succeeded')
        elif rollback(settings, status, source):
            _restart_into(status, status.data['from_version'], 'failed')
        else:
            status.finish('failed')
    except Exception as exc:  # noqa: BLE001 - the status must say what happened
        status.data['error'] = status.data['error'] or f'unexpected error: {exc}'
        status.log(f'unexpected error: {exc}', 'error')
        status.finish('failed')
    finally:
        if status.data['state'] != 'restarting':
            lock.release()


def _restart_into(status: Status, version: str, outcome: str) -> None:
    """Ask the server to restart; the new process confirms (see resume_after_start)."""
    status.data['state'] = 'restarting'
    status.data['step'] = 'restart'
    status.data['steps']['restart'] = 'running'
    status.plan['expected_version'] = version
    status.plan['outcome'] = outcome
    if _restart_handler is None:
        status.data['steps']['restart'] = 'skipped'
        status.log('no server to restart here; start it again to run the new version', 'warning')
        status.finish(outcome)
        return
    status.log(f'restarting the server into {version}')
    _restart_handler()


# --- the next start ---------------------------------------------------------------------------------


def resume_after_start(settings: Settings) -> None:
    """Called first thing at server start-up, before the database is opened.

    - state restarting: this process is the restarted server; confirm it answers, in a thread.
    - state running / rolling_back with a free lock: the updating process died; roll back now, and
      exec the old code when this process already loaded the new one.
    """
    if os.environ.get(VERIFY_ENV):
        return
    stored = read_status(settings)
    if stored['state'] not in ACTIVE_STATES:
        return
    lock = UpdateLock(settings)
    if not lock.acquire():
        return  # another process (manage.py update) is on it
    status = Status(settings, stored)
    if stored['state'] == 'restarting':
        expected = status.plan.get('expected_version', '')
        if current_version() == expected:
            threading.Thread(target=_confirm, args=(settings, status, lock), daemon=True, name='update-confirm').start()
            return
        status.data['error'] = status.data['error'] or (
            f'after the restart the code is {current_version()}, not {expected}'
        )
    step = STEP_LABELS.get(stored['step'], stored['step'])
    status.data['error'] = status.data['error'] or (
        f'{step} was interrupted: the server stopped during the update (killed or powered off)'
    )
    status.data['failed_step'] = status.data['failed_step'] or stored['step']
    if status.plan.get('code_switched'):
        status.plan['new_code_running'] = True
    status.log(status.data['error'], 'error')
    try:
        rollback(settings, status)
    except Exception as exc:  # noqa: BLE001
        status.log(f'rollback failed: {exc}', 'error')
    if status.plan.get('code_restored') or status.plan.get('requirements_started'):
        status.data['state'] = 'restarting'
        status.plan['expected_version'] = status.data['from_version']
        status.plan['outcome'] = 'failed'
        status.plan['new_code_running'] = False
        status.log(f'starting {status.data["from_version"]} again')
        lock.release()
        replace_process(settings)
    status.finish('failed')
    lock.release()


def _confirm(settings: Settings, status: Status, lock: UpdateLock) -> None:
    try:
        expected = status.plan.get('expected_version', '')
        outcome = status.plan.get('outcome', 'succeeded')
        status.data['steps']['restart'] = 'done'
        status.data['step'] = 'confirm'
        status.data['steps']['confirm'] = 'running'
        status.save()
        problem = _answers_as(_local_url(settings), expected, settings.update_verify_timeout)
        if not problem:
            status.data['steps']['confirm'] = 'done'
            status.log(f'the server answers as {expected}')
            if outcome == 'succeeded':
                status.log(f'update to {expected} complete')
            status.finish(outcome)
            return
        status.data['steps']['confirm'] = 'failed'
        status.log(f'the restarted server did not answer: {problem}', 'error')
        if outcome == 'succeeded':
            status.data['error'] = f'Confirm failed: {problem}'
            status.data['failed_step'] = 'confirm'
            status.plan['new_code_running'] = True
            rollback(settings, status)
            _restart_into(status, status.data['from_version'], 'failed')
            return
        status.finish('failed')
    finally:
        lock.release()


# --- running from the command line ------------------------------------------------------------------


def run_from_cli(settings: Settings, echo: Callable[[str], None]) -> dict:
    """`manage.py update --yes`: the same steps in this process; a running server is restarted by signal."""
    lock = UpdateLock(settings)
    if not lock.acquire():
        current = read_status(settings)
        raise Conflict(f'An update to {current["to_version"] or "a new version"} is already running; wait for it.')
    try:
        _recover_if_interrupted(settings, lock, echo)
        source, release = _target(settings)
        status = _new_status(settings, release, 'cli', echo)
        runner = Runner(settings, status, source, release)
        if runner.run():
            _cli_restart(settings, status, release.version)
            if status.data['state'] == 'succeeded':
                return public_status(status.data)
        if rollback(settings, status, source) and (server := _running_server(settings)):
            _signal_restart(settings, status, server, status.data['from_version'])
        status.finish('failed')
        return public_status(status.data)
    finally:
        lock.release()


def _signal_restart(settings: Settings, status: Status, server: tuple[int, str], version: str) -> str:
    pid, url = server
    status.log(f'asking the server (pid {pid}) to restart')
    os.kill(pid, signal.SIGUSR1)
    problem = _answers_as(url, version, settings.update_verify_timeout)
    if not problem:
        status.log(f'the server answers as {version}')
    return problem


def _cli_restart(settings: Settings, status: Status, version: str) -> None:
    status.begin('restart')
    server = _running_server(settings)
    if server is None:
        status.done('restart', 'skipped')
        status.done('confirm', 'skipped')
        status.log(f'no server is running; start it to serve {version}')
        status.finish('succeeded')
        return
    status.plan['new_code_running'] = True
    problem = _signal_restart(settings, status, server, version)
    if problem:
        status.data['steps']['restart'] = 'failed'
        status.data['failed_step'] = 'restart'
        status.data['error'] = f'Restart failed: {problem}'
        status.log(status.data['error'], 'error')
        return
    status.done('restart')
    status.done('confirm')
    status.log(f'update to {version} complete')
    status.finish('succeeded')


def health() -> dict:
    """What /sysapi/health answers: the version this process runs, and whether the database responds."""
    from app.db import db

    try:
        db.execute_sql('SELECT 1')
        database = 'ok'
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        database = 'unavailable'
    return {'status': 'ok' if database == 'ok' else 'degraded', 'version': RUNNING_VERSION, 'database': database}
