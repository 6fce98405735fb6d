"""Logs, the status verb, interactive mode, shell completion and CLI error handling."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

import pytest
from prompt_toolkit.document import Document

from app.config import load
from app.logs import RequestLogMiddleware, mask_secrets, read_records, setup_logging
from tests.conftest import API_KEY, make_user
from tests.operations_helpers import ROOT, cli, cli_env, ok, refused


@pytest.fixture
def root_logging():
    """setup_logging changes the process's root logger: put it back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.mark.parametrize(
    ('line', 'secret'),
    [
        ('GET /sysapi/expenses?month=2026-01&key=abcdef0123456789', 'abcdef0123456789'),
        ('GET /x?api_key=s3cr3tvalue&x=1', 's3cr3tvalue'),
        ('POST /sysapi/login password=hunter2hunter2', 'hunter2hunter2'),
        ('Authorization: Bearer wis_abcdefghijklmnop', 'wis_abcdefghijklmnop'),
        ('{"password": "letmein123", "username": "bob"}', 'letmein123'),
        ('GET /y?access_token=tok123456&z=2', 'tok123456'),
    ],
)
def test_secrets_are_masked(line: str, secret: str) -> None:
    masked = mask_secrets(line)
    assert secret not in masked and '***' in masked


def test_log_rotation_masking_and_logs_show(tmp_path: Path, environment, root_logging) -> None:
    env = {**environment, 'LOG_MAX_BYTES': '10000', 'LOG_BACKUP_COUNT': '2', 'LOG_LEVEL': 'info'}
    settings = load(environ=env)
    setup_logging(settings, console=False)
    log = logging.getLogger('whatispend.test')
    for n in range(400):
        log.info('request %04d GET /sysapi/expenses?key=%s&month=2026-01', n, API_KEY)
        if n % 50 == 0:
            log.warning('warning number %d', n)
    try:
        raise ValueError('boom')
    except ValueError:
        log.exception('failure with a traceback')
    folder = tmp_path / 'data' / 'logs'
    names = sorted(p.name for p in folder.iterdir())
    assert names == ['whatispend.log', 'whatispend.log.1', 'whatispend.log.2']  # LOG_BACKUP_COUNT=2
    for path in folder.iterdir():
        assert path.stat().st_size <= 10_000
        text = path.read_text()
        assert API_KEY not in text and 'key=***' in text
    # the last records, across files, with the level filter; a traceback stays with its record
    last = read_records(settings, 3)
    assert 'request 0399' in last[1] and 'Traceback' in last[2] and 'ValueError: boom' in last[2]
    cli_environment = cli_env(tmp_path, LOG_MAX_BYTES='10000', LOG_BACKUP_COUNT='2')
    shown = ok(cli_environment, 'logs', 'show', '-n', '2', '--level', 'warning')
    assert 'warning number 350' in shown and 'failure with a traceback' in shown and 'request' not in shown
    assert len(ok(cli_environment, 'logs', 'show', '-n', '5').strip().splitlines()) >= 5
    assert 'unknown level' in refused(cli_environment, 'logs', 'show', '--level', 'loud')
    assert 'not a whole number' in refused(cli_environment, 'logs', 'show', '-n', 'many')


def test_logs_follow_prints_new_records(tmp_path: Path, environment) -> None:
    env = cli_env(tmp_path)
    folder = tmp_path / 'data' / 'logs'
    folder.mkdir(parents=True)
    (folder / 'whatispend.log').write_text('2026-01-01 10:00:00,000 INFO x: old record\n')
    follower = subprocess.Popen(
        [cli_python(), 'manage.py', 'logs', 'show', '-n', '1', '--follow', '--level', 'warning'],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        with (folder / 'whatispend.log').open('a') as handle:
            handle.write('2026-01-01 10:00:01,000 INFO x: quiet record\n')
            handle.write('2026-01-01 10:00:02,000 ERROR x: loud record\n')
        line = follower.stdout.readline()
        assert 'loud record' in line
    finally:
        follower.terminate()
        follower.wait(10)


def cli_python() -> str:
    import sys

    return sys.executable


async def test_request_log_middleware_masks_and_times() -> None:
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Collect()
    logger = logging.getLogger('whatispend.requests')
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.DEBUG)

    async def app(scope, receive, send):
        await send({'type': 'http.response.start', 'status': 418, 'headers': []})
        await send({'type': 'http.response.body', 'body': b''})

    async def send(message):
        pass

    try:
        middleware = RequestLogMiddleware(app)
        scope = {
            'type': 'http',
            'method': 'GET',
            'path': '/sysapi/stats',
            'query_string': f'key={API_KEY}&month=2026-01'.encode(),
            'client': ('10.0.0.7', 5000),
        }
        await middleware(scope, None, send)
        await middleware({'type': 'websocket', 'path': '/_nicegui_ws'}, None, send)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
    assert len(records) == 1
    assert records[0].startswith('GET /sysapi/stats?key=***&month=2026-01 418 ')
    assert records[0].endswith('10.0.0.7') and API_KEY not in records[0]


def test_status_reports_the_installation(tmp_path: Path, database) -> None:
    make_user('alice')
    config = tmp_path / 'config.env'
    config.write_text('RATE_LIMT=5\n')  # a typo
    config.chmod(0o644)
    env = cli_env(tmp_path)
    out = ok(env, 'status')
    assert 'What I Spend' in out and 'stopped' in out
    assert 'Users        1' in out and 'Expenses     0' in out and 'never' in out
    assert 'unknown variable RATE_LIMT' in out and 'chmod 600' in out
    assert 'automatic backups are off' in out
    assert '\033[' not in out  # no colour when not on a terminal


def test_user_create_never_shows_the_password(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    ok(env, 'db', 'migrate')
    done = cli(env, 'user', 'create', '--username', 'carol', stdin='a secret pass phrase\n')
    assert done.returncode == 0
    assert 'a secret pass phrase' not in done.stdout + done.stderr
    logs = ''.join(p.read_text() for p in (tmp_path / 'data' / 'logs').iterdir())
    assert 'a secret pass phrase' not in logs


def test_errors_go_to_stderr_with_exit_code_1(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    message = refused(env, 'backup', 'restore', '--file', 'nothing-here')
    assert 'backup list' in message
    bad = cli({**env, 'PORT': 'eighty'}, 'status')
    assert bad.returncode == 1 and 'PORT' in bad.stderr and bad.stdout == ''


def test_help_lists_every_group(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    out = ok(env)  # no verb: the list of groups and commands
    for word in ('status', 'user', 'server', 'backup', 'logs', 'db', 'import', 'interactive'):
        assert word in out
    helped = cli(env, 'backup', 'restore', '--help')  # Fire prints --help on stderr
    assert helped.returncode == 0 and '--with-config' in helped.stderr + helped.stdout


def test_interactive_mode_runs_verbs_and_shortcuts(tmp_path: Path, database) -> None:
    make_user('alice')
    env = cli_env(tmp_path)
    done = cli(env, '-i', stdin='h\nu list\nsrv status\nbkp list\nbkp restore --file nope\nserver\nq\nstatus\n')
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.count('expense-tracker> ') == 7  # stops at q: the last status never runs
    assert 'Shortcuts: u = user' in out and 'backup restore' in out
    assert 'alice' in out
    assert 'Server: stopped' in out
    assert 'No backups' in out
    assert 'No backup' in done.stderr  # a failing verb reports and the session goes on
    assert 'Users ' not in out
    long_form = cli(env, 'interactive', stdin='user list\nexit\n')
    assert 'alice' in long_form.stdout


def test_interactive_completion() -> None:
    import manage
    from app.cli.interactive import completer

    complete = completer(manage.Manage())

    def words(text: str) -> set[str]:
        return {c.text for c in complete.get_completions(Document(text), None)}

    assert {'backup', 'bkp'} <= words('b')
    assert words('backup re') == {'restore'}
    assert words('bkp restore --f') == {'--file', '--force'}
    assert {'start', 'stop', 'status'} <= words('srv st')
    assert 'list' in words('u l')
    assert 'interactive' not in words('i')


def test_completion_scripts_match_the_commands() -> None:
    from app.cli.completion import scripts

    for name, text in scripts().items():
        committed = (ROOT / 'completions' / name).read_text()
        assert committed == text, f'completions/{name} is out of date: run `python -m app.cli.completion`'
    bash = (ROOT / 'completions' / 'manage.bash').read_text()
    for word in ('backup', 'restore', '--with-config', 'legacy', '--dry-run', 'logs', '--follow'):
        assert word in bash
    assert subprocess.run(['bash', '-n', str(ROOT / 'completions' / 'manage.bash')]).returncode == 0
    probe = (
        f'source {ROOT / "completions" / "manage.bash"}; COMP_WORDS=(manage.py server st);'
        ' COMP_CWORD=2; _whatispend_manage; echo "${COMPREPLY[@]}"'
    )
    answer = subprocess.run(['bash', '-c', probe], capture_output=True, text=True).stdout.split()
    assert sorted(answer) == ['start', 'status', 'stop']
    for shell in ('zsh', 'fish'):
        if shutil.which(shell):
            flag = ['-n'] if shell == 'zsh' else ['--no-execute']
            script = ROOT / 'completions' / f'manage.{shell}'
            assert subprocess.run([shell, *flag, str(script)]).returncode == 0


def test_two_processes_share_the_rotating_log(tmp_path: Path, environment, root_logging) -> None:
    """The CLI rotates the file while the server writes: the server follows to the new file."""
    settings = load(environ={**environment, 'LOG_MAX_BYTES': '10000', 'LOG_BACKUP_COUNT': '3', 'LOG_LEVEL': 'info'})
    setup_logging(settings, console=False)
    log = logging.getLogger('whatispend.test')
    log.info('before the other process rotates')
    current = tmp_path / 'data' / 'logs' / 'whatispend.log'
    current.rename(current.with_name('whatispend.log.1'))  # what another process's rollover does
    log.info('after the other process rotated')
    assert 'after the other process rotated' in current.read_text()
    assert 'after' not in current.with_name('whatispend.log.1').read_text()
