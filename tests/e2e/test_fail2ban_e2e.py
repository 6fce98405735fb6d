"""The fail2ban filter of docs/fail2ban, as written, against the log of a real server behind a trusted
proxy: fail2ban-regex (Debian's fail2ban) must find the client address of every failed and throttled
login, whatever the username, and nothing else. Without fail2ban-regex (and outside CI) the filter's
regex is applied the way fail2ban does it: the date cut off, <HOST> an address."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import in_ci
from tests.e2e.harness import ROOT, make_server

FILTER = ROOT / 'docs' / 'fail2ban' / 'whatispend.conf'
JAIL = ROOT / 'docs' / 'fail2ban' / 'whatispend.local'
PASSWORD = 'long enough pw'
FORGED = "x' from 192.0.2.1 for user 'y"


def hosts_found_by_python(log: Path) -> list[str]:
    """What fail2ban does with the filter: cut the date (datepattern) off each line, then match failregex."""
    parser = configparser.RawConfigParser()
    parser.read(FILTER)
    failregex = parser.get('Definition', 'failregex')
    regex = re.compile(failregex.replace('<HOST>', r'(?P<host>[0-9a-fA-F.:]+)'))
    date = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+')
    found = []
    for line in log.read_text().splitlines():
        if not date.match(line):
            continue
        match = regex.search(date.sub('', line, count=1))
        if match:
            found.append(match.group('host'))
    return found


def hosts_found_by_fail2ban(log: Path) -> list[str]:
    run = subprocess.run(
        ['fail2ban-regex', '-o', 'ip', str(log), str(FILTER)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout.split()


def test_the_fail2ban_filter_finds_the_real_failed_logins(tmp_path: Path) -> None:
    if shutil.which('fail2ban-regex') is None and in_ci():
        pytest.fail('fail2ban-regex is missing: .ci/run installs the Debian package fail2ban')
    server = make_server(tmp_path / 'server', FORWARDED_ALLOW_IPS='127.0.0.1', LOGIN_MAX_FAILURES='3').start()
    try:
        create = subprocess.run(
            [sys.executable, 'manage.py', 'user', 'create', '--username', 'alice', '--password', PASSWORD],
            cwd=ROOT,
            env=server.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert create.returncode == 0, create.stdout + create.stderr

        def login(username: str, password: str, address: str) -> str:
            answer = httpx.post(
                server.url + '/auth/login',
                data={'username': username, 'password': password, 'next': '/'},
                headers={'X-Forwarded-For': address},
                timeout=60,
            )
            assert answer.status_code == 303
            return answer.headers['location']

        assert 'error=' not in login('alice', PASSWORD, '198.51.100.7')  # a success is no failure
        for _ in range(4):  # three failures, then the throttle
            assert 'error=' in login('alice', 'wrong password', '203.0.113.9')
        assert 'error=' in login(FORGED, 'wrong password', '203.0.113.10')
    finally:
        server.stop()
    log = tmp_path / 'server' / 'data' / 'logs' / 'whatispend.log'
    text = log.read_text()
    assert 'login throttled from 203.0.113.9' in text and 'from 198.51.100.7' in text  # the lines are real
    expected = ['203.0.113.9'] * 4 + ['203.0.113.10']
    assert hosts_found_by_python(log) == expected
    if shutil.which('fail2ban-regex'):
        assert hosts_found_by_fail2ban(log) == expected


def test_the_jail_reads_the_log_the_app_writes() -> None:
    jail = configparser.RawConfigParser()
    jail.read(JAIL)
    assert jail.get('whatispend', 'filter') == FILTER.stem
    assert jail.get('whatispend', 'logpath').endswith('/data/logs/whatispend.log')
