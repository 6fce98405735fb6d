"""No cron: the real server creates what came due while it was down as soon as it starts, and
`manage.py recurring run|list` does the same from the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.config import get_settings
from app.db import close_database, open_database
from app.migrations import run_migrations
from app.models import Expense, RecurringOccurrence, RecurringRule, User
from app.services import recurring
from tests.builders import basics, make_user
from tests.e2e.harness import make_server
from tests.polling import wait_until

ROOT = Path(__file__).resolve().parents[1]


def _downtime(url: str) -> tuple[int, int]:
    """alice's daily rule started 5 days ago whose occurrences were never made (the server was down)."""
    open_database(url)
    run_migrations()
    alice = make_user('alice')
    User.update(timezone='UTC').where(User.id == alice.id).execute()
    alice.timezone = 'UTC'
    things = basics(alice)
    start = datetime.now(UTC).date() - timedelta(days=5)
    data = {'amount': '3.20', 'category_id': things['food'].id, 'payment_method_id': things['card'].id}
    rule = recurring.create_rule(alice, {**data, 'unit': 'day', 'start': start.isoformat(), 'description': 'bread'})
    expense_ids = [o.expense_id for o in RecurringOccurrence.select()]
    RecurringOccurrence.delete().execute()
    Expense.delete().where(Expense.id.in_(expense_ids)).execute()
    RecurringRule.update(done_through=None).where(RecurringRule.id == rule.id).execute()
    close_database()
    return alice.id, rule.id


def _occurrences(url: str) -> int:
    open_database(url)
    try:
        return RecurringOccurrence.select().count()
    finally:
        close_database()


def test_the_server_catches_up_at_start_up(tmp_path: Path) -> None:
    server = make_server(tmp_path / 'server')
    url = server.env['DATABASE_URL']
    _downtime(url)
    assert _occurrences(url) == 0
    server.start()
    try:
        # 5 days ago up to today: six, each once (start-up ran before the server accepted connections)
        assert wait_until(lambda: _occurrences(url) == 6 or None)
    finally:
        server.stop()
    assert _occurrences(url) == 6


def test_manage_py_recurring_run_and_list(tmp_path: Path, environment: dict[str, str]) -> None:
    url = get_settings().database_url
    _downtime(url)
    env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'HOME': str(tmp_path), **environment, 'LANG': 'C'}

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, 'manage.py', *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )

    first = manage('recurring', 'run')
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == '6 expenses created.'
    again = manage('recurring', 'run')
    assert again.stdout.strip() == '0 expenses created.'
    listing = manage('recurring', 'list', '--username', 'alice')
    assert listing.returncode == 0, listing.stderr
    assert 'bread' in listing.stdout and 'every day' in listing.stdout
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    assert tomorrow in listing.stdout
    unknown = manage('recurring', 'list', '--username', 'nobody')
    assert unknown.returncode == 1 and 'nobody' in unknown.stderr
    assert _occurrences(url) == 6
