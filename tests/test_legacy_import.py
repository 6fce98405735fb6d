"""`manage.py import legacy`: a v2.4 data folder built here from the formats of the reference README."""

from __future__ import annotations

import functools
import json
from datetime import date
from pathlib import Path

from argon2 import PasswordHasher
from nicegui.testing import User as UserFixture

from app.db import db
from app.models import Category, Expense, LegacyRecord, PaymentMethod, User, UserLink
from tests.conftest import API_KEY, make_user
from tests.operations_helpers import cli_env, ok, refused

ADMIN_PASSWORD = 'old admin password'
JANE_PASSWORD = 'jane from v2.4'


@functools.cache
def v24_hash(password: str) -> str:
    return PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash(password)  # v2.4's parameters


def legacy_folder(tmp_path: Path) -> Path:
    """users.json etc. as v2.4 wrote them: objects keyed by username or id, float amounts."""
    folder = tmp_path / 'v24-data'
    folder.mkdir()
    users = {
        'admin': {
            'username': 'admin',
            'password_hash': v24_hash(ADMIN_PASSWORD),
            'created_at': '2025-12-01T10:00:00Z',
        },
        'jane': {'username': 'jane', 'password_hash': v24_hash(JANE_PASSWORD), 'created_at': '2026-02-01T09:00:00Z'},
    }
    categories = {
        '1': {'id': 1, 'name': 'Food', 'parent_id': None, 'color': '#f59e0b', 'icon': 'restaurant'},
        '2': {'id': 2, 'name': 'Groceries', 'parent_id': 1},
        '3': {'id': 3, 'name': 'Transport', 'parent_id': None, 'user': 'jane'},
    }
    payment_methods = {'1': {'id': 1, 'name': 'Card', 'icon': 'credit_card'}, '2': {'id': 2, 'name': 'Cash'}}
    expenses = {
        '1': {
            'id': 1,
            'user': 'admin',
            'amount': 45.50,
            'date': '2026-03-21',
            'category_id': 1,
            'payment_method_id': 1,
            'description': 'Groceries',
            'created_at': '2026-03-21T10:30:00Z',
        },
        '2': {
            'id': 2,
            'user': 'admin',
            'amount': 19.99,
            'date': '2026-03-22',
            'category_id': 2,
            'payment_method_id': 2,
        },
        '3': {
            'id': 3,
            'user': 'jane',
            'amount': 0.1 + 0.2,  # 0.30000000000000004 in the file
            'date': '2026-03-23',
            'category_id': 3,
            'payment_method_id': 1,
            'description': 'Bus',
            'latitude': 48.85,
            'longitude': 2.35,
        },
        '4': {'id': 4, 'user': 'jane', 'amount': '12,50', 'date': '2026-03-24', 'category_id': 42, 'description': 'x'},
        '5': {'id': 5, 'user': 'admin', 'amount': 1234, 'date': '2026-04-01', 'category_id': 1, 'payment_method_id': 9},
    }
    links = [{'user1': 'admin', 'user2': 'jane', 'created_at': '2026-02-02T00:00:00Z'}]
    for name, data in (
        ('users.json', users),
        ('categories.json', categories),
        ('payment_methods.json', payment_methods),
        ('expenses.json', expenses),
        ('user_links.json', links),
    ):
        (folder / name).write_text(json.dumps(data, indent=2))
    return folder


def counts() -> dict[str, int]:
    with db.connection_context():
        return {m.__name__: m.select().count() for m in (User, Category, PaymentMethod, Expense, UserLink)}


async def test_legacy_import_then_login_with_an_old_password(user: UserFixture, tmp_path: Path) -> None:
    folder = legacy_folder(tmp_path)
    env = cli_env(tmp_path)
    ok(env, 'db', 'migrate')
    empty = counts()

    dry = ok(env, 'import', 'legacy', '--dir', str(folder), '--dry-run')
    assert 'would import' in dry and 'Dry run: nothing was changed' in dry
    assert counts() == empty

    out = ok(env, 'import', 'legacy', '--dir', str(folder))
    lines = {line.split('  ')[0]: line.split() for line in out.splitlines()}
    assert lines['users'][1:] == ['2', '0'] and lines['expenses'][1:] == ['5', '0'] and lines['links'][1:] == ['1', '0']
    assert "expenses.json, record 4: amount written as text '12,50'" in out
    assert 'expenses.json, record 4: category 42 does not exist' in out
    assert 'expenses.json, record 5: payment method 9 does not exist' in out

    with db.connection_context():
        admin, jane = User.get(User.username == 'admin'), User.get(User.username == 'jane')
        assert admin.is_admin and not jane.is_admin  # nobody was admin here: the oldest account became one
        by_legacy = {
            int(r.legacy_key): Expense.get_by_id(r.target_id)
            for r in LegacyRecord.select().where(LegacyRecord.kind == 'expense')
        }
        assert [by_legacy[i].amount_cents for i in range(1, 6)] == [4550, 1999, 30, 1250, 123400]
        assert by_legacy[1].date == date(2026, 3, 21) and by_legacy[1].description == 'Groceries'
        assert by_legacy[2].description == ''  # missing in the file
        groceries = by_legacy[2].subcategory
        assert (
            by_legacy[2].category.name == 'Food' and groceries.name == 'Groceries' and groceries.parent.name == 'Food'
        )
        assert by_legacy[3].owner == jane and by_legacy[3].category.owner == jane
        assert (by_legacy[3].latitude, by_legacy[3].longitude) == (48.85, 2.35)
        assert by_legacy[4].category.name == 'Uncategorized' and by_legacy[4].category.owner == jane
        assert by_legacy[5].payment_method is None
        assert by_legacy[1].payment_method.name == 'Card'
        assert Category.get(Category.name == 'Food').owner == admin  # ownerless: the user whose expenses use it
        assert UserLink.get().status == 'active'

    # a second run imports nothing twice
    again = ok(env, 'import', 'legacy', '--dir', str(folder))
    assert 'Nothing new to import' in again
    after = counts()
    # Card, shared in v2.4 and used by both, is now each one's own (issue 16)
    assert after == {**empty, 'User': 2, 'Category': 4, 'PaymentMethod': 3, 'Expense': 5, 'UserLink': 1}

    # old passwords work: log in over HTTP with jane's v2.4 password
    response = await user.http_client.post(
        f'/sysapi/login?key={API_KEY}', data={'username': 'jane', 'password': JANE_PASSWORD}
    )
    assert response.status_code == 200, response.text
    assert response.json()['user']['username'] == 'jane'
    wrong = await user.http_client.post(
        f'/sysapi/login?key={API_KEY}', data={'username': 'jane', 'password': 'nope nope'}
    )
    assert wrong.status_code == 401


def test_a_bad_record_rolls_everything_back_and_is_named(tmp_path: Path, database) -> None:
    folder = legacy_folder(tmp_path)
    expenses = json.loads((folder / 'expenses.json').read_text())
    expenses['7'] = {'id': 7, 'user': 'admin', 'amount': 'abc', 'date': '2026-03-01', 'category_id': 1}
    (folder / 'expenses.json').write_text(json.dumps(expenses))
    env = cli_env(tmp_path)
    before = counts()
    message = refused(env, 'import', 'legacy', '--dir', str(folder))
    assert "expenses.json, record 7: amount 'abc'" in message and 'Nothing was imported' in message
    assert counts() == before

    expenses.pop('7')
    expenses['8'] = {'id': 8, 'user': 'ghost', 'amount': 3, 'date': '2026-03-01', 'category_id': 1}
    (folder / 'expenses.json').write_text(json.dumps(expenses))
    assert "expenses.json, record 8: its user 'ghost' is not in users.json" in refused(
        env, 'import', 'legacy', '--dir', str(folder)
    )
    expenses.pop('8')
    expenses['9'] = {'id': 9, 'user': 'admin', 'amount': 3, 'date': '21/03/2026', 'category_id': 1}
    (folder / 'expenses.json').write_text(json.dumps(expenses))
    assert 'expenses.json, record 9: date' in refused(env, 'import', 'legacy', '--dir', str(folder))

    (folder / 'expenses.json').write_text('{"1": {')
    assert 'expenses.json is not valid JSON' in refused(env, 'import', 'legacy', '--dir', str(folder))
    expenses.pop('9')
    (folder / 'expenses.json').write_text(json.dumps(expenses))
    users = json.loads((folder / 'users.json').read_text())
    users['admin']['password_hash'] = 'plaintext'
    (folder / 'users.json').write_text(json.dumps(users))
    assert 'users.json, record admin' in refused(env, 'import', 'legacy', '--dir', str(folder))
    assert 'has no users.json' in refused(env, 'import', 'legacy', '--dir', str(tmp_path))
    assert 'is not a folder' in refused(env, 'import', 'legacy', '--dir', str(tmp_path / 'nowhere'))
    assert counts() == before


def test_an_existing_account_keeps_its_password_and_gets_the_data(tmp_path: Path, database) -> None:
    owner = make_user('admin', admin=True)
    folder = legacy_folder(tmp_path)
    out = ok(cli_env(tmp_path), 'import', 'legacy', '--dir', str(folder))
    assert "an account named 'admin' already exists here" in out
    with db.connection_context():
        admin = User.get(User.username == 'admin')
        assert admin.id == owner.id and admin.password_hash == owner.password_hash
        assert Expense.select().where(Expense.owner == admin).count() == 3
        assert not User.get(User.username == 'jane').is_admin
