"""manage.py as a person meets it: help without noise, unknown words answered, prompts for what is
missing, a second start refused first, Ctrl+C without a traceback, and errors of the day in `status`.

Everything runs as a real subprocess, as it would be typed; the prompts run in a pseudo-terminal.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import signal
import subprocess
import sys
import termios
from datetime import datetime, timedelta
from pathlib import Path

import psutil
import pytest

from app.config import load
from app.services import server_control, users
from app.services import status as status_service
from tests.conftest import make_user
from tests.operations_helpers import ROOT, cli, cli_env, ok, refused


def test_help_has_no_fire_info_line(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    for words in (['--help'], ['-h'], ['user', '--help'], ['user', 'create', '--help'], ['status', '-h']):
        done = cli(env, *words)
        output = done.stdout + done.stderr
        assert done.returncode == 0, output
        assert 'INFO' not in output and 'NAME' in output, words
    assert 'manage.py user create' in cli(env, 'user', 'create', '--help').stderr


@pytest.mark.parametrize(
    ('words', 'expected'),
    [
        (['frobnicate'], ["no command 'frobnicate'", 'backup, ', 'status', 'user', '`python manage.py --help`']),
        (['user', 'frob'], ["`user` has no verb 'frob'", 'admin, create, delete', '`python manage.py user --help`']),
        (['srv'], ["no command 'srv'"]),
    ],
)
def test_an_unknown_word_says_what_exists(tmp_path: Path, words: list[str], expected: list[str]) -> None:
    done = cli(cli_env(tmp_path), *words)
    assert done.returncode == 2
    assert done.stderr.startswith('error: ') and done.stdout == ''
    assert 'Traceback' not in done.stderr and 'Could not consume' not in done.stderr
    for text in expected:
        assert text in done.stderr


def test_interactive_help_is_whole_and_unknown_words_are_answered(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    done = cli(env, '-i', stdin='h\nh user\nfrob\nuser frob\nh srv\nq\n')
    assert done.returncode == 0, done.stderr
    out = ' '.join(done.stdout.split())  # the help is wrapped to the terminal: compare words, not lines
    # the whole first paragraph, not the docstring's first line cut mid-sentence
    assert 'comes back if the username is created again) unless --delete-data is given.' in out
    assert 'payment methods of the other.' in out
    # `h user`: every verb with its options and every paragraph of its description
    assert 'user create --admin --language --locale --password --presets --username' in out
    assert 'A new empty account gets the starting categories and payment methods, unless --nopresets is given.' in out
    assert 'server start --background --host --port' in out  # `h srv`: the shortcut works
    assert "no command 'frob'" in done.stderr and 'Type `h` to see' in done.stderr
    assert "`user` has no verb 'frob'" in done.stderr and 'Type `h user`' in done.stderr
    assert 'INFO' not in done.stdout + done.stderr and 'Traceback' not in done.stderr
    assert done.stdout.count('expense-tracker> ') == 6


def _fake_server(env: dict[str, str]) -> subprocess.Popen:
    """A live process recorded in the pidfile exactly as a running server records itself."""
    sleeper = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])
    settings = load(environ=env)
    path = server_control.pidfile_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {
        'pid': sleeper.pid,
        'host': '127.0.0.1',
        'port': int(env['PORT']),
        'create_time': psutil.Process(sleeper.pid).create_time(),
    }
    path.write_text(json.dumps(record))
    return sleeper


def test_start_when_running_says_so_first(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    sleeper = _fake_server(env)
    try:
        for words in (['server', 'start'], ['server', 'start', '--background']):
            done = cli(env, *words)
            assert done.returncode == 1, done.stdout + done.stderr
            assert done.stdout == ''  # no "Starting the server..." before the refusal
            assert done.stderr.startswith(f'error: The server is already running (pid {sleeper.pid})')
            assert 'manage.py server stop' in done.stderr and 'server restart' in done.stderr
        assert psutil.Process(sleeper.pid).is_running()  # nothing was done to it
    finally:
        sleeper.kill()
        sleeper.wait(10)


@pytest.mark.parametrize('command', [['manage.py', 'server', 'start'], ['main.py']], ids=['manage', 'main'])
def test_ctrl_c_stops_a_foreground_server_cleanly(tmp_path: Path, command: list[str]) -> None:
    env = cli_env(tmp_path)
    process = subprocess.Popen(
        [sys.executable, *command], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:  # bounded by the server starting or dying
            lines.append(line)
            if 'What I Spend started' in line:
                break
        assert process.poll() is None, ''.join(lines)
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    output = ''.join(lines) + rest
    assert process.returncode == 0, output
    assert 'Traceback' not in output and 'KeyboardInterrupt' not in output
    assert 'What I Spend stopped.' in output
    assert not server_control.pidfile_path(load(environ=env)).exists()  # it cleaned up after itself


class Terminal:
    """manage.py in a pseudo-terminal: getpass and input() behave as they do for a person."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.master, slave = os.openpty()

        def take_terminal() -> None:  # the child's controlling terminal, so that getpass opens /dev/tty
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen(
            [sys.executable, 'manage.py', *args],
            cwd=ROOT,
            env={**env, 'TERM': 'dumb'},
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            preexec_fn=take_terminal,  # noqa: PLW1509 - the child runs no threads before exec
        )
        os.close(slave)
        self.seen = ''
        self.read_up_to = 0  # expect() looks only after what the previous expect() matched

    def expect(self, text: str, timeout: float = 30) -> str:
        deadline = datetime.now() + timedelta(seconds=timeout)
        while text not in self.seen[self.read_up_to :]:
            left = (deadline - datetime.now()).total_seconds()
            assert left > 0, f'never saw {text!r}; the terminal shows:\n{self.seen}'
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096).decode(errors='replace')
                except OSError:  # the child closed the terminal
                    chunk = ''
                assert chunk, f'the program ended before {text!r}:\n{self.seen}'
                self.seen += chunk
        self.read_up_to = self.seen.index(text, self.read_up_to) + len(text)
        return self.seen

    def type(self, line: str) -> None:
        os.write(self.master, (line + '\n').encode())

    def finish(self) -> int:
        try:
            while select.select([self.master], [], [], 10)[0]:
                chunk = os.read(self.master, 4096)
                if not chunk:
                    break
                self.seen += chunk.decode(errors='replace')
        except OSError:
            pass
        code = self.process.wait(30)
        os.close(self.master)
        return code


def test_user_create_asks_for_what_is_missing(tmp_path: Path, database) -> None:
    env = cli_env(tmp_path)
    ok(env, 'db', 'migrate')
    terminal = Terminal(env, 'user', 'create')
    terminal.expect('Username: ')
    terminal.type('bad name!')
    terminal.expect('Try again')
    terminal.type('carol')
    terminal.expect('Password: ')
    terminal.type('short')
    terminal.expect('Password again: ')
    terminal.type('short')
    terminal.expect('at least 8 characters')
    terminal.expect('Password: ')
    terminal.type('a long pass phrase')
    terminal.expect('Password again: ')
    terminal.type('another pass phrase')
    terminal.expect('differ')
    terminal.expect('Password: ')
    terminal.type('a long pass phrase')
    terminal.expect('Password again: ')
    terminal.type('a long pass phrase')
    assert terminal.finish() == 0, terminal.seen
    assert "Created administrator 'carol'" in terminal.seen
    assert 'a long pass phrase' not in terminal.seen and 'short' not in terminal.seen.replace('Password', '')
    assert users.authenticate('carol', 'a long pass phrase') is not None


def test_user_create_in_a_script_names_what_is_missing(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    ok(env, 'db', 'migrate')
    assert 'pass --username NAME' in refused(env, 'user', 'create')


def _write_log(tmp_path: Path, now: datetime, lines: list[tuple[timedelta, str]]) -> None:
    folder = tmp_path / 'data' / 'logs'
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / 'whatispend.log').open('a') as handle:
        for ago, text in lines:
            handle.write((now - ago).strftime('%Y-%m-%d %H:%M:%S,000 ') + text + '\n')


def test_logged_errors_of_the_last_day(tmp_path: Path) -> None:
    now = datetime(2026, 3, 10, 9, 30)
    _write_log(
        tmp_path,
        now,
        [
            (timedelta(hours=30), 'ERROR app.old: yesterday morning'),
            (timedelta(hours=5), 'ERROR app.pages: the chart failed\nTraceback (most recent call last):\nValueError'),
            (timedelta(hours=2), 'WARNING app.x: only a warning'),
            (timedelta(hours=1), 'CRITICAL app.db: the disk is full'),
        ],
    )
    settings = load()
    errors = status_service.logged_errors(settings, now=now)
    assert (errors.count, errors.latest_at) == (2, datetime(2026, 3, 10, 8, 30))
    assert errors.latest == 'app.db: the disk is full'
    assert errors.sentence().startswith('2 error(s) logged in the last 24 hours; the latest, at 2026-03-10 08:30')
    assert status_service.logged_errors(settings, now=now + timedelta(days=2)).count == 0


def test_status_reports_the_errors_of_the_last_day(tmp_path: Path, database) -> None:
    make_user('alice')
    env = cli_env(tmp_path, BACKUP_INTERVAL_HOURS='24')
    (tmp_path / 'config.env').write_text('')
    (tmp_path / 'config.env').chmod(0o600)
    out = ok(env, 'status')
    assert 'Errors 24 h  0' in out and 'Problems     none' in out
    _write_log(
        tmp_path,
        datetime.now(),
        [
            (timedelta(hours=26), 'ERROR app.old: too old to count'),
            (timedelta(hours=3), 'ERROR app.api: first failure'),
            (timedelta(minutes=5), 'ERROR app.pages: the latest failure'),
        ],
    )
    out = ok(env, 'status')
    assert 'Errors 24 h  2' in out
    assert '2 error(s) logged in the last 24 hours' in out and 'app.pages: the latest failure' in out
    assert 'logs show --level error' in out and 'none' not in out


def test_interactive_user_create_asks_too(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    ok(env, 'db', 'migrate')
    terminal = Terminal(env, '-i')
    terminal.expect('expense-tracker> ')
    terminal.type('u create --admin')
    terminal.expect('Username: ')
    terminal.type('dora')
    terminal.expect('Password: ')
    terminal.type('a long pass phrase')
    terminal.expect('Password again: ')
    terminal.type('a long pass phrase')
    terminal.expect("Created administrator 'dora'")
    terminal.expect('expense-tracker> ')  # the prompt goes on
    terminal.type('q')
    assert terminal.finish() == 0, terminal.seen
    assert 'a long pass phrase' not in terminal.seen
