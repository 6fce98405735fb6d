"""`manage.py user ...` driven as a real subprocess against a test installation."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import get_settings
from app.db import close_database, open_database
from app.migrations import run_migrations
from app.models import Category, Expense, PaymentMethod, UserLink
from app.services import access, users
from tests.conftest import PASSWORD
from tests.conftest import test_environment as environment_of
from tests.sharing_data import household, spend, totals

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def manage(tmp_path: Path, database: None):
    env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'HOME': str(tmp_path), **environment_of(tmp_path)}

    def run(*args: str, stdin: str = '') -> subprocess.CompletedProcess:
        close_database()  # the subprocess writes; this process reopens afterwards to check
        result = subprocess.run(
            [sys.executable, 'manage.py', *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True
        )
        open_database(get_settings().database_url)
        run_migrations()
        return result

    return run


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def refused(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, result.stdout
    assert result.stderr.startswith('error: ')
    return result.stderr


def test_create_list_passwd_and_admin(manage) -> None:
    out = ok(manage('user', 'create', '--username', 'root', '--password', PASSWORD))
    assert "Created administrator 'root'" in out and 'starting' in out
    out = ok(manage('user', 'create', '--username', 'alice', '--nopresets', stdin=PASSWORD + '\n'))
    assert "Created user 'alice'" in out and 'starting' not in out
    assert users.owned_counts(users.get_user_by_username('alice')) == (0, 0, 0)
    assert 'taken' in refused(manage('user', 'create', '--username', 'ALICE', '--password', PASSWORD))

    out = ok(manage('user', 'passwd', '--username', 'alice', stdin='alice new password\n'))
    assert 'Password of alice changed; 0 sessions logged out, 0 personal API tokens revoked.' in out
    assert users.authenticate('alice', 'alice new password') is not None
    assert '8 characters' in refused(manage('user', 'passwd', '--username', 'alice', stdin='short\n'))
    assert 'No user named' in refused(manage('user', 'passwd', '--username', 'ghost', stdin='whatever long\n'))
    assert 'no password given' in refused(manage('user', 'passwd', '--username', 'alice'))

    assert 'only administrator' in refused(manage('user', 'admin', '--username', 'root', '--revoke'))
    assert 'now an administrator' in ok(manage('user', 'admin', '--username', 'alice'))
    assert 'no longer an administrator' in ok(manage('user', 'admin', '--username', 'root', '--revoke'))
    listing = ok(manage('user', 'list'))
    assert 'alice' in listing and 'linked with' in listing


def test_link_unlink_keep_every_total(manage) -> None:
    alice, bob = users.create_user('alice', PASSWORD), users.create_user('bob', PASSWORD)
    b = household(bob)
    spend(alice, 1234, b['food'], subcategory=b['groceries'], method=b['card'])
    spend(bob, 500, b['food'])
    before = {u.username: totals(u) for u in (alice, bob)}

    assert 'Linked alice and bob' in ok(manage('user', 'link', '--user1', 'alice', '--user2', 'bob'))
    assert access.visible_owner_ids(alice) == [alice.id, bob.id]
    assert 'bob' in ok(manage('user', 'list')).splitlines()[2]  # alice's row shows the link
    assert 'already linked' in ok(manage('user', 'link', '--user1', 'bob', '--user2', 'alice'))
    assert 'No user named' in refused(manage('user', 'link', '--user1', 'alice', '--user2', 'ghost'))
    assert 'same account' in refused(manage('user', 'link', '--user1', 'alice', '--user2', 'Alice'))

    out = ok(manage('user', 'unlink', '--user1', 'bob', '--user2', 'alice'))
    assert 'Unlinked bob and alice. 1 expense used' in out
    assert 'copied 2 categories and 1 payment method' in out
    assert {u.username: totals(u) for u in (alice, bob)} == before
    assert UserLink.select().count() == 0
    assert 'not linked' in refused(manage('user', 'unlink', '--user1', 'bob', '--user2', 'alice'))


def test_delete_without_and_with_data(manage) -> None:
    users.create_user('root', PASSWORD, is_admin=True)
    alice = users.create_user('alice', PASSWORD)
    a = household(alice)
    spend(alice, 700, a['food'], method=a['card'])
    spend(alice, 300, a['food'], subcategory=a['groceries'])

    assert 'only administrator' in refused(manage('user', 'delete', '--username', 'root'))
    out = ok(manage('user', 'delete', '--username', 'alice'))
    assert "Deleted user 'alice'" in out
    assert 'Kept its data: 2 expenses, 2 categories and 1 payment method.' in out
    assert users.find_user('alice') is None and Expense.select().count() == 2
    assert 'No user named' in refused(manage('user', 'delete', '--username', 'alice'))

    out = ok(manage('user', 'create', '--username', 'alice', '--password', 'brand new pw'))
    assert 'Restored its data: 2 expense(s), 2 categories, 1 payment method(s).' in out
    assert users.authenticate('alice', 'brand new pw').id == alice.id

    out = ok(manage('user', 'delete', '--username', 'alice', '--delete-data'))
    assert 'Deleted its data: 2 expenses, 2 categories and 1 payment method.' in out
    assert Expense.select().count() == 0
    assert Category.select().where(Category.owner == alice.id).count() == 0
    assert PaymentMethod.select().where(PaymentMethod.owner == alice.id).count() == 0
