"""Updating a real installation from a local bare git remote: the good path, a concurrent request, a
server killed in the middle (the next start finishes the rollback)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services import backups
from tests.conftest import API_KEY
from tests.update_harness import Installation, add_migration, finished, seeded_installation

pytestmark = [
    pytest.mark.timeout(300),
    pytest.mark.sqlite_only(
        reason='an installation with its SQLite file, read by tests/update_harness.py '
        '(the update of a PostgreSQL one: tests/test_update_postgres.py)'
    ),
]


@pytest.fixture
def install(tmp_path: Path):
    with seeded_installation(tmp_path) as installation:
        yield installation


def test_good_update_switches_version_keeps_data_and_restarts(install: Installation) -> None:
    def change(root: Path) -> None:
        add_migration(root, 900, '    db.execute_sql("CREATE TABLE release_note (id INTEGER PRIMARY KEY, text TEXT)")')

    sha = install.release('3.1.0', change, note='Release notes table.')
    install.start()
    pid = install.process.pid
    before = install.rows()
    admin = install.client()

    check = admin.get(f'/sysapi/update/check?key={API_KEY}').json()
    assert check['current_version'] == '3.0.0'
    assert check['latest_version'] == '3.1.0' and check['update_available'] is True
    assert check['release'] == 'tag v3.1.0'
    assert [entry['version'] for entry in check['notes']] == ['3.1.0']
    assert 'Release notes table.' in check['notes'][0]['notes']

    started = admin.post(f'/sysapi/update/execute?key={API_KEY}')
    assert started.status_code == 202, started.text
    assert started.json()['state'] == 'running' and started.json()['to_version'] == '3.1.0'

    status = install.wait_for_status(admin, finished)
    assert status['state'] == 'succeeded', status
    assert status['progress'] == 100 and status['error'] == ''
    assert {s['name']: s['state'] for s in status['steps']} == {
        'preflight': 'done',
        'backup': 'done',
        'fetch': 'done',
        'requirements': 'skipped',
        'migrate': 'done',
        'verify': 'done',
        'restart': 'done',
        'confirm': 'done',
    }
    messages = ' '.join(line['message'] for line in status['log'])
    assert 'health check' in messages and 'the server answers as 3.1.0' in messages

    assert install.health()['version'] == '3.1.0'
    assert (install.root / 'VERSION').read_text().strip() == '3.1.0'
    assert install.head() == sha
    assert install.process.pid == pid and install.process.poll() is None  # the same process re-executed itself
    assert install.rows() == before
    assert 'release_note' in install.tables()
    # the backup service's archive (verified, with its manifest), and the snapshot taken before migrating
    archives = list((install.folder / 'backups').glob('backup-*.tar.gz'))
    assert len(archives) == 1
    manifest = backups.verify_backup(archives[0])
    assert manifest.kind == 'update' and manifest.app_version == '3.0.0' and manifest.row_counts['expense'] == 40
    assert len(list((install.folder / 'data' / 'updates').glob('*-3.1.0/before-migrations.sqlite3'))) == 1
    # The old session still works after the restart, and there is nothing newer now.
    again = admin.get(f'/sysapi/update/check?key={API_KEY}').json()
    assert again['update_available'] is False and again['current_version'] == '3.1.0'
    assert admin.post(f'/sysapi/update/execute?key={API_KEY}').status_code == 422


def test_killed_mid_update_then_next_start_rolls_back(install: Installation) -> None:
    """The new version's migration never ends; meanwhile a second request gets 409; then the server is
    killed with its whole process group and started again."""

    def change(root: Path) -> None:
        add_migration(root, 901, '    import threading\n\n    threading.Event().wait()')

    install.release('3.2.0', change)
    install.start()
    before_head = install.head()
    before = install.rows()
    admin = install.client()
    assert admin.post(f'/sysapi/update/execute?key={API_KEY}').status_code == 202
    install.wait_for_status(admin, lambda s: s['step'] == 'migrate' and 'child_pid' in install.status_file()['plan'])

    second = admin.post(f'/sysapi/update/execute?key={API_KEY}')
    assert second.status_code == 409
    assert 'already running' in second.json()['error']
    assert admin.get(f'/sysapi/update/status?key={API_KEY}').json()['state'] == 'running'
    assert (install.root / 'VERSION').read_text().strip() == '3.2.0'  # the code had been switched

    install.kill()
    install.output.clear()
    install.start()  # runs the new code first, which rolls back and re-executes the old one
    install.wait_for_version('3.0.0')
    status = install.wait_for_status(admin, finished)
    assert status['state'] == 'failed' and status['rolled_back'] is True, status
    assert status['failed_step'] == 'migrate'
    assert 'interrupted' in status['error']
    assert (install.root / 'VERSION').read_text().strip() == '3.0.0'
    assert install.head() == before_head
    assert install.rows() == before
    # the migration left blocked by the kill was ended by the recovery
    assert 'child_pid' not in install.status_file()['plan']


def test_service_manager_mode_exits_and_the_next_start_confirms(install: Installation) -> None:
    """UPDATE_RESTART=exit: the server exits with status 3 and the service manager (here the test)
    starts it again; the new process confirms the update."""
    install.env['UPDATE_RESTART'] = 'exit'
    install.release('3.1.0')
    install.start()
    admin = install.client()
    assert admin.post(f'/sysapi/update/execute?key={API_KEY}').status_code == 202
    assert install.process.wait(120) == 3
    assert install.status_file()['state'] == 'restarting'
    install.start()
    status = install.wait_for_status(admin, finished)
    assert status['state'] == 'succeeded', status
    assert install.health()['version'] == '3.1.0'
