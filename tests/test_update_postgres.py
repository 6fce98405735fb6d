"""Updates of an installation on PostgreSQL, against a real server (tests/postgres_server.py; skipped
without one): no refusal at preflight, a pg_dump backup before anything changes, the migrations, and a
rollback that puts the database back from the pg_dump taken just before them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.services import backups
from tests.conftest import API_KEY
from tests.postgres_server import fresh_database, needs_postgres
from tests.update_harness import Installation, add_migration, finished

pytestmark = [pytest.mark.timeout(300), needs_postgres]


@pytest.fixture
def install(tmp_path: Path):
    with fresh_database('pgupdate') as url:
        installation = Installation(tmp_path, database_url=url)
        installation.seed()
        yield installation
        installation.stop()


def manage(install: Installation, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, 'manage.py', *args],
        cwd=install.root,
        env=install.env,
        capture_output=True,
        text=True,
        timeout=240,
        stdin=subprocess.DEVNULL,
    )


def test_cli_update_backs_up_with_pg_dump_then_migrates(install: Installation) -> None:
    install.release(
        '3.1.0',
        lambda root: add_migration(root, 907, '    db.execute_sql("CREATE TABLE added_in_310 (id INTEGER)")\n'),
    )
    before = install.rows()
    done = manage(install, 'update', '--yes')
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'What I Spend 3.1.0 is installed.' in done.stdout
    assert 'database and config.env backed up to' in done.stdout
    assert install.rows() == before
    assert 'added_in_310' in install.tables()
    assert install.status_file()['state'] == 'succeeded'
    archives = list((install.folder / 'backups').glob('backup-*.tar.gz'))
    assert len(archives) == 1
    manifest = backups.verify_backup(archives[0])  # pg_restore reads it back: rows as promised
    assert manifest.engine == 'postgresql' and manifest.kind == 'update' and manifest.row_counts['expense'] == 40
    assert 'added_in_310' not in manifest.row_counts  # taken before the migrations
    snapshots = list((install.folder / 'data' / 'updates').glob('*-3.1.0/before-migrations.pgdump'))
    assert len(snapshots) == 1


def test_in_app_update_rolls_back_a_release_whose_second_migration_fails(install: Installation) -> None:
    """The first migration commits (its table, its deleted rows); the second fails: the database comes back
    from the pg_dump taken before the migrations, with every row and without the table."""

    def change(root: Path) -> None:
        add_migration(
            root,
            908,
            '    db.execute_sql("CREATE TABLE half_done (id INTEGER)")\n    db.execute_sql("DELETE FROM expense")',
        )
        add_migration(root, 909, '    raise RuntimeError("the 3.3.0 migration cannot convert the data")')

    install.release('3.3.0', change)
    install.start()
    before, tables = install.rows(), install.tables()
    admin = install.client()
    assert admin.post(f'/sysapi/update/execute?key={API_KEY}').status_code == 202
    status = install.wait_for_status(admin, finished)
    assert status['state'] == 'failed' and status['rolled_back'] is True, status
    assert status['failed_step'] == 'migrate' and 'cannot convert the data' in status['error']
    messages = ' '.join(line['message'] for line in status['log'])
    assert 'database restored from' in messages and 'before-migrations.pgdump' in messages
    assert install.wait_for_version('3.0.0')['version'] == '3.0.0'
    assert install.rows() == before and len(before['expense']) == 40
    assert install.tables() == tables
    assert admin.get(f'/sysapi/expenses?key={API_KEY}&month=2026-01').status_code == 200  # served as before
