"""The migrations in app/migrations: frozen, in order, and together equal to the models.

Each migration carries its own copy of the tables it creates, so a model change cannot rewrite history;
the price is that the copies and the models could drift apart silently. The schema test below is what
stops that: an empty database migrated to the latest version must be the database the models describe.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from app.db import close_database, db, open_database
from app.migrations import LATEST_SCHEMA, MIGRATIONS, run_migrations, schema_version
from app.models import ALL_MODELS

FOLDER = Path(__file__).resolve().parents[1] / 'app' / 'migrations'
ALLOWED_APP_IMPORTS = {'app.db', 'app.migrations.base'}


def migration_files() -> list[Path]:
    return sorted(FOLDER.glob('v[0-9][0-9][0-9][0-9]_*.py'))


def test_the_registry_lists_every_module_in_version_order() -> None:
    listed = [(m.version, m.apply.__module__) for m in MIGRATIONS]
    on_disk = [(int(p.stem[1:5]), f'app.migrations.{p.stem}') for p in migration_files()]
    assert listed == on_disk
    assert [v for v, _ in listed] == sorted({v for v, _ in listed})
    assert listed[-1][0] == LATEST_SCHEMA


def test_each_migration_defines_its_own_tables_and_imports_nothing_from_the_models() -> None:
    for path in migration_files():
        tree = ast.parse(path.read_text())
        imported = [node.module or '' for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        from_app = {name for name in imported if name == 'app' or name.startswith('app.')}
        assert from_app <= ALLOWED_APP_IMPORTS, f'{path.name} imports {from_app - ALLOWED_APP_IMPORTS}'
        classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
        calls = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == 'create_tables'
        ]
        for call in calls:  # a literal list of names, so that this test can see which classes they are
            assert isinstance(call.args[0], ast.List), f'{path.name}: create_tables takes a literal list'
            created = {element.id if isinstance(element, ast.Name) else '?' for element in call.args[0].elts}
            assert created <= classes, f'{path.name} creates tables it does not define: {created - classes}'


def schema() -> dict[str, dict[str, object]]:
    """What the DDL says about every table (SQLite): columns in order, indexes, foreign keys, CHECKs.
    Column defaults are left out: the models keep theirs in Python, a column added to a table with rows
    needs one in the DDL. The full-text index of migration 12 (`expense_fts*`, SQLite only) is derived from
    `expense` and has no model, so it is left out too, as are migration 19's counters (`expense_watch`)."""
    names = db.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name != 'schema_version' AND name NOT LIKE 'expense_fts%' AND name != 'expense_watch' ORDER BY name"
    ).fetchall()
    return {
        name: {
            'columns': [(c.name, c.data_type.upper(), c.null, c.primary_key) for c in db.get_columns(name)],
            'indexes': sorted((i.name, tuple(i.columns), i.unique) for i in db.get_indexes(name)),
            'foreign keys': sorted(
                tuple(row[2:7]) for row in db.execute_sql(f'PRAGMA foreign_key_list("{name}")').fetchall()
            ),
            'checks': re.findall(r'CHECK \([^)]*\)', sql),
        }
        for name, sql in names
    }


def schema_of(url: str, build) -> dict[str, dict[str, object]]:
    open_database(url)
    try:
        build()
        return schema()
    finally:
        close_database()


def test_migrating_an_empty_database_gives_the_schema_of_the_models(tmp_path: Path) -> None:
    migrated = schema_of(f'sqlite:///{tmp_path / "migrated.db"}', run_migrations)
    modelled = schema_of(f'sqlite:///{tmp_path / "models.db"}', lambda: db.create_tables(ALL_MODELS))
    assert sorted(migrated) == sorted(modelled)
    for table in modelled:
        assert migrated[table] == modelled[table], table


def test_a_database_made_by_the_old_single_step_migration_1_opens_unchanged(tmp_path: Path) -> None:
    """Before the migrations were frozen, migration 1 created the models of its day and later ones were
    no-ops on it: such a database at the latest schema (or at 1, made with today's models) needs nothing."""
    url = f'sqlite:///{tmp_path / "main.db"}'

    def made_by_main(versions: tuple[int, ...]) -> None:
        db.create_tables(ALL_MODELS, safe=True)
        db.execute_sql('CREATE TABLE schema_version (version INTEGER NOT NULL)')
        for version in versions:
            db.execute_sql(f'INSERT INTO schema_version (version) VALUES ({version})')

    before = schema_of(url, lambda: made_by_main(tuple(m.version for m in MIGRATIONS)))
    open_database(url)
    try:
        assert run_migrations() == []
        assert schema() == before
        db.execute_sql('DELETE FROM schema_version WHERE version > 1')
        assert len(run_migrations()) == len(MIGRATIONS) - 1
        assert schema() == before and schema_version() == LATEST_SCHEMA
    finally:
        close_database()


def test_an_older_database_keeps_its_rows_through_every_later_migration(tmp_path: Path) -> None:
    """A schema-1 database with an account, a category and an expense: adding the NOT NULL user columns
    of migration 7 must not rebuild the `user` table (dropping it would cascade to every row below it)."""
    open_database(f'sqlite:///{tmp_path / "old.db"}')
    try:
        db.execute_sql('CREATE TABLE schema_version (version INTEGER NOT NULL)')
        with db.atomic():
            MIGRATIONS[0].apply()
            db.execute_sql('INSERT INTO schema_version (version) VALUES (1)')
        db.execute_sql(
            'INSERT INTO user (username, username_key, password_hash, is_admin, theme, currency, locale, timezone, '
            "capture_location, created_at) VALUES ('Ann', 'ann', '', 1, 'auto', 'EUR', 'fr-FR', '', 0, '2026-01-01')"
        )
        db.execute_sql("INSERT INTO category (owner_id, name, color, icon, created_at) VALUES (1, 'Food', '', '', '')")
        db.execute_sql(
            'INSERT INTO expense (owner_id, amount_cents, date, category_id, description, place, created_at, '
            "updated_at) VALUES (1, 1250, '2026-01-15', 1, 'bread', '', '', '')"
        )
        assert run_migrations() == [f'{m.version}: {m.name}' for m in MIGRATIONS[1:]]
        counts = [db.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in ('user', 'category', 'expense')]
        assert counts == [1, 1, 1]
        user = db.execute_sql('SELECT totp_secret, totp_pending, totp_last_step FROM user').fetchone()
        assert tuple(user) == ('', '', 0)
        assert schema_version() == LATEST_SCHEMA
    finally:
        close_database()
