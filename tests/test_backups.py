"""Backups: archives that must be refused with nothing changed, retention, the automatic backup, the CLI."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sqlite3
import tarfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.config import get_settings, load, use_settings
from app.migrations import LATEST_SCHEMA
from app.models import Category, Expense
from app.services import backups
from app.services.errors import Conflict, Invalid, NotFound
from tests.conftest import make_user
from tests.operations_helpers import cli, cli_env, ok, refused, sha256

# These read and forge the SQLite archive (its database.sqlite3 snapshot, the file swapped on restore); the
# same verbs and checks on PostgreSQL (pg_dump's database.pgdump) are tests/test_backups_postgres.py's
pytestmark = pytest.mark.sqlite_only(reason='the SQLite archive: database.sqlite3 and the database file itself')


@pytest.fixture
def installation(tmp_path: Path, database) -> dict[str, str]:
    """A database with some rows, a config.env, and one good backup named good.tar.gz."""
    (tmp_path / 'config.env').write_text('# test\nRATE_LIMIT=10000\n')
    (tmp_path / 'config.env').chmod(0o600)
    owner = make_user('alice')
    food = Category.create(owner=owner, name='Food')
    for n in range(1, 6):
        Expense.create(owner=owner, category=food, amount_cents=n * 100, date=date(2026, 1, n), description=f'e{n}')
    env = cli_env(tmp_path)
    ok(env, 'backup', 'create', '-o', 'good')
    return env


def archive_with(path: Path, members: dict[str, bytes]) -> None:
    with tarfile.open(path, 'w:gz') as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def members_of(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, 'r:gz') as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}


def state(tmp_path: Path) -> tuple[str, list[str]]:
    return sha256(tmp_path / 'whatispend.db'), sorted(p.name for p in (tmp_path / 'backups').iterdir())


def test_backup_archive_holds_manifest_database_and_config(tmp_path: Path, installation) -> None:
    path = tmp_path / 'backups' / 'good.tar.gz'
    members = members_of(path)
    assert list(members) == ['manifest.json', 'database.sqlite3', 'config.env']
    manifest = json.loads(members['manifest.json'])
    assert manifest['app'] == 'whatispend' and manifest['schema_version'] == LATEST_SCHEMA
    assert manifest['app_version'] == (Path(__file__).parents[1] / 'VERSION').read_text().strip()
    assert manifest['row_counts']['expense'] == 5 and manifest['row_counts']['user'] == 1
    for name in ('database.sqlite3', 'config.env'):
        assert manifest['members'][name]['sha256'] == hashlib.sha256(members[name]).hexdigest()
    assert members['config.env'] == (tmp_path / 'config.env').read_bytes()
    assert path.stat().st_mode & 0o077 == 0  # it holds the keys
    listing = ok(installation, 'backup', 'list')
    assert listing.splitlines()[0].split() == ['name', 'date', 'size', 'version', 'rows', 'kind']
    assert 'good.tar.gz' in listing
    assert 'is sound' in ok(installation, 'backup', 'verify', '--file', 'good')


def test_bad_archives_are_refused_and_nothing_changes(tmp_path: Path, installation) -> None:
    good = tmp_path / 'backups' / 'good.tar.gz'
    members = members_of(good)
    manifest = json.loads(members['manifest.json'])
    bad = tmp_path / 'bad'
    bad.mkdir()

    truncated = bad / 'truncated.tar.gz'
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])

    tampered = bad / 'tampered.tar.gz'
    database = bad / 'db.sqlite3'
    database.write_bytes(members['database.sqlite3'])
    conn = sqlite3.connect(database)
    conn.execute('UPDATE expense SET amount_cents = 99999 WHERE id = 1')
    conn.commit()
    conn.close()
    archive_with(tampered, {**members, 'database.sqlite3': database.read_bytes()})

    foreign = bad / 'foreign.tar.gz'
    archive_with(foreign, {'notes.txt': b'hello', 'photo.jpg': b'\xff\xd8'})

    foreign_manifest = bad / 'other-app.tar.gz'
    archive_with(foreign_manifest, {**members, 'manifest.json': json.dumps({**manifest, 'app': 'other'}).encode()})

    newer = bad / 'newer.tar.gz'
    archive_with(newer, {**members, 'manifest.json': json.dumps({**manifest, 'schema_version': 999}).encode()})

    not_gzip = bad / 'plain.tar.gz'
    not_gzip.write_text('just text')

    gzip_of_junk = bad / 'junk.tar.gz'
    gzip_of_junk.write_bytes(gzip.compress(b'not a tar archive at all' * 40))

    unchanged = state(tmp_path)
    expectations = {
        truncated: 'truncated or corrupted',
        tampered: 'fails its checksum',
        foreign: 'not a What I Spend backup',
        foreign_manifest: 'not a What I Spend backup',
        newer: 'newer version of the app',
        not_gzip: 'truncated or corrupted',
        gzip_of_junk: 'truncated or corrupted',
    }
    for path, reason in expectations.items():
        message = refused(installation, 'backup', 'restore', '--file', str(path))
        assert reason in message, (path.name, message)
        assert state(tmp_path) == unchanged, path.name  # no safety backup, no swapped database
    assert 'No backup' in refused(installation, 'backup', 'restore', '--file', 'missing')
    assert not list(tmp_path.glob('.restore-*')) and not list((tmp_path / 'backups').glob('.verify-*'))
    # the good one still restores
    assert 'Restored' in ok(installation, 'backup', 'restore', '--file', 'good')


def test_restore_puts_back_the_rows_and_keeps_a_safety_copy(tmp_path: Path, installation) -> None:
    owner = make_user('bob')
    Expense.create(owner=owner, category=Category.create(owner=owner, name='X'), amount_cents=1, date=date(2026, 2, 1))
    Expense.update(description='changed').where(Expense.id == 1).execute()
    out = ok(installation, 'backup', 'restore', '--file', 'good', '--with-config')
    assert 'config.env was restored' in out
    conn = sqlite3.connect(tmp_path / 'whatispend.db')
    assert conn.execute('SELECT COUNT(*) FROM expense').fetchone()[0] == 5
    assert conn.execute('SELECT description FROM expense WHERE id = 1').fetchone()[0] == 'e1'
    assert conn.execute("SELECT COUNT(*) FROM user WHERE username = 'bob'").fetchone()[0] == 0
    conn.close()
    safety = list((tmp_path / 'backups').glob('safety-*.tar.gz'))
    assert len(safety) == 1
    assert backups.verify_backup(safety[0]).row_counts['expense'] == 6


def test_retention_and_the_automatic_backup(tmp_path: Path, database, environment) -> None:
    use_settings(load(environ={**environment, 'BACKUP_INTERVAL_HOURS': '24', 'BACKUP_KEEP': '3'}))
    settings = get_settings()
    make_user('alice')
    backups.create_backup(settings, 'keep-me')
    start = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    # a backup made by hand an hour ago counts: the automatic one is not due yet
    assert backups.run_due_backup(datetime.now(UTC) + timedelta(hours=1), settings) is None
    assert backups.run_due_backup(datetime.now(UTC) + timedelta(hours=25), settings) is not None
    for path in (tmp_path / 'backups').glob('*.tar.gz'):
        path.unlink()
    made = []
    for day in range(6):
        now = start + timedelta(days=day)
        info = backups.run_due_backup(now, settings)
        assert info is not None and info.manifest.kind == 'auto'
        made.append(info.name)
        assert backups.run_due_backup(now + timedelta(hours=23), settings) is None  # not due yet
    names = sorted(p.name for p in (tmp_path / 'backups').glob('backup-*.tar.gz'))
    assert names == sorted(made)[-3:]
    assert backups.seconds_until_due(settings, start + timedelta(days=5, hours=1)) == 3600
    # hand-named archives are never pruned; safety copies are pruned among themselves
    backups.create_backup(settings, 'monthly')
    for n in range(5):
        backups.create_backup(settings, kind='safety', now=start + timedelta(minutes=n))
    removed = backups.prune(settings)
    assert len(removed) == 2 and all(p.name.startswith('safety-') for p in removed)
    assert (tmp_path / 'backups' / 'monthly.tar.gz').exists()
    # BACKUP_INTERVAL_HOURS=0 turns the automatic backup off
    use_settings(load(environ={**environment, 'BACKUP_INTERVAL_HOURS': '0'}))
    assert backups.run_due_backup(start + timedelta(days=100)) is None


def test_backup_cli_names_and_prune(tmp_path: Path, database) -> None:
    make_user('alice')
    env = cli_env(tmp_path, BACKUP_KEEP='2')
    for _ in range(3):
        ok(env, 'backup', 'create')
    assert len(list((tmp_path / 'backups').glob('backup-*.tar.gz'))) == 2  # BACKUP_KEEP after each create
    ok(env, 'backup', 'create', '-o', 'named')
    assert 'already exists' in refused(env, 'backup', 'create', '-o', 'named')
    assert 'may hold only' in refused(env, 'backup', 'create', '-o', 'bad name!')
    elsewhere = tmp_path / 'usb' / 'copy'
    assert str(elsewhere) + '.tar.gz' in ok(env, 'backup', 'create', '-o', str(elsewhere))
    assert '1 backup removed.' in ok(env, 'backup', 'prune', '--keep', '1')
    assert (tmp_path / 'backups' / 'named.tar.gz').exists()


def test_backup_without_a_database_says_what_to_do(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    assert 'db migrate' in refused(env, 'backup', 'create')
    assert 'No backups' in ok(env, 'backup', 'list')


def test_service_errors_are_typed(tmp_path: Path, installation) -> None:
    with pytest.raises(NotFound):
        backups.verify_backup(tmp_path / 'nope.tar.gz')
    with pytest.raises(Conflict):
        backups.create_backup(get_settings(), 'good')
    broken = tmp_path / 'backups' / 'broken.tar.gz'
    broken.write_bytes(b'\x1f\x8b broken')
    listing = {b.name: b for b in backups.list_backups()}
    assert listing['broken.tar.gz'].problem and listing['good.tar.gz'].manifest
    with pytest.raises(Invalid):
        backups.read_manifest(broken)
    assert 'unreadable' in cli(installation, 'backup', 'list').stdout


def test_an_older_backup_is_migrated_after_restore(tmp_path: Path, installation) -> None:
    """A backup from before migration 5 (no legacy_record table) comes back at the current schema."""
    members = members_of(tmp_path / 'backups' / 'good.tar.gz')
    old_db = tmp_path / 'old.sqlite3'
    old_db.write_bytes(members['database.sqlite3'])
    conn = sqlite3.connect(old_db)
    conn.execute('DROP TABLE legacy_record')
    conn.execute('DELETE FROM schema_version WHERE version > 1')
    conn.commit()
    counts = {
        t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
        for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
    }
    conn.close()
    data = old_db.read_bytes()
    manifest = json.loads(members['manifest.json'])
    manifest.update(schema_version=1, row_counts=counts)
    manifest['members']['database.sqlite3'] = {'sha256': hashlib.sha256(data).hexdigest(), 'size': len(data)}
    archive_with(
        tmp_path / 'backups' / 'old.tar.gz',
        {'manifest.json': json.dumps(manifest).encode(), 'database.sqlite3': data, 'config.env': members['config.env']},
    )
    out = ok(installation, 'backup', 'restore', '--file', 'old')
    assert 'Applied migration 5: legacy import records' in out
    conn = sqlite3.connect(tmp_path / 'whatispend.db')
    assert conn.execute('SELECT MAX(version) FROM schema_version').fetchone()[0] == LATEST_SCHEMA
    assert conn.execute('SELECT COUNT(*) FROM expense').fetchone()[0] == 5
    conn.close()


def test_restore_onto_a_new_machine_without_a_database(tmp_path: Path, installation) -> None:
    """Disaster recovery: a fresh installation with no database yet takes the archive as it is."""
    fresh = tmp_path / 'new-machine'
    fresh.mkdir()
    env = cli_env(fresh)
    out = ok(env, 'backup', 'restore', '--file', str(tmp_path / 'backups' / 'good.tar.gz'))
    assert 'Restored' in out and 'previous state' not in out  # nothing to keep a safety copy of
    conn = sqlite3.connect(fresh / 'whatispend.db')
    assert conn.execute('SELECT COUNT(*) FROM expense').fetchone()[0] == 5
    conn.close()
    assert 'Users        1' in ok(env, 'status')


# --- archives that expand beyond what they announce (issue 13, item 8) ------------------------------

BOMB_BYTES = 300 << 20  # 300 MB of zeros: about 300 kB compressed


class Zeros(io.RawIOBase):
    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        self.left -= size
        return bytes(size)


def bomb(path: Path, manifest: dict, members: list[tuple[str, int, str]]) -> Path:
    """An archive with `manifest.json` first, then members (name, size, type) of zeros or links."""
    with tarfile.open(path, 'w:gz', compresslevel=1) as tar:
        data = json.dumps(manifest).encode()
        info = tarfile.TarInfo('manifest.json')
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        for name, size, kind in members:
            info = tarfile.TarInfo(name)
            if kind == 'link':
                info.type, info.linkname = tarfile.SYMTYPE, '/etc/passwd'
                tar.addfile(info)
            else:
                info.size = size
                tar.addfile(info, Zeros(size))
    return path


@pytest.fixture
def live(tmp_path: Path, database, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The live database with rows, a real backup's manifest to forge from, and a count of the bytes
    extraction writes."""
    owner = make_user('alice')
    Category.create(owner=owner, name='Food')
    good = backups.create_backup(get_settings(), 'good')
    manifest = json.loads(members_of(good.path)['manifest.json'])
    written = []
    real_copy = backups.backup_extract._copy

    def counting_copy(handle, out, limit, name, where):
        try:
            return real_copy(handle, out, limit, name, where)
        finally:
            written.append(out.tell())

    monkeypatch.setattr(backups.backup_extract, '_copy', counting_copy)
    database_file = tmp_path / 'whatispend.db'
    return {'manifest': manifest, 'written': written, 'db': database_file, 'before': sha256(database_file)}


def refused_restore(live: dict, archive: Path, max_bytes: int | None = 8 << 20) -> str:
    before = sorted(p.name for p in live['db'].parent.iterdir())
    with pytest.raises(Invalid) as caught:
        backups.restore_backup(get_settings(), str(archive), max_bytes=max_bytes)
    assert sha256(live['db']) == live['before'], 'the live database must be untouched'
    assert sorted(p.name for p in live['db'].parent.iterdir()) == before, 'no staging files left behind'
    return caught.value.message


def test_a_bomb_announced_in_its_manifest_is_refused_before_writing(tmp_path: Path, live: dict) -> None:
    manifest = live['manifest']
    manifest['members'] = {'database.sqlite3': {'sha256': '0' * 64, 'size': BOMB_BYTES}}
    archive = bomb(tmp_path / 'bomb.tar.gz', manifest, [('database.sqlite3', BOMB_BYTES, 'file')])
    assert archive.stat().st_size < 2 << 20
    message = refused_restore(live, archive)
    assert 'would expand to 300.0 MB, more than the 8.0 MB allowed' in message
    assert live['written'] == []


def test_a_manifest_lying_about_sizes_is_refused_at_the_first_excess(tmp_path: Path, live: dict) -> None:
    manifest = live['manifest']  # says the real, small sizes
    archive = bomb(tmp_path / 'liar.tar.gz', manifest, [('database.sqlite3', BOMB_BYTES, 'file')])
    message = refused_restore(live, archive, max_bytes=None)
    assert 'database.sqlite3 is 300.0 MB but its manifest says' in message
    assert sum(live['written']) <= sum(m['size'] for m in manifest['members'].values())


def test_not_enough_free_space_is_refused(tmp_path: Path, live: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = live['manifest']
    manifest['members'] = {'database.sqlite3': {'sha256': '0' * 64, 'size': 200 << 20}}
    archive = bomb(tmp_path / 'big.tar.gz', manifest, [('database.sqlite3', 200 << 20, 'file')])
    usage = backups.backup_extract.shutil.disk_usage(tmp_path)
    monkeypatch.setattr(backups.backup_extract.shutil, 'disk_usage', lambda path: usage._replace(free=100 << 20))
    message = refused_restore(live, archive, max_bytes=None)
    assert 'would expand to 200.0 MB but only 100.0 MB are free' in message
    assert live['written'] == []


@pytest.mark.parametrize(
    ('member', 'kind', 'expected'),
    [
        ('database.sqlite3', 'link', 'is a link or a special file'),
        ('../evil', 'file', "unexpected member '../evil'"),
        ('/tmp/evil', 'file', "unexpected member '/tmp/evil'"),
        ('config.env', 'file', "unexpected member 'config.env'"),  # not in this manifest
    ],
)
def test_members_outside_the_manifest_are_refused(tmp_path: Path, live: dict, member, kind, expected) -> None:
    manifest = live['manifest']
    manifest['members'] = {'database.sqlite3': manifest['members']['database.sqlite3']}
    archive = bomb(tmp_path / 'odd.tar.gz', manifest, [(member, 10, kind)])
    assert expected in refused_restore(live, archive)
    assert not (tmp_path / 'evil').exists() and not Path('/tmp/evil').exists()


def test_a_stream_longer_than_announced_stops_at_the_limit() -> None:
    out = io.BytesIO()
    with pytest.raises(Invalid, match='larger than its manifest says'):
        backups.backup_extract._copy(Zeros(5 << 20), out, 1 << 20, 'database.sqlite3', 'x.tar.gz')
    assert out.tell() <= 1 << 20
