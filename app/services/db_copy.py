"""Copying the whole database into another one: SQLite to PostgreSQL and back (`manage.py db copy --to URL`).

A backup moves a database within its engine (its dump is of that engine); this moves an installation
between engines. The target gets its schema from the migrations, as the app would give it, then every row
of every table in dependency order (parents before children, categories before their subcategories) with
the ids it had, so every reference stays true; PostgreSQL's sequences then continue after the highest id.
Each table's row count and the sum of each money column must come out the same on both sides.

All or nothing: on PostgreSQL everything happens in one transaction, a SQLite target is built beside its
final name and renamed into place at the end. A target holding any row is refused (naming the table): the
copy never merges into, or overwrites, data.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from peewee import AutoField, Database, ForeignKeyField, Model, SqliteDatabase, sort_models  # type: ignore[attr-defined]

from app.config import Settings
from app.db import close_database, db, open_database, sqlite_path
from app.i18n import Message, Plural
from app.migrations import LATEST_SCHEMA, run_migrations, schema_version
from app.models import ALL_MODELS
from app.services import server_control
from app.services.backup_postgres import connection_parameters, is_postgres_url
from app.services.errors import Conflict, Invalid

BATCH = 500
# tables the migrations keep for themselves: the schema's history, and SQLite's full-text index of expenses
# (filled again by its triggers as the expenses are inserted)
OWN_TABLES = ('schema_version',)
DERIVED_PREFIXES = ('expense_fts', 'expense_watch', 'sqlite_')  # rebuilt by the target's own triggers


@dataclass(frozen=True, slots=True)
class TableCopy:
    table: str
    rows: int
    sums: dict[str, int]  # money column -> total cents, the same on both sides


@dataclass(frozen=True, slots=True)
class CopyResult:
    source: str  # URLs as shown: without their password
    target: str
    schema_version: int
    tables: tuple[TableCopy, ...]

    @property
    def total_rows(self) -> int:
        return sum(table.rows for table in self.tables)


def shown(url: str) -> str:
    """A database URL fit to print: its password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f':{parts.password}@', ':***@', 1)
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _check_target(url: str, source_url: str) -> Path | None:
    """The target's SQLite file (None: PostgreSQL); Invalid for a URL this copy cannot write into."""
    url = url.strip()
    if is_postgres_url(url):
        connection_parameters(url)  # names a database
    elif sqlite_path(url) is None:
        raise Invalid(
            Message(
                '--to {url} is not a database to copy into; expected sqlite:///path/to/file.db or '
                'postgresql://user@host/dbname.',
                url=shown(url),
            ),
            field='to',
        )
    path = sqlite_path(url)
    if url == source_url or (path is not None and path == sqlite_path(source_url)):
        raise Invalid(Message('--to names the database in use; name another one.'), field='to')
    return path


def _tables(database: Database) -> list[str]:
    return [t for t in database.get_tables() if t not in OWN_TABLES and not t.startswith(DERIVED_PREFIXES)]


def _refuse_rows(database: Database) -> None:
    for table in sorted(database.get_tables()):
        if table in OWN_TABLES or table.startswith(DERIVED_PREFIXES):
            continue
        rows = database.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        if rows:
            raise Conflict(
                Plural(
                    'The target database is not empty: table {table} holds {n} row. Copy into a new, empty database.',
                    'The target database is not empty: table {table} holds {n} rows. Copy into a new, empty database.',
                    n=rows,
                    table=table,
                ),
                field='to',
            )


def _money_columns(model: type[Model]) -> list[str]:
    return [f.column_name for f in model._meta.sorted_fields if f.column_name.endswith('_cents')]


def _figures(database: Database, model: type[Model]) -> tuple[int, dict[str, int]]:
    """Row count and money sums of a table, read from `database`."""
    money = _money_columns(model)
    sums = ''.join(f', COALESCE(SUM("{column}"), 0)' for column in money)
    row = database.execute_sql(f'SELECT COUNT(*){sums} FROM "{model._meta.table_name}"').fetchone()
    return int(row[0]), {column: int(value) for column, value in zip(money, row[1:], strict=True)}


def _rows(source: Database, model: type[Model]) -> Iterator[tuple]:
    """Every row of the table, in an order the target accepts: by id in pages, or (a table referring to
    itself) each row after the row it refers to."""
    meta = model._meta
    fields = meta.sorted_fields
    own = [i for i, f in enumerate(fields) if isinstance(f, ForeignKeyField) and f.rel_model is model]
    key = meta.primary_key
    if own or not isinstance(key, AutoField):
        rows: list[Any] = list(model.select(*fields).order_by(key).tuples().bind(source))
        yield from _parents_first(rows, fields.index(key), own) if own else rows
        return
    last = None
    while True:
        query = model.select(*fields).order_by(key).limit(BATCH * 10).tuples()
        page: list[Any] = list((query if last is None else query.where(key > last)).bind(source))
        yield from page
        if len(page) < BATCH * 10:
            return
        last = page[-1][fields.index(key)]


def _parents_first(rows: list[tuple], key: int, refs: list[int]) -> list[tuple]:
    done: set[Any] = set()
    ordered: list[tuple] = []
    while rows:
        ready = [r for r in rows if all(r[i] is None or r[i] in done or r[i] == r[key] for i in refs)]
        if not ready:  # a cycle: left for the database to refuse, naming the constraint
            ready = rows
        ordered += ready
        done.update(r[key] for r in ready)
        rows = [r for r in rows if r[key] not in done]
    return ordered


def _copy_table(source: Database, target: Database, model: type[Model]) -> TableCopy:
    fields = model._meta.sorted_fields
    batch: list[tuple] = []
    for row in _rows(source, model):
        batch.append(row)
        if len(batch) == BATCH:
            model.insert_many(batch, fields=fields).bind(target).execute()
            batch = []
    if batch:
        model.insert_many(batch, fields=fields).bind(target).execute()
    table = model._meta.table_name
    expected, got = _figures(source, model), _figures(target, model)
    if expected != got:
        raise Invalid(
            Message(
                'Table {table} did not copy exactly (rows and money sums {expected} here, {got} there); '
                'nothing was kept.',
                table=table,
                expected=expected,
                got=got,
            )
        )
    return TableCopy(table, expected[0], expected[1])


def _reset_sequences(target: Database, models: list[type[Model]]) -> None:
    """PostgreSQL: each id sequence continues after the highest id copied (SQLite's rowids do by themselves)."""
    for model in models:
        key = model._meta.primary_key
        if isinstance(key, AutoField):
            table, column = model._meta.table_name, key.column_name
            target.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                f'COALESCE(MAX("{column}"), 0) + 1, false) FROM "{table}"'
            )


def copy_database(settings: Settings, to: str) -> CopyResult:
    """Copy the installation's database (DATABASE_URL, at the current schema) into the empty database `to`."""
    to = str(to).strip()
    path = _check_target(to, settings.database_url)
    state = server_control.server_status(settings, measure_cpu=False)
    if state.running:
        raise Conflict(
            Message(
                'The server is running (pid {pid}); stop it first (`manage.py server stop`): '
                'what it wrote during the copy would not be copied.',
                pid=state.pid,
            )
        )
    models = sort_models(ALL_MODELS)
    open_database(settings.database_url)
    source = db.obj
    version = schema_version()
    if version != LATEST_SCHEMA:
        raise Invalid(
            Message('The database is at schema {version}; run `manage.py db migrate` first.', version=version)
        )
    uncovered = sorted(set(_tables(source)) - {m._meta.table_name for m in models})
    if uncovered:
        raise Invalid(
            Message(
                'Tables unknown to this version of the app: {tables}; nothing was copied.', tables=', '.join(uncovered)
            )
        )
    building = None if path is None else path.with_name(f'.{path.name}.copy-{os.getpid()}')
    try:
        if path is not None and path.exists():  # looked at read-only: a refused target is not touched at all
            existing = SqliteDatabase(f'file:{path}?mode=ro', uri=True)
            try:
                _refuse_rows(existing)
            finally:
                existing.close()
        open_database(to if building is None else f'sqlite:///{building}')
        target = db.obj
        with target.atomic() if building is None else contextlib.nullcontext():
            _refuse_rows(target)
            try:
                run_migrations()  # through the proxy, now bound to the target
            except RuntimeError as exc:  # a target newer than this app
                raise Invalid(
                    Message('The target database cannot take this copy: {problem}', problem=str(exc))
                ) from None
            with target.atomic(), source.atomic():
                if is_postgres_url(settings.database_url):
                    source.execute_sql('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY')
                copied = tuple(_copy_table(source, target, model) for model in models)
                if building is None:
                    _reset_sequences(target, models)
        if building is not None:
            target.close()
            _finish_sqlite(building, path)  # type: ignore[arg-type]
    finally:
        close_database()
        if building is not None:
            for leftover in building.parent.glob(building.name + '*'):
                leftover.unlink(missing_ok=True)
        open_database(settings.database_url)
    return CopyResult(shown(settings.database_url), shown(to), version, copied)


def _finish_sqlite(building: Path, path: Path) -> None:
    """Fold the WAL into the new file and put it in place with one rename."""
    connection = sqlite3.connect(str(building))
    try:
        connection.execute('PRAGMA wal_checkpoint(TRUNCATE)')
        connection.execute('PRAGMA journal_mode = DELETE')
    finally:
        connection.close()
    for extra in ('-wal', '-shm', '-journal'):
        Path(str(path) + extra).unlink(missing_ok=True)
    os.replace(building, path)
