"""The steps of one update, in order: preflight, backup, fetch, requirements, migrate, verify.

Each step records in the plan what it did (code switched, requirements started, database touched) so
that recovery.rollback can undo exactly that, in this process or in the next one after a crash.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.config import Settings, config_path
from app.i18n import Message
from app.services.update_sources import Release, SourceError
from app.services.updates.restart import answers_as
from app.services.updates.snapshots import database_size, snapshot_database
from app.services.updates.status import Status, StepFailed, idle_record, now_text, step_label
from app.version import ROOT, current_version

VERIFY_ENV = 'WIS_UPDATE_VERIFY'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def tail(text: str, lines: int = 6) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    return ' | '.join(kept)


def run_command(status: Status, command: list[str], timeout: float) -> subprocess.CompletedProcess:
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


def pip_install(settings: Settings, requirements: Path) -> list[str]:
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

    def __init__(self, settings: Settings, status: Status, source: Any, release: Release) -> None:
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
                failed = Message('{step} failed: {problem}', step=step_label(name), problem=message)
                self.status.fail(failed)
                self.status.log(failed, 'error')
                return False
            self.status.done(name, self.status.data['steps'][name] if name == 'requirements' else 'done')
        return True

    def step_preflight(self) -> None:
        settings = self.settings
        size = database_size(settings)  # PostgreSQL: also its client tools and the connection
        for folder in (ROOT, settings.data_path):
            probe = folder / f'.update-write-test-{os.getpid()}'
            try:
                probe.write_text('ok')
                probe.unlink()
            except OSError as exc:
                raise StepFailed(f'cannot write in {folder} ({exc.strerror}); run the update as the owner of the files')
        needed = 3 * size + 100 * 1024 * 1024
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
        free = shutil.disk_usage(ROOT).free // 2**20
        self.status.log(Message('{release} is readable; {free} MB free', release=self.release.label, free=free))

    def step_backup(self) -> None:
        from app.services import backups

        plan = self.status.plan
        info = backups.create_backup(self.settings, kind='update')
        plan['db_backup'] = str(info.path)
        rows = info.manifest.total_rows if info.manifest else 0
        self.status.log(Message('database and config.env backed up to {path} ({rows} rows)', path=info.path, rows=rows))
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
        self.status.log(Message('configuration saved; code at {revision}', revision=plan['revision']))

    def step_fetch(self) -> None:
        self.source.switch(self.release, self.work_dir, self.status.plan)
        self.status.save()
        on_disk = current_version()
        if on_disk != self.release.version:
            raise StepFailed(f'after switching, VERSION says {on_disk}, expected {self.release.version}')
        release, version = self.release.label, self.release.version
        self.status.log(Message('code switched to {release} ({version})', release=release, version=version))

    def step_requirements(self) -> None:
        before = self.work_dir / 'requirements-before.txt'
        after = ROOT / 'requirements.txt'
        old = before.read_bytes() if before.exists() else b''
        new = after.read_bytes() if after.exists() else b''
        if old == new:
            self.status.data['steps']['requirements'] = 'skipped'
            self.status.log(Message('requirements.txt did not change; nothing to install'))
            return
        self.status.plan['requirements_started'] = True
        self.status.save()
        done = run_command(self.status, pip_install(self.settings, after), timeout=1800)
        if done.returncode != 0:
            raise StepFailed(f'pip could not install requirements.txt: {tail(done.stdout, 3)}')
        self.status.log(Message('requirements installed'))

    def step_migrate(self) -> None:
        compile_catalogues(self.status)  # the new code's translations, before anything runs it
        plan = self.status.plan
        plan['db_snapshot'] = str(snapshot_database(self.work_dir / 'before-migrations.sqlite3', self.settings))
        plan['db_touched'] = True
        self.status.save()
        done = run_command(self.status, [sys.executable, 'manage.py', 'db', 'migrate'], timeout=1800)
        if done.returncode != 0:
            raise StepFailed(f'the migrations of {self.release.version} failed: {tail(done.stdout, 3)}')
        self.status.log(tail(done.stdout, 4) or Message('database up to date'))  # the migrations' own output

    def step_verify(self) -> None:
        port = free_port()
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
            problem = answers_as(
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
            detail = tail(output.read_text(encoding='utf-8', errors='replace'), 3)
            more = f'; its output: {detail}' if detail else ''
            raise StepFailed(f'the new version did not start: {problem}{more}')
        self.status.log(
            Message(
                'a test server of {version} answered its health check on port {port}',
                version=self.release.version,
                port=port,
            )
        )


def compile_catalogues(status: Status) -> None:
    """Build the .mo files of the code now on disk (they are not in git). A code without the command (an older
    version, after a rollback) has none to build."""
    if not (ROOT / 'app' / 'cli' / 'i18n.py').exists():
        return
    done = run_command(status, [sys.executable, 'manage.py', 'i18n', 'compile'], timeout=300)
    if done.returncode != 0:
        raise StepFailed(f'the translations could not be compiled: {tail(done.stdout, 3)}')
    status.log(Message('translations compiled'))


def work_dir(settings: Settings, version: str) -> Path:
    base = settings.data_path / 'updates'
    base.mkdir(parents=True, exist_ok=True)
    old = sorted(p for p in base.iterdir() if p.is_dir() and p.name[:1].isdigit())
    for stale in old[:-4]:
        shutil.rmtree(stale, ignore_errors=True)
    folder = base / f'{datetime.now(UTC).strftime("%Y%m%d-%H%M%S")}-{version}'
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_status(
    settings: Settings, release: Release, executor: str, echo: Callable[[str], None] | None = None
) -> Status:
    data = idle_record()
    data.update(
        state='running',
        to_version=release.version,
        started_at=now_text(),
        executor=executor,
        plan={'work_dir': str(work_dir(settings, release.version)), 'pid': os.getpid(), 'release': release.label},
    )
    status = Status(settings, data, echo)
    status.log(
        Message(
            'update from {old} to {new} ({release}) started',
            old=data['from_version'],
            new=release.version,
            release=release.label,
        )
    )
    return status
