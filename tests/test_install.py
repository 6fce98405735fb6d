"""install.sh in a copy of the repository: config.env written once with mode 600, never overwritten."""

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_install_setup_is_idempotent(tmp_path: Path) -> None:
    copy = tmp_path / 'whatispend'
    files = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard'], cwd=ROOT, capture_output=True, text=True)
    for name in files.stdout.splitlines():
        source = ROOT / name
        if source.is_file() and not name.startswith(('tests/', 'docs/')):
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    venv = Path(sys.prefix)
    (copy / '.venv').symlink_to(venv)  # the suite's own venv: its install stamps make pip a no-op
    env = {'PATH': os.environ['PATH'], 'HOME': str(tmp_path)}

    first = subprocess.run(['./install.sh', 'setup'], cwd=copy, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    config = copy / 'config.env'
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    text = config.read_text()
    for name in (
        'API_KEY=',
        'API_KEY_SALT=',
        'HOST=0.0.0.0',
        'PORT=3000',
        'SESSION_DURATION=24',
        'RATE_LIMIT=50',
        'GEOIP_ENABLED=false',
        'GEOIP_LICENSE_KEY=',
        'DATABASE_URL=sqlite:///data/whatispend.db',
        'STORAGE_SECRET=',
    ):
        assert f'\n{name}' in text, name
    assert (copy / 'data' / 'whatispend.db').exists()
    assert (copy / 'app/locale/fr/LC_MESSAGES/messages.mo').exists()  # git-ignored: built by setup

    config.write_text(text + '\n# my own note\n')
    second = subprocess.run(['./install.sh', 'setup'], cwd=copy, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stdout + second.stderr
    assert 'Keeping the existing config.env' in second.stdout
    assert config.read_text() == text + '\n# my own note\n'

    # a v2.4 config.env (no STORAGE_SECRET): kept byte for byte, the secret added once, mode 600
    from tests.test_config import V24_CONFIG

    config.write_bytes(V24_CONFIG.replace(b'PORT=3000', b'PORT=3000\r\nDATABASE_URL=sqlite:///data/whatispend.db'))
    config.chmod(0o644)
    (copy / 'data' / 'whatispend.db').chmod(0o644)
    before = config.read_bytes()
    for attempt in range(2):
        run = subprocess.run(['./install.sh', 'setup'], cwd=copy, env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stdout + run.stderr
        assert run.stderr.count('Added STORAGE_SECRET to config.env') == (1 - attempt), run.stderr
        assert config.read_bytes().startswith(before + b'\n') and config.read_bytes().count(b'STORAGE_SECRET=') == 1
        assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert stat.S_IMODE((copy / 'data').stat().st_mode) == 0o700
    assert stat.S_IMODE((copy / 'data' / 'whatispend.db').stat().st_mode) == 0o600  # fixed by db migrate

    help_text = subprocess.run(['./install.sh', '--help'], cwd=copy, env=env, capture_output=True, text=True)
    assert './install.sh test' in help_text.stdout and help_text.returncode == 0


FAKE_PYTHON = """#!/usr/bin/env bash
# stands in for .venv/bin/python: logs what it was asked to run, fails where the test says
echo "$*" >>"$FAKE_LOG"
case "$*" in
  '-m mypy'*) exit "${FAKE_MYPY_STATUS:-0}" ;;
  '-m pytest'*) exit "${FAKE_PYTEST_STATUS:-0}" ;;
esac
exit 0
"""


def _fake_install(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """install.sh with a stand-in venv whose install stamps are current, so `test` reaches its checks
    at once and the order and exit status of mypy and pytest can be read from a log."""
    copy = tmp_path / 'repo'
    copy.mkdir()
    for name in ('install.sh', 'requirements.txt', 'requirements-dev.txt'):
        shutil.copy2(ROOT / name, copy / name)
    (copy / 'config.env').write_text('PORT=3000\n')
    bin_dir = copy / '.venv' / 'bin'
    bin_dir.mkdir(parents=True)
    (bin_dir / 'python').write_text(FAKE_PYTHON)
    (bin_dir / 'python').chmod(0o755)
    for name in ('requirements.txt', 'requirements-dev.txt'):
        both = (copy / name).read_bytes() + (copy / 'requirements.txt').read_bytes()
        (copy / '.venv' / f'.installed-{name}').write_text(hashlib.sha256(both).hexdigest() + '\n')
    tools = tmp_path / 'tools'  # chromium present, so the test branch never reaches for apt-get
    tools.mkdir()
    for name in ('chromium', 'chromedriver'):
        (tools / name).write_text('#!/bin/sh\nexit 0\n')
        (tools / name).chmod(0o755)
    env = {'PATH': f'{tools}:{os.environ["PATH"]}', 'HOME': str(tmp_path), 'FAKE_LOG': str(tmp_path / 'log')}
    return copy, env


def test_install_test_type_checks_before_the_suite_and_exits_with_the_suite_status(tmp_path: Path) -> None:
    copy, env = _fake_install(tmp_path)
    run = subprocess.run(
        ['./install.sh', 'test', '-k', 'money'],
        cwd=copy,
        env={**env, 'FAKE_PYTEST_STATUS': '3'},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 3, run.stdout + run.stderr
    calls = (tmp_path / 'log').read_text().splitlines()
    assert calls[-2:] == ['-m mypy', '-m pytest -k money'], calls


def test_install_test_stops_with_mypy_status_when_types_are_wrong(tmp_path: Path) -> None:
    copy, env = _fake_install(tmp_path)
    run = subprocess.run(
        ['./install.sh', 'test'],
        cwd=copy,
        env={**env, 'FAKE_MYPY_STATUS': '1'},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert 'mypy found errors; the test suite was not run' in run.stderr
    calls = (tmp_path / 'log').read_text().splitlines()
    assert calls[-1] == '-m mypy' and not any(call.startswith('-m pytest') for call in calls), calls


def test_install_test_runs_the_in_process_tests_then_the_browser_tests(tmp_path: Path) -> None:
    copy, env = _fake_install(tmp_path)
    run = subprocess.run(
        ['./install.sh', 'test'],
        cwd=copy,
        env={**env, 'FAKE_PYTEST_STATUS': '2'},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2, run.stdout + run.stderr  # a failing first run is not hidden by the second
    calls = (tmp_path / 'log').read_text().splitlines()
    assert calls[-3:] == ['-m mypy', '-m pytest --ignore=tests/e2e', '-m pytest tests/e2e'], calls
