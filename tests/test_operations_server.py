"""The server under manage.py's control, a backup taken while rows are being written, and restore --force.

One real server is started (plus the restarts that --force and `server restart` do), in the background
on a free port, with the CLI run as subprocesses exactly as a person would type it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import httpx
import psutil

from app.db import db
from app.models import Category, Expense
from app.services import backups, server_control
from app.services.server_control import pidfile_path
from tests.conftest import API_KEY, make_user
from tests.dialect import query
from tests.operations_helpers import cli_env, ok, refused
from tests.polling import wait_until


class Writer(threading.Thread):
    """Inserts expenses one transaction at a time and records each id once its commit returned."""

    def __init__(self, owner, category) -> None:
        super().__init__(daemon=True)
        self.owner, self.category = owner, category
        self.committed: list[int] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with db.connection_context():
                n = 0
                while not self.stop.is_set():
                    n += 1
                    with db.atomic():
                        expense = Expense.create(
                            owner=self.owner,
                            category=self.category,
                            amount_cents=100 + n,
                            date=date(2026, 1, 1 + n % 28),
                            description=f'row {n}',
                        )
                    self.committed.append(expense.id)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc


def rows(database_url: str) -> dict[int, tuple]:
    found = query(database_url, 'SELECT id, owner_id, amount_cents, date, description FROM expense ORDER BY id')
    return {row[0]: row[1:] for row in found}


def test_server_control_backup_under_writes_and_forced_restore(tmp_path: Path, database) -> None:
    env = cli_env(tmp_path, BACKUP_INTERVAL_HOURS='24', BACKUP_KEEP='5')
    port = int(env['PORT'])
    owner = make_user('alice')
    category = Category.create(owner=owner, name='Food')
    db_file = env['DATABASE_URL']  # SQLite's file, or PostgreSQL (pg_dump and pg_restore then)

    assert 'stopped' in ok(env, 'server', 'status')
    started = ok(env, 'server', 'start', '--background')
    assert f'http://127.0.0.1:{port}' in started
    record = json.loads(pidfile_path(server_control_settings(env)).read_text())
    first_pid = record['pid']
    assert psutil.pid_exists(first_pid)

    # the status verbs describe it
    status = ok(env, 'server', 'status')
    assert 'running' in status and f'pid {first_pid}' in status and 'memory' in status and 'CPU' in status
    overview = ok(env, 'status')
    assert 'running' in overview and f':{port}' in overview and 'Users' in overview
    assert refused(env, 'server', 'start', '--background').startswith('error: The server is already running')

    # the automatic backup was made at start-up (BACKUP_INTERVAL_HOURS=24, none existed)
    folder = tmp_path / 'backups'
    wait_until(lambda: any(folder.glob('backup-*.tar.gz')), 15)
    auto = backups.read_manifest(next(folder.glob('backup-*.tar.gz')))
    assert auto.kind == 'auto'

    # requests are logged with the key masked
    secret_token = 'tok_' + 'z' * 30
    answer = httpx.get(f'http://127.0.0.1:{port}/sysapi/session?key={API_KEY}&token={secret_token}', timeout=10)
    assert answer.status_code == 200
    wait_until(lambda: '/sysapi/session' in ok(env, 'logs', 'show', '-n', '20'), 15)
    shown = ok(env, 'logs', 'show', '-n', '20')
    assert 'GET /sysapi/session?key=***&token=*** 200' in shown
    assert API_KEY not in shown and secret_token not in shown
    assert not any(API_KEY in p.read_text() for p in (tmp_path / 'data' / 'logs').iterdir())

    # a backup taken while a writer commits rows
    writer = Writer(owner, category)
    writer.start()
    wait_until(lambda: len(writer.committed) >= 50, 15)
    before = list(writer.committed)
    made = ok(env, 'backup', 'create', '-o', 'under-load')
    wait_until(lambda: len(writer.committed) >= len(before) + 20, 15)  # it kept writing after the backup
    writer.stop.set()
    writer.join(30)
    assert writer.error is None, writer.error
    assert 'under-load.tar.gz' in made
    live = rows(db_file)
    committed_before = {i: live[i] for i in before}
    assert len(live) > len(before)

    # restore refuses while the server runs, then --force stops, restores and restarts it
    assert 'The server is running' in refused(env, 'backup', 'restore', '--file', 'under-load')
    assert rows(db_file) == live
    restored_text = ok(env, 'backup', 'restore', '--file', 'under-load', '--force')
    assert 'Server started again' in restored_text and 'previous state is kept in' in restored_text
    restored = rows(db_file)
    for expense_id, values in committed_before.items():
        assert restored[expense_id] == values
    assert sorted(restored) == list(range(1, len(restored) + 1))  # a consistent prefix of the writes
    assert len(restored) < len(live)
    manifest = backups.read_manifest(folder / 'under-load.tar.gz')
    assert manifest.row_counts['expense'] == len(restored)
    safety = list(folder.glob('safety-*.tar.gz'))
    assert len(safety) == 1 and backups.read_manifest(safety[0]).row_counts['expense'] == len(live)

    second_pid = json.loads(pidfile_path(server_control_settings(env)).read_text())['pid']
    assert second_pid != first_pid and not psutil.pid_exists(first_pid)
    assert httpx.get(f'http://127.0.0.1:{port}/login', timeout=10).status_code == 200

    # restart, then stop
    restarted = ok(env, 'server', 'restart')
    assert f'stopped pid {second_pid}' in restarted
    third_pid = json.loads(pidfile_path(server_control_settings(env)).read_text())['pid']
    assert third_pid != second_pid
    assert f'Server (pid {third_pid}) stopped.' in ok(env, 'server', 'stop')
    assert not psutil.pid_exists(third_pid) or psutil.Process(third_pid).status() == psutil.STATUS_ZOMBIE
    assert not pidfile_path(server_control_settings(env)).exists()
    assert 'The server is not running.' in ok(env, 'server', 'stop')
    assert 'stopped' in ok(env, 'status')


def server_control_settings(env: dict[str, str]):
    from app.config import load

    return load(environ=env)


def test_stale_pidfile_is_detected_and_removed(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    settings = server_control_settings(env)
    pidfile = pidfile_path(settings)
    pidfile.parent.mkdir(parents=True, exist_ok=True)
    gone = subprocess.Popen([sys.executable, '-c', 'pass'])
    gone.wait()
    pidfile.write_text(json.dumps({'pid': gone.pid, 'host': '127.0.0.1', 'port': 1, 'create_time': 1.0}))
    out = ok(env, 'server', 'status')
    assert 'stale pidfile' in out and 'stopped' in out
    assert not pidfile.exists()
    # a live process that is not the one the pidfile recorded (the pid was reused) is not "the server"
    pidfile.write_text(json.dumps({'pid': psutil.Process().pid, 'create_time': 12345.0}))
    assert server_control.server_status(settings).running is False
    assert not pidfile.exists()
    # a bare pid (the format the updater writes) is understood: this pytest process is no server
    pidfile.write_text(str(psutil.Process().pid))
    assert server_control.server_status(settings).running is False
    assert not pidfile.exists()
    # stopping with a stale pidfile stops nothing and says so
    pidfile.write_text(json.dumps({'pid': gone.pid, 'create_time': 1.0}))
    assert 'not running' in ok(env, 'server', 'stop')
    assert not pidfile.exists()


def test_port_in_use_is_reported_clearly(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    import socket

    with socket.socket() as busy:
        busy.bind(('127.0.0.1', 0))
        busy.listen()
        port = busy.getsockname()[1]
        message = refused(env, 'server', 'start', '--background', '--port', str(port))
        assert f'Port {port} on 127.0.0.1 is already in use' in message
        assert '--port' in message
        message = refused(env, 'server', 'start', '--port', str(port))  # foreground checks before replacing itself
        assert 'already in use' in message
    assert not pidfile_path(server_control_settings(env)).exists()
    assert 'out of range' in refused(env, 'server', 'start', '--background', '--port', '70000')
