"""The PostgreSQL run of the suite: WIS_TEST_POSTGRES names a server, each test folder gets a database.

Every test starts from what it would have on SQLite: an empty database, or, for a test that asks for the
`database` fixture or NiceGUI's `user` (both run the migrations first thing), a freshly migrated one with
no rows. Making that per test is too slow on a busy machine (at a load of 15 on 2 cores `CREATE DATABASE`
takes 0.4-1 s, the migrations 0.8 s against 0.14 s on SQLite), so each worker keeps its databases and
cleans the ones a test used when it ends: the test's connections are ended (a server or a worker thread
may still hold one), then a database whose schema is exactly the migrated one (tables, columns, indexes,
triggers, the versions run) is emptied with DELETE and its sequences restarted (ids start at 1 again, as in a
new SQLite file) and kept as migrated; any other gets `DROP SCHEMA public CASCADE` and a new `public`.

A database asked for between tests (by a module-scoped fixture, such as the real server the tour or the
XSS tests share across their tests) belongs to the module, not to the test that happens to run first:
it is cleaned when the module ends (`end_module`), so the server keeps its rows from one test to the next.

Names carry the worker's process id, so parallel workers (and parallel runs on one cluster) never meet;
`drop_all` removes them when the worker's session ends. Unset, or in a test or module marked `sqlite_only`,
`database_for` answers None and the test uses its SQLite file.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SERVER = os.environ.get('WIS_TEST_POSTGRES', '').strip()

_names = itertools.count(1)
_empty: list[str] = []  # databases with nothing in them
_migrated: list[str] = []  # databases at the current schema, with no rows but the versions run
_in_use: dict[Path, str] = {}  # the current test's: folder -> database
_module: dict[Path, str] = {}  # the current module's (asked for between tests): folder -> database
_all: list[str] = []
_fingerprint: tuple | None = None  # the migrated schema, as _schema_of reads it
_sqlite_only = False
_module_sqlite_only = False
_in_test = False

_SCHEMA_QUERIES = (
    'SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns '
    "WHERE table_schema = 'public' ORDER BY 1, 2",
    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
    'SELECT trigger_name, event_manipulation, event_object_table, action_statement '
    "FROM information_schema.triggers WHERE trigger_schema = 'public' ORDER BY 1, 2, 3",
    'SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace '
    "WHERE n.nspname = 'public' AND p.prokind IN ('f', 'p') ORDER BY 1, 2",
    'SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace '
    "WHERE n.nspname = 'public' ORDER BY 1",
    'SELECT extname FROM pg_extension ORDER BY 1',
)


def enabled() -> bool:
    """This run is the PostgreSQL run (the whole suite against WIS_TEST_POSTGRES)."""
    return bool(SERVER)


def url_of(name: str) -> str:
    """WIS_TEST_POSTGRES with its database replaced by `name` (user, host, port and options kept)."""
    parts = urlsplit(SERVER)
    return urlunsplit((parts.scheme, parts.netloc, '/' + name, parts.query, ''))


def _connect(name: str):
    import psycopg

    return psycopg.connect(url_of(name), autocommit=True)


def begin_test(sqlite_only: bool) -> None:
    global _sqlite_only, _in_test
    _sqlite_only = sqlite_only
    _in_test = True


def begin_module(sqlite_only: bool) -> None:
    """A module starts: what its module-scoped fixtures ask for before its first test is the module's."""
    global _module_sqlite_only
    _module_sqlite_only = sqlite_only


def _new_database() -> str:
    name = f'wis_test_{os.getpid()}_{next(_names)}'
    with _connect('postgres') as admin:
        admin.execute(f'CREATE DATABASE {name} TEMPLATE template0')
    _all.append(name)
    return name


def _schema_of(connection) -> tuple:
    parts = [tuple(map(tuple, connection.execute(query).fetchall())) for query in _SCHEMA_QUERIES]
    try:
        versions = tuple(row[0] for row in connection.execute('SELECT version FROM schema_version ORDER BY 1'))
    except Exception:  # noqa: BLE001 - no schema_version table: not a migrated database
        return (*parts, None)
    return (*parts, versions)


def _migrate(name: str) -> None:
    """Run the app's migrations on `name`, the proxy left as it was (nothing is open at set-up anyway)."""
    global _fingerprint
    from app.db import db, open_database
    from app.migrations import run_migrations

    before = db.obj
    open_database(url_of(name))
    try:
        run_migrations()
    finally:
        db.close()
        db.initialize(before)
    if _fingerprint is None:
        with _connect(name) as connection:
            _fingerprint = _schema_of(connection)


def database_for(folder: Path, migrated: bool = False) -> str | None:
    """The URL of the database of the test installation in `folder`: empty, or freshly migrated with no
    rows when `migrated` (the first call for a folder decides); None on SQLite."""
    if not SERVER or (_sqlite_only if _in_test else _module_sqlite_only):
        return None
    folder = Path(folder).resolve()
    if folder in _module:
        return url_of(_module[folder])
    if folder not in _in_use:
        if migrated:
            if _migrated:
                name = _migrated.pop()
            else:
                name = _empty.pop() if _empty else _new_database()
                _migrate(name)
        else:
            name = _empty.pop() if _empty else _new_database()
        if _in_test:
            _in_use[folder] = name
        else:
            _module[folder] = name
            return url_of(name)
    return url_of(_in_use[folder])


def _clean(name: str) -> None:
    """Back to the migrated pool when the schema is the migrated one, else emptied to the empty pool."""
    with _connect('postgres') as admin:
        admin.execute(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()',
            (name,),
        )
    with _connect(name) as connection:
        if _fingerprint is not None and _schema_of(connection) == _fingerprint:
            # DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE makes new files for every table
            # and index (0.6 s); the foreign keys' triggers are off meanwhile (session_replication_role)
            found = connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            tables = [row[0] for row in found if row[0] != 'schema_version']
            with connection.transaction():
                connection.execute('SET LOCAL session_replication_role = replica')
                for table in tables:
                    connection.execute(f'DELETE FROM "{table}"')
                connection.execute(
                    'SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace '
                    "WHERE n.nspname = 'public' AND c.relkind = 'S'"
                )
            _migrated.append(name)
            return
        connection.execute('DROP SCHEMA IF EXISTS public CASCADE')
        connection.execute('CREATE SCHEMA public')
        _empty.append(name)


def end_test() -> None:
    """Clean the databases the test used and put them back for the next test."""
    global _sqlite_only, _in_test
    _sqlite_only = False
    _in_test = False
    names = list(_in_use.values())
    _in_use.clear()
    _give_back(names)


def end_module() -> None:
    """Clean the databases the module's fixtures used (their servers are stopped by now)."""
    global _module_sqlite_only
    _module_sqlite_only = False
    names = list(_module.values())
    _module.clear()
    _give_back(names)


def _give_back(names: list[str]) -> None:
    for name in names:
        try:
            _clean(name)
        except Exception:  # noqa: BLE001 - a database that cannot be cleaned is dropped, not reused
            with _connect('postgres') as admin:
                admin.execute(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')
            _all.remove(name)


def drop_all() -> None:
    """Drop this worker's databases (end of its session)."""
    if not _all:
        return
    with _connect('postgres') as admin:
        for name in _all:
            admin.execute(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')
    _all.clear()
    _module.clear()
    _empty.clear()
    _migrated.clear()
