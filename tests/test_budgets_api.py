"""/sysapi/budgets, budget_create|update|delete and /sysapi/alerts over HTTP against the real app; and
`manage.py budget list` as typed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from nicegui.testing import User

from app.config import get_settings
from app.db import close_database, open_database
from app.migrations import run_migrations
from app.services import budgets
from tests.builders import add, basics, link
from tests.conftest import API_KEY, make_user
from tests.conftest import test_environment as environment_of
from tests.page_steps import logged_in_alice

K = f'key={API_KEY}'
ROOT = Path(__file__).resolve().parents[1]
HOSTILE = '<img src=x onerror=alert(1)>'


async def test_create_list_update_delete(user: User) -> None:
    t = await logged_in_alice(user)
    http = user.http_client
    with time_machine.travel('2026-03-10 12:00Z', tick=False):
        add(t['alice'], t, '50.00', '2026-03-02')
        created = await http.post(
            f'/sysapi/budget_create?{K}',
            json={'amount': '200', 'category_id': t['food'].id, 'rollover': True, 'thresholds': [50, 100]},
        )
        assert created.status_code == 200, created.text
        budget = created.json()['budget']
        assert budget['name'] == 'Food' and budget['spent'] == 50.0 and budget['left'] == 150.0
        assert budget['thresholds'] == [50, 100] and budget['rollover'] is True and budget['days_left'] == 22
        form = await http.post(
            f'/sysapi/budget_create?{K}',
            content='amount=1000,50&thresholds=80,100',
            headers={'content-type': 'application/x-www-form-urlencoded'},
        )
        assert form.status_code == 200, form.text
        assert form.json()['budget']['kind'] == 'everything' and form.json()['budget']['amount_cents'] == 100050
        listing = (await http.get(f'/sysapi/budgets?{K}')).json()
        assert [b['kind'] for b in listing] == ['everything', 'category']
        assert {'spent', 'left', 'days_left', 'projected', 'percent', 'carried_cents'} <= set(listing[1])
        assert (await http.get(f'/sysapi/budgets?month=2026-02&{K}')).json()[1]['spent'] == 0
        updated = await http.post(f'/sysapi/budget_update?{K}', json={'id': budget['id'], 'amount': '100'})
        assert updated.status_code == 200 and updated.json()['budget']['percent'] == 50
        assert updated.json()['budget']['rollover'] is True  # left out: kept
        moved = await http.post(
            f'/sysapi/budget_update?{K}', json={'id': budget['id'], 'payment_method_id': t['card'].id}
        )
        assert moved.json()['budget']['kind'] == 'payment_method'
        deleted = await http.post(f'/sysapi/budget_delete?{K}', json={'id': budget['id']})
        assert deleted.json() == {'success': True, 'id': budget['id']}
        assert len((await http.get(f'/sysapi/budgets?{K}')).json()) == 1


@pytest.mark.parametrize(
    ('body', 'field'),
    [
        ({'amount': '-5'}, 'amount'),
        ({'amount': -5}, 'amount'),
        ({}, 'amount'),
        ({'amount': '10', 'thresholds': '80,x'}, 'thresholds'),
        ({'amount': '10', 'thresholds': [0]}, 'thresholds'),
        ({'amount': '10', 'scope': 'world'}, 'scope'),
        ({'amount': '10', 'category_id': 'abc'}, 'category_id'),
        ({'amount': '10', 'rollover': 'perhaps'}, 'rollover'),
        ({'amount': True}, 'amount'),
    ],
)
async def test_bad_input_is_a_422_naming_the_field(user: User, body: dict, field: str) -> None:
    await logged_in_alice(user)
    response = await user.http_client.post(f'/sysapi/budget_create?{K}', json=body)
    assert response.status_code == 422, response.text
    assert response.json()['field'] == field


async def test_another_users_budget_and_category_answer_404(user: User) -> None:
    await logged_in_alice(user)
    mallory = make_user('mallory')
    theirs = basics(mallory)
    hidden = budgets.create_budget(mallory, '10', theirs['food'].id)
    http = user.http_client
    for path, body in [
        ('/sysapi/budget_update', {'id': hidden.id, 'amount': '5'}),
        ('/sysapi/budget_delete', {'id': hidden.id}),
        ('/sysapi/budget_create', {'amount': '5', 'category_id': theirs['food'].id}),
        ('/sysapi/budget_update', {'id': 2**62, 'amount': '5'}),
    ]:
        response = await http.post(f'{path}?{K}', json=body)
        assert response.status_code == 404, (path, response.text)
        assert 'Food' not in response.text and 'mallory' not in response.text
    assert (await http.get(f'/sysapi/budgets?{K}')).json() == []


async def test_a_linked_users_budget_is_listed_and_hostile_names_come_back_as_data(user: User) -> None:
    t = await logged_in_alice(user)
    bob = make_user('bob')
    link(t['alice'], bob)
    from app.services import categories

    odd = categories.create_category(bob, HOSTILE)
    budgets.create_budget(bob, '10', odd.id)
    listing = (await user.http_client.get(f'/sysapi/budgets?{K}')).json()
    assert [(b['name'], b['created_by']) for b in listing] == [(HOSTILE, 'bob')]


async def test_alerts_lists_what_crossed_a_threshold(user: User) -> None:
    t = await logged_in_alice(user)
    http = user.http_client
    with time_machine.travel('2026-03-10 12:00Z', tick=False):
        await http.post(f'/sysapi/budget_create?{K}', json={'amount': '100', 'category_id': t['food'].id})
        add(t['alice'], t, '85.00', '2026-03-02')
        listed = (await http.get(f'/sysapi/alerts?{K}')).json()
    assert [(a['kind'], a['name'], a['threshold'], a['month'], a['seen']) for a in listed] == [
        ('budget', 'Food', 80, '2026-03', False)
    ]
    assert (await http.get(f'/sysapi/alerts?unseen=true&{K}')).status_code == 200
    assert (await http.get(f'/sysapi/alerts?unseen=maybe&{K}')).status_code == 422


@pytest.fixture
def manage(tmp_path: Path, database: None):
    env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'HOME': str(tmp_path), **environment_of(tmp_path)}

    def run(*args: str) -> subprocess.CompletedProcess:
        close_database()
        result = subprocess.run(
            [sys.executable, 'manage.py', *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        open_database(get_settings().database_url)
        run_migrations()
        return result

    return run


def test_manage_budget_list(manage, alice, things) -> None:
    assert manage('budget', 'list', '--username', 'alice').stdout.strip() == 'No budgets.'
    budgets.create_budget(alice, '200', things['food'].id, rollover=True)
    budgets.create_budget(alice, '1000')
    month = budgets.list_budgets(alice)[0].month
    add(alice, things, '50.00', f'{month}-01')
    result = manage('budget', 'list', '--username', 'alice')
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f'Budgets of alice for {month}'
    assert 'All spending' in lines[3] and 'Food' in lines[4] and '150,00' in lines[4] and 'yes' in lines[4]
    missing = manage('budget', 'list', '--username', 'nobody')
    assert missing.returncode == 1 and 'nobody' in missing.stderr
    wrong = manage('budget', 'list', '--username', 'alice', '--month', '2026-13')
    assert wrong.returncode == 1 and 'error' in wrong.stderr
