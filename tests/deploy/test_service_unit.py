"""./install.sh --service in a copy of the repository: the systemd unit it writes, what it asks systemctl,
and (where systemd's tools are installed) `systemd-analyze verify` accepting the unit as written.

The update's restart under this unit (status 3, then a new process confirms) is run for real by
tests/test_update_process.py::test_service_manager_mode_exits_and_the_next_start_confirms; here we check
that the unit asks for that mode and restarts on that status."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SYSTEMCTL = """#!/usr/bin/env bash
echo "$*" >>"$SYSTEMCTL_LOG"
"""


def copy_of_the_repository(target: Path) -> Path:
    """The files git knows (tracked and new), the suite's virtualenv linked: install stamps make pip a no-op."""
    listed = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard'], cwd=ROOT, capture_output=True, text=True)
    for name in listed.stdout.splitlines():
        source = ROOT / name
        if source.is_file() and not name.startswith('tests/'):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / '.venv').symlink_to(Path(sys.prefix))
    return target


def unit_values(text: str) -> dict[str, list[str]]:
    """`Section.Key` -> every value given (Environment= may repeat), as systemd reads them."""
    values: dict[str, list[str]] = {}
    section = ''
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(('#', ';')):
            continue
        if line.startswith('['):
            section = line.strip('[]')
            continue
        key, _, value = line.partition('=')
        values.setdefault(f'{section}.{key}', []).append(value)
    return values


@pytest.fixture
def installation(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    copy = copy_of_the_repository(tmp_path / 'whatispend')
    (tmp_path / 'units').mkdir()
    stub = tmp_path / 'systemctl'
    stub.write_text(SYSTEMCTL)
    stub.chmod(0o755)
    env = {
        'PATH': os.environ['PATH'],
        'HOME': str(tmp_path),
        'WIS_SYSTEMD_DIR': str(tmp_path / 'units'),
        'WIS_SYSTEMCTL': str(stub),
        'SYSTEMCTL_LOG': str(tmp_path / 'systemctl.log'),
    }
    return copy, env


def test_install_service_writes_enables_and_starts_the_unit(installation: tuple[Path, dict[str, str]]) -> None:
    copy, env = installation
    run = subprocess.run(['./install.sh', '--service'], cwd=copy, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    unit = Path(env['WIS_SYSTEMD_DIR']) / 'whatispend.service'
    assert oct(unit.stat().st_mode & 0o777) == '0o644'
    values = unit_values(unit.read_text())
    owner = copy.owner()
    assert values['Service.User'] == [owner]
    assert values['Service.WorkingDirectory'] == [str(copy)]
    assert values['Service.ExecStart'] == [f'{copy}/.venv/bin/python {copy}/main.py']
    assert values['Service.Restart'] == ['on-failure']
    # the in-app update ends the server with status 3: a clean exit that systemd restarts
    environment = values['Service.Environment']
    assert 'UPDATE_RESTART=exit' in environment
    assert values['Service.RestartForceExitStatus'] == ['3'] and values['Service.SuccessExitStatus'] == ['3']
    # logs: the console (stderr) to the journal, unbuffered; the file handler keeps data/logs
    assert 'WIS_LOG_CONSOLE=true' in environment and 'PYTHONUNBUFFERED=1' in environment
    assert not any(key.startswith('Service.Standard') for key in values)
    assert values['Service.SyslogIdentifier'] == ['whatispend']
    # the updates write into the code folder, which the hardening leaves writable
    assert values['Service.ReadWritePaths'] == [str(copy)]
    assert values['Install.WantedBy'] == ['multi-user.target']
    assert Path(env['SYSTEMCTL_LOG']).read_text().splitlines() == [
        'daemon-reload',
        'enable whatispend.service',
        'restart whatispend.service',
    ]
    # the set-up ran too: the server the unit starts has its configuration and database
    assert (copy / 'config.env').exists() and (copy / 'data' / 'whatispend.db').exists()
    assert 'journalctl -u whatispend' in run.stdout

    if shutil.which('systemd-analyze'):
        verify = subprocess.run(['systemd-analyze', 'verify', str(unit)], capture_output=True, text=True, timeout=60)
        assert verify.returncode == 0 and verify.stderr.strip() == '', verify.stderr

    # run again under another name: a second unit, the first one untouched
    before = unit.read_text()
    again = subprocess.run(
        ['./install.sh', '--service', '--name', 'spend-2'],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert unit.read_text() == before
    assert unit_values((unit.parent / 'spend-2.service').read_text())['Service.SyslogIdentifier'] == ['spend-2']


def test_install_service_refuses_what_it_cannot_do(installation: tuple[Path, dict[str, str]]) -> None:
    copy, env = installation
    unknown = subprocess.run(
        ['./install.sh', '--service', '--user', 'no-such-user-here'], cwd=copy, env=env, capture_output=True, text=True
    )
    assert unknown.returncode == 1 and 'no user named no-such-user-here' in unknown.stderr
    bad_name = subprocess.run(
        ['./install.sh', '--service', '--name', 'a b;rm'], cwd=copy, env=env, capture_output=True, text=True
    )
    assert bad_name.returncode == 1 and '--name' in bad_name.stderr
    nowhere = subprocess.run(
        ['./install.sh', '--service'],
        cwd=copy,
        env={**env, 'WIS_SYSTEMD_DIR': str(copy / 'no-such-folder')},
        capture_output=True,
        text=True,
    )
    assert nowhere.returncode == 1 and 'run it as root' in nowhere.stderr
    if os.getuid() == 0:  # root installing for a user that does not own the folder: refused, nothing written
        other = subprocess.run(
            ['./install.sh', '--service', '--user', 'nobody'], cwd=copy, env=env, capture_output=True, text=True
        )
        assert other.returncode == 1 and 'nobody must own' in other.stderr
    assert list(Path(env['WIS_SYSTEMD_DIR']).iterdir()) == []
    assert not (copy / 'config.env').exists()  # refused before any set-up
