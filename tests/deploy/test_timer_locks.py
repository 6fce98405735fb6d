"""The timers run in one process at a time: a second process asking for the same timer is refused while
the first lives, and takes over once it is gone. On SQLite (a lock file beside the database) and on a
real PostgreSQL (an advisory lock)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import load, use_settings
from app.services import timer_locks
from tests.deploy.services import postgres_cluster
from tests.e2e.harness import ROOT
from tests.polling import wait_until

HOLDER = """
import sys
from app.config import load, use_settings
from app.services import timer_locks
use_settings(load())
print('held' if timer_locks.runs_here(sys.argv[1]) else 'refused', flush=True)
sys.stdin.read()  # keeps the lock until the test closes our stdin or kills us
"""


def other_process(database_url: str, name: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, '-c', HOLDER, name],
        cwd=ROOT,
        env={**os.environ, 'DATABASE_URL': database_url},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def use_database(url: str) -> None:
    use_settings(load(environ={**os.environ, 'DATABASE_URL': url}))


def one_timer_at_a_time(database_url: str) -> None:
    use_database(database_url)
    try:
        holder, said = other_process(database_url, 'backups')
        assert said == 'held'
        assert timer_locks.runs_here('backups') is False  # the other process runs it
        assert timer_locks.runs_here('alerts') is True  # each timer its own lock
        assert timer_locks.run_if_here('backups', lambda: 'made') is None
        holder.kill()  # dies without a word: the lock goes with it
        holder.wait(10)
        # PostgreSQL frees an advisory lock when the dead client's backend notices the closed socket and
        # ends, a moment after the process is gone (on a loaded machine, not by the next statement)
        wait_until(lambda: timer_locks.runs_here('backups'), failure="the dead holder's lock was not freed")
        assert timer_locks.runs_here('backups') is True  # kept, round after round
        second, said = other_process(database_url, 'backups')
        assert said == 'refused'
        second.kill()
        second.wait(10)
        timer_locks.release_all()
        third, said = other_process(database_url, 'backups')  # released at shutdown: taken at once
        assert said == 'held'
        third.kill()
        third.wait(10)
    finally:
        timer_locks.release_all()


def test_sqlite_timers_run_in_one_process(tmp_path: Path) -> None:
    one_timer_at_a_time(f'sqlite:///{tmp_path / "whatispend.db"}')
    assert sorted(p.name for p in tmp_path.glob('*.lock')) == [
        'whatispend.db.timer-alerts.lock',
        'whatispend.db.timer-backups.lock',
    ]


@pytest.mark.timeout(180)
def test_postgresql_timers_run_in_one_process() -> None:
    pytest.importorskip('psycopg')  # pinned in requirements.txt with PostgreSQL support
    with postgres_cluster() as url:
        one_timer_at_a_time(url)
