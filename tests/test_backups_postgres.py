"""Backups on PostgreSQL, against a real server (tests/postgres_server.py; skipped without one): pg_dump's
archive with the same manifest and checks as SQLite's, restores that are all-or-nothing, the CLI verbs."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

import psycopg
import pytest

from app.config import get_settings, load, use_settings
from app.db import close_database, open_database
from app.migrations import LATEST_SCHEMA, run_migrations
from app.services import backup_postgres, backups
from app.services.errors import Invalid
from tests.builders import add, basics, make_user
from tests.operations_helpers import cli_env, ok, refused
from tests.postgres_server import fresh_database, needs_postgres


def query(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(sql)
        return cursor.fetchall() if cursor.description else []


def members_of(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, 'r:gz') as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}


def rewrite(path: Path, target: Path, change) -> None:
    """A copy of the archive with `change(manifest, members)` applied and every checksum made right again,
    as someone who knows the format would forge it."""
    members = members_of(path)
    manifest = json.loads(members.pop('manifest.json'))
    change(manifest, members)
    for name, data in members.items():
        manifest['members'][name] = {'sha256': hashlib.sha256(data).hexdigest(), 'size': len(data)}
    with tarfile.open(target, 'w:gz') as tar:
        for name, data in {'manifest.json': json.dumps(manifest).encode(), **members}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


@pytest.fixture
def pg(tmp_path: Path, environment, monkeypatch: pytest.MonkeyPatch):
    """A migrated PostgreSQL database with alice, her categories and five expenses; the CLI's environment."""
    with fresh_database() as url:
        monkeypatch.setenv('DATABASE_URL', url)
        use_settings(load())
        open_database(url)
        run_migrations()
        alice = make_user('alice')
        things = basics(alice)
        for n in range(1, 6):
            add(alice, things, amount=f'{n}.25', description=f'e{n}')
        (tmp_path / 'config.env').write_text('# test\nRATE_LIMIT=10000\n')
        yield {'url': url, 'env': cli_env(tmp_path, DATABASE_URL=url), 'alice': alice, 'things': things}
        close_database()


@needs_postgres
def test_a_postgres_backup_is_a_pg_dump_under_the_same_manifest(tmp_path: Path, pg: dict) -> None:
    out = ok(pg['env'], 'backup', 'create', '-o', 'good')
    assert '5 expenses' in out
    path = tmp_path / 'backups' / 'good.tar.gz'
    members = members_of(path)
    assert list(members) == ['manifest.json', 'database.pgdump', 'config.env']
    manifest = json.loads(members['manifest.json'])
    assert manifest['engine'] == 'postgresql' and manifest['schema_version'] == LATEST_SCHEMA
    assert manifest['row_counts']['expense'] == 5 and manifest['row_counts']['user'] == 1
    assert manifest['row_counts']['schema_version'] == query(pg['url'], 'SELECT COUNT(*) FROM schema_version')[0][0]
    for name in ('database.pgdump', 'config.env'):
        assert manifest['members'][name]['sha256'] == hashlib.sha256(members[name]).hexdigest()
    (tmp_path / 'dump').write_bytes(members['database.pgdump'])
    listing = subprocess.run(['pg_restore', '--list', str(tmp_path / 'dump')], capture_output=True, text=True)
    assert listing.returncode == 0 and 'TABLE DATA public expense' in listing.stdout  # pg_dump's custom format
    assert 'good.tar.gz is sound' in ok(pg['env'], 'backup', 'verify', 'good')
    assert 'good.tar.gz' in ok(pg['env'], 'backup', 'list')


@needs_postgres
def test_restore_puts_back_the_rows_drops_what_came_later_and_keeps_a_safety_copy(tmp_path: Path, pg: dict) -> None:
    ok(pg['env'], 'backup', 'create', '-o', 'good')
    bob = make_user('bob')
    add(bob, basics(bob), amount='99.00')
    url = pg['url']
    query(url, "UPDATE expense SET description = 'changed' WHERE description = 'e1'")
    query(url, 'CREATE TABLE from_a_newer_version (id serial PRIMARY KEY)')  # as a later migration would
    query(url, "CREATE FUNCTION from_a_newer_version() RETURNS int LANGUAGE sql AS 'SELECT 1'")
    close_database()
    out = ok(pg['env'], 'backup', 'restore', '--file', 'good')
    assert 'Restored good' in out and 'The previous state is kept in' in out
    assert query(url, 'SELECT COUNT(*) FROM expense')[0][0] == 5
    assert query(url, "SELECT COUNT(*) FROM expense WHERE description = 'e1'")[0][0] == 1
    assert query(url, 'SELECT COUNT(*) FROM "user" WHERE username = \'bob\'')[0][0] == 0
    assert query(url, "SELECT to_regclass('from_a_newer_version')")[0][0] is None
    assert query(url, "SELECT COUNT(*) FROM pg_proc WHERE proname = 'from_a_newer_version'")[0][0] == 0
    safety = list((tmp_path / 'backups').glob('safety-*.tar.gz'))
    assert len(safety) == 1
    assert backups.verify_backup(safety[0]).row_counts['expense'] == 6
    # the app carries on: the sequences came back with the rows, so new rows take fresh ids
    open_database(url)
    created = add(pg['alice'], pg['things'], amount='1.00')
    assert created.id == query(url, 'SELECT MAX(id) FROM expense')[0][0] > 5


@needs_postgres
def test_restore_onto_a_new_empty_postgres_database(tmp_path: Path, pg: dict) -> None:
    ok(pg['env'], 'backup', 'create', '-o', 'good')
    with fresh_database() as other:
        env = cli_env(tmp_path / 'new-machine', DATABASE_URL=other)
        (tmp_path / 'new-machine').mkdir()
        assert 'holds no What I Spend tables yet' in refused(env, 'backup', 'create')  # nothing to back up
        assert not (tmp_path / 'new-machine' / 'backups').exists() or not list(
            (tmp_path / 'new-machine' / 'backups').glob('*.tar.gz')
        )
        out = ok(env, 'backup', 'restore', '--file', str(tmp_path / 'backups' / 'good.tar.gz'))
        assert 'Restored' in out and 'previous state' not in out  # nothing to keep a safety copy of
        assert query(other, 'SELECT COUNT(*) FROM expense')[0][0] == 5
        assert query(other, 'SELECT MAX(version) FROM schema_version')[0][0] == LATEST_SCHEMA


@needs_postgres
def test_the_manifest_counts_the_snapshot_that_was_dumped(tmp_path: Path, pg: dict, monkeypatch) -> None:
    """A server writing while pg_dump runs: the manifest's counts are those of the dumped snapshot, so the
    archive verifies; counted after the dump, they would promise a row the dump does not hold."""
    real_run = subprocess.run

    def write_then_run(command, *args, **kwargs):
        if command[0].endswith('pg_dump'):
            query(pg['url'], "DELETE FROM expense WHERE description = 'e5'")  # another connection, committed
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(backup_postgres.subprocess, 'run', write_then_run)
    info = backups.create_backup(get_settings(), 'during')
    assert info.manifest.row_counts['expense'] == 5  # as in the snapshot, not the 4 left afterwards
    assert query(pg['url'], 'SELECT COUNT(*) FROM expense')[0][0] == 4
    assert backups.verify_backup(info.path).row_counts['expense'] == 5


@needs_postgres
def test_damaged_and_forged_postgres_archives_are_refused_with_nothing_changed(tmp_path: Path, pg: dict) -> None:
    ok(pg['env'], 'backup', 'create', '-o', 'good')
    good = tmp_path / 'backups' / 'good.tar.gz'
    folder = tmp_path / 'backups'

    def truncate(manifest: dict, members: dict) -> None:
        members['database.pgdump'] = members['database.pgdump'][: len(members['database.pgdump']) // 2]

    def more_rows(manifest: dict, members: dict) -> None:
        manifest['row_counts']['expense'] += 1

    rewrite(good, folder / 'truncated.tar.gz', truncate)
    rewrite(good, folder / 'lying.tar.gz', more_rows)
    make_user('carol')  # written after the backup: a refused restore must keep it
    before = query(pg['url'], 'SELECT COUNT(*) FROM "user"')[0][0]
    for name, reason in (('truncated', 'is not readable'), ('lying', 'does not match the manifest')):
        assert reason in refused(pg['env'], 'backup', 'verify', name), name
        assert reason in refused(pg['env'], 'backup', 'restore', '--file', name), name
    assert query(pg['url'], 'SELECT COUNT(*) FROM "user"')[0][0] == before
    assert not list(folder.glob('safety-*'))  # refused before the safety backup: nothing was touched
    sqlite_home = tmp_path / 'sqlite-install'
    sqlite_home.mkdir()
    sqlite_env = cli_env(sqlite_home, DATABASE_URL=f'sqlite:///{sqlite_home / "whatispend.db"}')
    refusal = refused(sqlite_env, 'backup', 'restore', '--file', str(good))
    assert 'holds a postgresql database but DATABASE_URL points to SQLite' in refusal


@needs_postgres
def test_a_restore_failing_half_way_leaves_the_database_as_it_was(tmp_path: Path, pg: dict, monkeypatch) -> None:
    ok(pg['env'], 'backup', 'create', '-o', 'good')
    make_user('dave')
    query(pg['url'], 'CREATE TABLE from_a_newer_version (id int)')
    real_run = subprocess.run

    def failing_at_the_end(command, *args, **kwargs):
        done = real_run(command, *args, **kwargs)
        if command[0].endswith('pg_restore'):  # the script is written: make its last statement fail
            script = Path(command[command.index('--file') + 1])
            script.write_text(script.read_text() + '\nSELECT 1 / 0;\n')
        return done

    monkeypatch.setattr(backup_postgres.subprocess, 'run', failing_at_the_end)
    with pytest.raises(Invalid, match='nothing was changed.*division by zero'):
        backups.restore_backup(get_settings(), 'good')
    assert query(pg['url'], 'SELECT COUNT(*) FROM "user" WHERE username = \'dave\'')[0][0] == 1
    assert query(pg['url'], "SELECT to_regclass('from_a_newer_version')")[0][0] is not None
    assert query(pg['url'], 'SELECT COUNT(*) FROM expense')[0][0] == 5


def test_without_the_client_tools_the_message_says_what_to_install(tmp_path: Path, environment, monkeypatch) -> None:
    monkeypatch.setenv('DATABASE_URL', 'postgresql://nobody@127.0.0.1:9/nothing')
    use_settings(load())
    monkeypatch.setattr(backup_postgres.shutil, 'which', lambda name: None)
    with pytest.raises(Invalid, match=r'pg_dump is not installed.*apt install postgresql-client'):
        backups.create_backup(get_settings(), 'x')
    assert not list((tmp_path / 'backups').glob('*.tar.gz'))


@pytest.mark.skipif(shutil.which('pg_dump') is None, reason='the PostgreSQL client tools are not installed')
def test_an_unreachable_server_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    env = cli_env(tmp_path, DATABASE_URL='postgresql://nobody:s3cret@127.0.0.1:9/nothing')
    message = refused(env, 'backup', 'create')
    assert 'The database cannot be reached' in message and 'Traceback' not in message and 's3cret' not in message


def test_the_password_stays_off_the_command_line() -> None:
    url = 'postgresql://spender:s3cret@db.example:6543/money?sslmode=require&application_name=wis&max_connections=4'
    params = backup_postgres.connection_parameters(url)
    assert params == {
        'dbname': 'money',
        'host': 'db.example',
        'port': 6543,
        'user': 'spender',
        'password': 's3cret',
        'sslmode': 'require',
        'application_name': 'wis',
    }  # max_connections is peewee's, not libpq's
    conninfo = backup_postgres._conninfo(params)
    assert 's3cret' not in conninfo and "dbname='money'" in conninfo and "sslmode='require'" in conninfo
    assert backup_postgres._environment(params)['PGPASSWORD'] == 's3cret'
    assert "dbname='it\\'s'" in backup_postgres._conninfo({'dbname': "it's"})
    with pytest.raises(Invalid, match='names no database'):
        backup_postgres.connection_parameters('postgresql://spender@db.example/')


def test_the_row_counts_of_a_dump_are_read_from_its_copy_blocks() -> None:
    sql = [
        'SET search_path = public;\n',
        'COPY public."user" (id, username) FROM stdin;\n',
        '1\talice\n',
        '2\tbob\\nwith a newline\n',
        '\\.\n',
        'COPY public.schema_version (version) FROM stdin;\n',
        '1\n',
        '14\n',
        '\\.\n',
        'COPY "other schema".expense (id) FROM stdin;\n',
        '\\.\n',
    ]
    assert backup_postgres.counts_in_sql(sql) == (14, {'user': 2, 'schema_version': 2, 'other schema.expense': 0})
