"""A real installation to update: a bare git repository as the remote, a maintainer's clone that makes
releases, and an install cloned from the remote that runs a real server in a subprocess.

The install shares this virtualenv (sys.executable); pip runs with UPDATE_PIP_ARGS=--no-index so the
tests never reach a package index: an unchanged requirements.txt is not reinstalled at all, and one
naming a package that does not exist fails at once.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.conftest import API_KEY, PASSWORD, test_environment
from tests.e2e.harness import free_port
from tests.polling import wait_until

ROOT = Path(__file__).resolve().parents[1]
GIT_ENV = {
    'GIT_AUTHOR_NAME': 'Release Bot',
    'GIT_AUTHOR_EMAIL': 'release@example.invalid',
    'GIT_COMMITTER_NAME': 'Release Bot',
    'GIT_COMMITTER_EMAIL': 'release@example.invalid',
    'GIT_CONFIG_NOSYSTEM': '1',
}
KEPT_TABLES = ('user', 'category', 'payment_method', 'expense')


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV, 'HOME': str(cwd)}
    done = subprocess.run(['git', *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f'git {args}: {done.stderr}'
    return done.stdout.strip()


def copy_working_tree(target: Path) -> None:
    """The code as it is in this checkout (committed or not), without runtime files."""
    listed = subprocess.run(
        ['git', 'ls-files', '--cached', '--others', '--exclude-standard', '-z'],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split('\0')
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def add_migration(root: Path, number: int, body: str) -> None:
    """Add a migration module to the release and list it last; `body` is its `apply()` (4-space indented)."""
    name = f'v{number:04d}_release_test'
    folder = root / 'app' / 'migrations'
    (folder / f'{name}.py').write_text(f'from app.db import db\n\n\ndef apply() -> None:\n{body}\n')
    registry = folder / '__init__.py'
    text = registry.read_text()
    anchor = 'LATEST_SCHEMA = '
    assert anchor in text
    listed = f'MIGRATIONS.append(Migration({number}, "release test", {name}.apply))'
    code = f'from app.migrations import {name}\n\n{listed}\n\n'
    registry.write_text(text.replace(anchor, code + anchor, 1))


@dataclass
class Installation:
    base: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    output: list[str] = field(default_factory=list)
    database_url: str = ''  # a PostgreSQL database (tests/postgres_server.py); empty: SQLite in the folder

    def __post_init__(self) -> None:
        self.remote = self.base / 'remote.git'
        self.work = self.base / 'maintainer'
        self.root = self.base / 'install'
        self.folder = self.base / 'instance'
        self.folder.mkdir(parents=True)
        self.work.mkdir()
        copy_working_tree(self.work)
        git(self.base, 'init', '--quiet', '--bare', '-b', 'main', str(self.remote))
        git(self.work, 'init', '--quiet', '-b', 'main')
        git(self.work, 'add', '-A')
        git(self.work, 'commit', '--quiet', '-m', 'release 3.0.0')
        git(self.work, 'remote', 'add', 'origin', str(self.remote))
        git(self.work, 'push', '--quiet', 'origin', 'main')
        git(self.base, 'clone', '--quiet', str(self.remote), str(self.root))
        self.env = {
            'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
            'HOME': str(self.folder),
            **test_environment(self.folder),
            'HOST': '127.0.0.1',
            'PORT': str(self.port),
            'LOG_LEVEL': 'info',
            'UPDATE_PIP_ARGS': '--no-index',
            'UPDATE_VERIFY_TIMEOUT': '90',
            **GIT_ENV,
        }
        if self.database_url:
            self.env['DATABASE_URL'] = self.database_url
        elif not self.env['DATABASE_URL'].startswith('sqlite:'):
            self.database_url = self.env['DATABASE_URL']  # the PostgreSQL run: the folder's own database

    @property
    def url(self) -> str:
        return f'http://127.0.0.1:{self.port}'

    @property
    def database(self) -> Path:
        return self.folder / 'whatispend.db'

    # --- releases ---------------------------------------------------------------------------------

    def release(self, version: str, change=None, note: str = 'Improvements.', *, tag: bool = True) -> str:
        """Commit a new version in the maintainer's clone, tag it vX.Y.Z and push it to the remote."""
        if change:
            change(self.work)
        (self.work / 'VERSION').write_text(version + '\n')
        changelog = self.work / 'CHANGELOG.md'
        text = changelog.read_text()
        first = text.index('\n## ')
        changelog.write_text(text[:first] + f'\n## {version} - 2026-12-01\n- {note}\n' + text[first:])
        git(self.work, 'add', '-A')
        git(self.work, 'commit', '--quiet', '-m', f'release {version}')
        if tag:
            git(self.work, 'tag', f'v{version}')
        git(self.work, 'push', '--quiet', '--tags', 'origin', 'main')
        return git(self.work, 'rev-parse', 'HEAD')

    # --- data ------------------------------------------------------------------------------------

    def seed(self) -> None:
        """An admin, a member and 40 expenses, written with the models of this checkout."""
        from datetime import date

        from app.db import close_database, open_database
        from app.migrations import run_migrations
        from app.models import Category, Expense, PaymentMethod
        from app.services import users

        open_database(self.database_url or f'sqlite:///{self.database}')
        run_migrations()
        try:
            admin = users.create_user('admin', PASSWORD, is_admin=True)
            users.create_user('bob', PASSWORD)
            food = Category.create(owner=admin, name='Food', color='#ff0000', icon='restaurant')
            card = PaymentMethod.create(owner=admin, name='Card', icon='credit_card')
            for n in range(40):
                Expense.create(
                    owner=admin,
                    amount_cents=100 + n,
                    date=date(2026, 1 + n % 12, 1 + n % 28),
                    category=food,
                    payment_method=card,
                    description=f'expense {n}',
                )
        finally:
            close_database()

    def _query(self, sql: str) -> list[tuple]:
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url) as connection:
                return connection.execute(sql).fetchall()
        connection = sqlite3.connect(f'file:{self.database}?mode=ro', uri=True)
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()

    def rows(self) -> dict[str, list[tuple]]:
        return {t: self._query(f'SELECT * FROM "{t}" ORDER BY id') for t in KEPT_TABLES}

    def tables(self) -> set[str]:
        if self.database_url:
            return {
                row[0] for row in self._query('SELECT tablename FROM pg_tables WHERE schemaname = current_schema()')
            }
        return {row[0] for row in self._query("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def status_file(self) -> dict:
        return json.loads((self.folder / 'data' / 'update-status.json').read_text())

    def head(self) -> str:
        return git(self.root, 'rev-parse', 'HEAD')

    # --- the server ------------------------------------------------------------------------------

    def start(self, timeout: float = 90) -> Installation:
        self.process = subprocess.Popen(
            [sys.executable, 'main.py'],
            cwd=self.root,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,
        )

        def pump() -> None:
            assert self.process and self.process.stdout
            for line in self.process.stdout:
                self.output.append(line)

        threading.Thread(target=pump, daemon=True).start()
        self.wait_for_version(None, timeout)
        return self

    def health(self) -> dict | None:
        try:
            response = httpx.get(self.url + '/sysapi/health', timeout=5)
            return response.json() if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            return None

    def _still_running(self, lines: int) -> None:
        """A server that exited will not answer: fail at once (RuntimeError: polling stops) with its output."""
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f'the server exited ({self.process.returncode}):\n' + ''.join(self.output[-lines:]))

    def wait_for_version(self, version: str | None, timeout: float = 120) -> dict:
        def answered() -> dict | None:
            self._still_running(60)
            answer = self.health()
            return answer if answer and (version is None or answer['version'] == version) else None

        return wait_until(
            answered, timeout, every=0.2, failure=lambda: f'no answer as {version}:\n' + ''.join(self.output[-60:])
        )

    def wait_for_status(self, client: httpx.Client, done, timeout: float = 180) -> dict:
        """Poll /sysapi/update/status (through the restart) until `done(status)` holds."""
        last: dict = {}

        def reached() -> dict | None:
            nonlocal last
            self._still_running(80)
            try:
                response = client.get(f'/sysapi/update/status?key={API_KEY}', timeout=5)
            except httpx.HTTPError:
                return None
            if response.status_code != 200:
                return None
            last = response.json()
            return last if done(last) else None

        return wait_until(
            reached,
            timeout,
            every=0.25,
            failure=lambda: f'status never reached the expected state; last: {last}\n' + ''.join(self.output[-80:]),
        )

    def client(self, username: str = 'admin') -> httpx.Client:
        client = httpx.Client(base_url=self.url, timeout=30)
        response = client.post(f'/sysapi/login?key={API_KEY}', data={'username': username, 'password': PASSWORD})
        assert response.status_code == 200, response.text
        return client

    def kill(self) -> None:
        """SIGKILL the server's whole process group, as a power cut would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        try:  # a migration or verification server left blocked by a test
            child = self.status_file().get('plan', {}).get('child_pid')
            if child:
                os.killpg(child, signal.SIGKILL)
        except (OSError, ValueError, KeyError):
            pass


@contextmanager
def seeded_installation(base: Path) -> Iterator[Installation]:
    """An installation in `base` with its data seeded (`Installation.seed`), stopped when the block ends."""
    installation = Installation(base)
    installation.seed()
    yield installation
    installation.stop()


def finished(status: dict) -> bool:
    """For `wait_for_status`: the update ended, either way."""
    return status['state'] in ('succeeded', 'failed')
