"""Bad releases roll back: a migration that fails, requirements that cannot be installed, a version
that does not answer its health check. Each ends on the old version, old code, every row intact, and
a server that answers; and only an administrator may start an update."""

from __future__ import annotations

from pathlib import Path

import pytest

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


def update_and_expect_rollback(install: Installation, failed_step: str) -> dict:
    install.start()
    head, before, tables = install.head(), install.rows(), install.tables()
    admin = install.client()
    assert admin.post(f'/sysapi/update/execute?key={API_KEY}').status_code == 202
    status = install.wait_for_status(admin, finished)
    assert status['state'] == 'failed', status
    assert status['rolled_back'] is True, status
    assert status['failed_step'] == failed_step, status
    assert {s['name']: s['state'] for s in status['steps']}[failed_step] == 'failed'
    assert install.wait_for_version('3.0.0')['version'] == '3.0.0'
    assert (install.root / 'VERSION').read_text().strip() == '3.0.0'
    assert install.head() == head
    assert install.rows() == before
    assert install.tables() == tables
    # the server answers and the data is served as before
    assert admin.get(f'/sysapi/update/status?key={API_KEY}').status_code == 200
    return status


def test_failing_migration_rolls_back(install: Installation) -> None:
    def change(root: Path) -> None:
        add_migration(
            root,
            902,
            '    db.execute_sql("CREATE TABLE half_done (id INTEGER)")\n'
            '    db.execute_sql("DELETE FROM expense")\n'
            '    raise RuntimeError("the 3.3.0 migration cannot convert the data")',
        )

    install.release('3.3.0', change)
    status = update_and_expect_rollback(install, 'migrate')
    assert 'cannot convert the data' in status['error']
    messages = ' '.join(line['message'] for line in status['log'])
    assert 'database restored' in messages and 'code restored' in messages


def test_requirements_that_cannot_be_installed_roll_back(install: Installation) -> None:
    def change(root: Path) -> None:
        with (root / 'requirements.txt').open('a') as handle:
            handle.write('whatispend-no-such-package==9.9.9\n')

    install.release('3.4.0', change)
    status = update_and_expect_rollback(install, 'requirements')
    assert 'pip could not install' in status['error']
    assert 'whatispend-no-such-package' in status['error']
    messages = ' '.join(line['message'] for line in status['log'])
    assert 'previous requirements reinstalled' in messages


def test_version_failing_its_health_check_rolls_back_data_too(install: Installation) -> None:
    """Its migration succeeds (and deletes every expense), then the new code cannot start."""

    def change(root: Path) -> None:
        add_migration(root, 903, '    db.execute_sql("DELETE FROM expense")')
        dashboard = root / 'app' / 'pages' / 'dashboard.py'
        dashboard.write_text(dashboard.read_text() + '\nraise RuntimeError("3.5.0 is broken")\n')

    install.release('3.5.0', change)
    status = update_and_expect_rollback(install, 'verify')
    assert 'did not start' in status['error'] and '3.5.0 is broken' in status['error']
    steps = {s['name']: s['state'] for s in status['steps']}
    assert steps['migrate'] == 'done' and steps['restart'] == 'done' and steps['confirm'] == 'done'


def test_only_an_administrator_may_update(install: Installation) -> None:
    install.release('3.6.0')
    install.start()
    member = install.client('bob')
    refused = member.post(f'/sysapi/update/execute?key={API_KEY}')
    assert refused.status_code == 403
    assert 'administrator' in refused.json()['error']
    assert member.get(f'/sysapi/update/status?key={API_KEY}').json()['state'] == 'idle'
    assert (install.root / 'VERSION').read_text().strip() == '3.0.0'
    assert not (install.folder / 'data' / 'update-status.json').exists()
    anonymous = install.client('admin')
    anonymous.cookies.clear()
    assert anonymous.post(f'/sysapi/update/execute?key={API_KEY}').status_code == 401
    assert anonymous.post('/sysapi/update/execute').status_code == 401
