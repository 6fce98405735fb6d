"""`manage.py db copy --to URL`: every row of every table into an empty database, SQLite to PostgreSQL and
back (against a real server, tests/postgres_server.py; skipped without one) and SQLite to SQLite; counts and
money sums checked; a non-empty target, a bad URL or a failure half-way leave the target as it was."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path

import psycopg
import pytest

from app.config import get_settings, load, use_settings
from app.db import close_database, open_database
from app.migrations import run_migrations
from app.models import ALL_MODELS, Category, Expense
from app.services import db_copy, server_control
from app.services.errors import Conflict, Invalid
from app.services.server_control import ServerState
from tests.builders import add, basics, link, make_user
from tests.operations_helpers import cli_env, ok, refused
from tests.postgres_server import fresh_database, needs_postgres

TABLES = sorted(m._meta.table_name for m in ALL_MODELS)


def sqlite_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The CLI's environment for the installation in `tmp_path`, on its SQLite file (on either run of the suite)."""
    return cli_env(tmp_path, **{'DATABASE_URL': f'sqlite:///{tmp_path / "whatispend.db"}', **overrides})


@pytest.fixture(autouse=True)
def source(tmp_path: Path, environment, monkeypatch: pytest.MonkeyPatch) -> None:
    """The installation copied from: a migrated SQLite file, also on the suite's PostgreSQL run (PostgreSQL is
    then the target, and the source of the copy back)."""
    monkeypatch.setenv('DATABASE_URL', sqlite_env(tmp_path)['DATABASE_URL'])
    use_settings(load())
    open_database(get_settings().database_url)
    run_migrations()
    yield
    close_database()


@pytest.fixture
def seeded() -> dict:
    """Two linked users with categories, expenses (one hostile, one in a subcategory), tags, and a category
    whose parent was created after it (its row must still come after its parent's)."""
    alice, bob = make_user('alice', admin=True), make_user('bob')
    link(alice, bob)
    things = basics(alice)
    early = Category.create(owner=alice, name='Early child')
    for n in range(30):
        add(alice, things, amount=f'{n + 1}.{n:02d}', date=f'2026-0{1 + n % 9}-1{n % 9}', description=f'market {n}')
    add(
        alice,
        things,
        amount='12345.67',
        description='<img src=x onerror=alert(1)> «déjà»',
        place='Café',
        tags='vacances, été',
    )
    add(alice, things, subcategory_id=things['groceries'].id, description='subcategory')
    later = Category.create(owner=alice, name='Late parent')
    Category.update(parent=later).where(Category.id == early.id).execute()
    Expense.create(
        owner=bob, category=basics(bob)['food'].id, amount_cents=99, date=date(2026, 3, 1), description='bob'
    )
    return {'alice': alice, 'things': things}


def sqlite_rows(path: Path) -> dict[str, list[tuple]]:
    connection = sqlite3.connect(f'file:{path}?mode=ro', uri=True)
    try:
        return {t: connection.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in TABLES}
    finally:
        connection.close()


def pg_query(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url) as connection:
        cursor = connection.execute(sql)
        return cursor.fetchall() if cursor.description else []


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_copy_into_a_new_sqlite_file_keeps_every_row(tmp_path: Path, seeded: dict) -> None:
    close_database()
    target = tmp_path / 'copy' / 'other.db'
    out = ok(sqlite_env(tmp_path), 'db', 'copy', '--to', f'sqlite:///{target}')
    assert 'the rows and money sums of every table match' in out
    assert 'expense ' in out and 'amount_cents 1282601' in out  # the table of what was copied
    assert 'DATABASE_URL=sqlite:///' in out
    assert sqlite_rows(target) == sqlite_rows(tmp_path / 'whatispend.db')
    assert not [p.name for p in target.parent.iterdir() if p.name != 'other.db']  # no partial file, no WAL
    connection = sqlite3.connect(target)
    hits = connection.execute("SELECT COUNT(*) FROM expense_fts WHERE expense_fts MATCH 'market'").fetchone()[0]
    connection.close()
    assert hits == 30  # the search index was filled as the rows went in


@needs_postgres
def test_sqlite_to_postgresql_and_back_gives_the_same_rows(tmp_path: Path, seeded: dict) -> None:
    close_database()
    original = sqlite_rows(tmp_path / 'whatispend.db')
    with fresh_database('pgcopy') as url:
        out = ok(sqlite_env(tmp_path), 'db', 'copy', '--to', url)
        assert f'into {url}' in out
        total = sum(len(rows) for rows in original.values())
        assert f'Copied {total} rows of {len(TABLES)} tables' in out
        assert pg_query(url, 'SELECT COUNT(*), SUM(amount_cents) FROM expense')[0] == (33, 46935 + 1234567 + 1000 + 99)
        assert pg_query(url, "SELECT description FROM expense WHERE place = 'Café'")[0][0].startswith('<img')
        # the app runs on the copy: the id sequences carry on after the copied ids
        open_database(url)
        created = add(seeded['alice'], seeded['things'], amount='1.00', description='after the move')
        assert created.id == 34
        Expense.delete().where(Expense.id == created.id).execute()
        close_database()
        back = tmp_path / 'back.db'
        out = ok(sqlite_env(tmp_path, DATABASE_URL=url), 'db', 'copy', '--to', f'sqlite:///{back}')
        assert 'the rows and money sums of every table match' in out
    assert sqlite_rows(back) == original


@needs_postgres
def test_a_non_empty_postgresql_target_is_refused_naming_the_table(tmp_path: Path, seeded: dict) -> None:
    close_database()
    with fresh_database('pgcopy') as url:
        pg_query(url, 'CREATE TABLE notes (id int)')
        pg_query(url, 'INSERT INTO notes VALUES (1), (2)')
        with psycopg.connect(url) as connection:
            connection.execute('CREATE TABLE notes2 (id int)')  # committed by the block
        message = refused(sqlite_env(tmp_path), 'db', 'copy', '--to', url)
        assert 'table notes holds 2 rows' in message and 'new, empty database' in message
        tables = {row[0] for row in pg_query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        assert tables == {'notes', 'notes2'}  # nothing created


@needs_postgres
def test_a_failure_half_way_leaves_the_postgresql_target_empty(seeded: dict, monkeypatch) -> None:
    real = db_copy._copy_table

    def failing(source, target, model):
        if model._meta.table_name == 'expense_tag':
            raise Invalid('the disk is full')
        return real(source, target, model)

    monkeypatch.setattr(db_copy, '_copy_table', failing)
    with fresh_database('pgcopy') as url:
        with pytest.raises(Invalid, match='the disk is full'):
            db_copy.copy_database(get_settings(), url)
        assert pg_query(url, "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")[0][0] == 0
    assert Expense.select().count() == 33  # the installation is bound to its own database again


def test_a_non_empty_sqlite_target_is_refused_and_left_alone(tmp_path: Path, seeded: dict) -> None:
    other = tmp_path / 'other.db'
    connection = sqlite3.connect(other)
    connection.execute('CREATE TABLE "user" (id INTEGER PRIMARY KEY, username TEXT)')
    connection.execute('INSERT INTO "user" VALUES (1, \'someone\')')
    connection.commit()
    connection.close()
    before = digest(other)
    close_database()
    message = refused(sqlite_env(tmp_path), 'db', 'copy', '--to', f'sqlite:///{other}')
    assert 'table user holds 1 row.' in message
    assert digest(other) == before
    assert sorted(p.name for p in tmp_path.glob('*other.db*')) == ['other.db']


def test_a_mismatch_or_a_failure_leaves_no_sqlite_file(tmp_path: Path, seeded: dict, monkeypatch) -> None:
    real = db_copy._figures

    def short_on_money(database, model):
        rows, sums = real(database, model)
        if database is not db_copy.db.obj and model is Expense:  # only what the target holds differs
            sums = {column: total - 1 for column, total in sums.items()}
        return rows, sums

    monkeypatch.setattr(db_copy, '_figures', short_on_money)
    target = tmp_path / 'other.db'
    with pytest.raises(Invalid, match='Table expense did not copy exactly'):
        db_copy.copy_database(get_settings(), f'sqlite:///{target}')
    assert not list(tmp_path.glob('*other.db*'))
    assert Expense.select().count() == 33


@pytest.mark.parametrize(
    ('to', 'expected'),
    [
        ('mysql://root@localhost/money', 'is not a database to copy into'),
        ('nonsense', 'is not a database to copy into'),
        ('sqlite:///:memory:', 'is not a database to copy into'),
        ('postgresql://spender:s3cret@db.example/', 'names no database'),
        ('SAME', 'names the database in use'),
    ],
)
def test_bad_targets_are_refused(tmp_path: Path, to: str, expected: str) -> None:
    env = sqlite_env(tmp_path)
    to = env['DATABASE_URL'] if to == 'SAME' else to
    close_database()
    message = refused(env, 'db', 'copy', '--to', to)
    assert expected in message and 's3cret' not in message


def test_the_server_must_be_stopped(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(server_control, 'server_status', lambda *a, **k: ServerState(running=True, pid=4242))
    with pytest.raises(Conflict, match='The server is running \\(pid 4242\\)'):
        db_copy.copy_database(get_settings(), f'sqlite:///{tmp_path / "other.db"}')
    assert not (tmp_path / 'other.db').exists()


def test_passwords_are_not_shown() -> None:
    assert db_copy.shown('postgresql://spender:s3cret@db.example:5432/money') == (
        'postgresql://spender:***@db.example:5432/money'
    )
    assert db_copy.shown('sqlite:///data/x.db') == 'sqlite:///data/x.db'
