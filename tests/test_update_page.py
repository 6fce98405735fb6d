"""Settings › Update, the header badge, the update API's guards and the pure parts of the update service,
in process (the real update runs against real processes in test_update_process.py and friends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from nicegui.testing import User

from app.config import get_settings, load, use_settings
from app.services import updates
from app.services.errors import Conflict
from app.services.update_sources import Release, changelog_between, is_newer, parse_version
from app.services.updates import releases, snapshots
from app.services.updates.status import idle_record, write_json
from app.version import current_version
from tests.conftest import API_KEY, api_login, make_user

CHANGELOG = """# Changelog

## 3.2.0 - 2026-12-10
- Budgets.

## [3.1.1] (2026-12-02)
- Fix the map.

## 3.1.0
- Faster dashboard.

## 3.0.0 - 2026-11-25
- First release.
"""


def running_status(step: str = 'migrate', message: str = 'applying migration 7') -> dict:
    status = idle_record()
    order = [name for name, _, _ in updates.STEPS]
    status.update(
        state='running',
        step=step,
        progress=45,
        to_version='3.1.0',
        started_at=datetime.now(UTC).isoformat(),
        executor='server',
        steps={name: ('done' if order.index(name) < order.index(step) else 'pending') for name in order},
        log=[{'time': '2026-11-25T04:00:00+00:00', 'level': 'info', 'message': message}],
    )
    status['steps'][step] = 'running'
    return status


def store_status(status: dict) -> None:
    write_json(updates.status_path(), status)


def store_check(available: bool = True, age: timedelta = timedelta(0)) -> None:
    write_json(
        releases.check_path(get_settings()),
        {
            'current_version': current_version(),
            'latest_version': '9.1.0' if available else current_version(),
            'update_available': available,
            'source': 'git remote origin',
            'release': 'tag v9.1.0',
            'notes': [{'version': '9.1.0', 'date': '2026-12-01', 'notes': '- Budgets per category.'}],
            'checked_at': (datetime.now(UTC) - age).isoformat(),
            'error': '',
        },
    )


# --- pure parts ---------------------------------------------------------------------------------------


def test_versions_compare_as_numbers() -> None:
    assert parse_version('v3.10.0') == (3, 10, 0)
    assert parse_version('3.1') is None and parse_version('latest') is None
    assert is_newer('3.10.0', '3.9.9') and not is_newer('3.0.0', '3.0.0') and not is_newer('junk', '3.0.0')


def test_changelog_between_two_versions() -> None:
    entries = changelog_between(CHANGELOG, '3.0.0', '3.1.1')
    assert [e.version for e in entries] == ['3.1.1', '3.1.0']
    assert entries[0].date == '2026-12-02' and entries[0].notes == '- Fix the map.'
    assert entries[1].date == '' and entries[1].notes == '- Faster dashboard.'
    assert changelog_between(CHANGELOG, '3.2.0', '3.2.0') == []
    everything = changelog_between(CHANGELOG, '0.0.0', '9.0.0')
    assert [e.version for e in everything] == ['3.2.0', '3.1.1', '3.1.0', '3.0.0']


def test_a_tag_wins_over_a_branch_tip_of_the_same_version() -> None:
    picked = releases.pick(
        [Release('3.1.0', 'b', 'origin/main'), Release('3.1.0', 't', 'tag v3.1.0'), Release('3.0.9', 'x', 'tag v3.0.9')]
    )
    assert picked.ref == 't'
    assert releases.pick([]) is None


@pytest.mark.sqlite_only(reason='the SQLite snapshot (online backup API into a file, written back in place)')
def test_snapshot_and_restore_through_the_online_api(database, tmp_path) -> None:
    make_user('alice', admin=True)
    snapshot = snapshots.snapshot_database(tmp_path / 'snap.sqlite3')
    make_user('bob')
    from app.models import User as Account

    assert Account.select().count() == 2
    snapshots.restore_snapshot(snapshot)
    assert [a.username for a in Account.select()] == ['alice']  # the open connection sees the restored data
    snapshot.write_bytes(b'not a database')
    with pytest.raises(updates.StepFailed, match='damaged'):
        snapshots.restore_snapshot(snapshot)
    with pytest.raises(updates.StepFailed, match='missing'):
        snapshots.restore_snapshot(tmp_path / 'nowhere.sqlite3')
    assert Account.select().count() == 1


def test_a_held_lock_means_409(database) -> None:
    lock = updates.UpdateLock(get_settings())
    assert lock.acquire()
    try:
        assert updates.is_running()
        with pytest.raises(Conflict, match='already running'):
            updates.start()
    finally:
        lock.release()
    assert not updates.is_running()


# --- API ----------------------------------------------------------------------------------------------


async def test_health_needs_no_key(user: User) -> None:
    response = await user.http_client.get('/sysapi/health')
    assert response.status_code == 200
    assert response.json() == {'status': 'ok', 'version': current_version(), 'database': 'ok'}


async def test_members_may_read_the_status_but_not_update(user: User) -> None:
    make_user('alice', admin=True)
    make_user('bob')
    await api_login(user, 'bob')
    refused = await user.http_client.post(f'/sysapi/update/execute?key={API_KEY}')
    assert refused.status_code == 403 and refused.json()['error'] == 'Only an administrator may do this.'
    status = await user.http_client.get(f'/sysapi/update/status?key={API_KEY}')
    assert status.status_code == 200 and status.json()['state'] == 'idle'
    assert [s['name'] for s in status.json()['steps']][0] == 'preflight'
    assert (await user.http_client.get('/sysapi/update/status')).status_code == 401
    store_check()  # only an administrator checks: the check contacts the source and names it
    check = await user.http_client.get(f'/sysapi/update/check?key={API_KEY}')
    assert check.status_code == 403 and check.json()['error'] == 'Only an administrator may do this.'


async def test_status_survives_on_disk(user: User) -> None:
    make_user('alice', admin=True)
    await api_login(user)
    store_status(running_status())
    answer = (await user.http_client.get(f'/sysapi/update/status?key={API_KEY}')).json()
    assert answer['state'] == 'running' and answer['step'] == 'migrate' and answer['progress'] == 45
    assert answer['step_label'] == 'Run database migrations'
    assert 'plan' not in answer


# --- the page -----------------------------------------------------------------------------------------


async def test_tab_shows_versions_and_live_progress(user: User) -> None:
    make_user('alice', admin=True)
    await api_login(user)
    store_check()
    store_status(running_status())
    await user.open('/settings?tab=update')
    await user.should_see(marker='update-current', retries=100)  # the tab is built after the ones before it
    assert user.find(marker='update-current').elements.pop().text == current_version()
    assert user.find(marker='update-latest').elements.pop().text == '9.1.0'
    await user.should_see('Version 9.1.0 is available (tag v9.1.0).')
    await user.should_see('Budgets per category.')
    await user.should_see(marker='update-progress')
    await user.should_see('Updating…')
    await user.should_see('applying migration 7')
    assert user.find(marker='update-progress').elements.pop().value == 0.45

    # the page follows the status on disk while the update runs
    later = running_status('verify', 'a test server answered')
    later['progress'] = 60
    store_status(later)
    await user.should_see('a test server answered', retries=30)
    done = running_status('confirm', 'update to 3.1.0 complete')
    done.update(state='succeeded', progress=100)
    store_status(done)
    await user.should_see('Update complete.', retries=30)
    assert user.find(marker='update-progress').elements.pop().value == 1.0


async def test_update_button_reports_a_running_update(user: User) -> None:
    make_user('alice', admin=True)
    await api_login(user)
    store_check()
    await user.open('/settings?tab=update')
    lock = updates.UpdateLock(get_settings())
    assert lock.acquire()
    try:
        await user.should_see(marker='update-start', retries=100)  # the tab is built after the ones before it
        user.find(marker='update-start').click()
        user.find(marker='update-confirm').click()
        await user.should_see('already running')
    finally:
        lock.release()


async def test_failed_update_shows_why(user: User) -> None:
    make_user('alice', admin=True)
    await api_login(user)
    failed = running_status('migrate', 'rolled back to 3.0.0')
    failed.update(state='failed', rolled_back=True, error='Run database migrations failed: no such column')
    failed['steps']['migrate'] = 'failed'
    store_status(failed)
    await user.open('/settings?tab=update')
    await user.should_see('The update failed and was rolled back')
    await user.should_see('Run database migrations failed: no such column')
    await user.should_see('Not checked yet.')


async def test_members_have_no_update_tab_and_no_badge(user: User, monkeypatch) -> None:
    monkeypatch.setenv('UPDATE_CHECK', 'true')
    use_settings(load())
    make_user('alice', admin=True)
    make_user('bob')
    store_check()
    await api_login(user, 'bob')
    await user.open('/settings?tab=update')
    await user.should_see(marker='tab-account')
    await user.should_not_see(marker='tab-update')
    await user.should_not_see(marker='update-current')
    await user.should_not_see(marker='update-badge')


async def test_badge_for_admins_when_a_version_is_out(user: User, monkeypatch) -> None:
    make_user('alice', admin=True)
    await api_login(user)
    store_check()
    await user.open('/')
    await user.should_not_see(marker='update-badge')  # UPDATE_CHECK=false in tests
    monkeypatch.setenv('UPDATE_CHECK', 'true')
    use_settings(load())
    await user.open('/')
    await user.should_see(marker='update-badge')
    user.find(marker='update-badge').click()
    await user.should_see(marker='update-current')
    store_check(available=False)
    await user.open('/')
    await user.should_not_see(marker='update-badge')
