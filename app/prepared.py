"""Hot queries whose SQL peewee builds once per kind of database (issue 21, bench/peers.py).

Turning a model select into SQL costs peewee about 0.35 ms for the token look-up or an expense's row
(25 columns, four joins), more than SQLite takes to run it, and an API call asks for several such queries.
A prepared query is built by peewee the first time (its SQL and its row reader are kept); later calls
only bind their parameters.

The caller gives the parameters in the order peewee binds them. With WIS_CHECK_PREPARED=1 (the test suite
sets it, for the servers it starts too) every call builds the query again and compares SQL and
parameters, so a wrong order fails the tests instead of reading the wrong rows.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from app.db import db, is_postgres

_BUILT: dict[tuple[str, type], tuple[Any, str]] = {}  # (what, kind of database): (query, its SQL)


class PreparedMismatch(RuntimeError):
    """A prepared query's parameters are not those peewee would bind: a programming error."""


def checking() -> bool:
    return os.environ.get('WIS_CHECK_PREPARED') == '1'


def rows(key: str, build: Callable[[], Any], params: Sequence[Any]) -> Any:
    """The rows of the peewee select `build()` returns, read through that query's own row reader (models,
    tuples or dicts, as the query asks). `key` names the query's shape: the same key, the same SQL (an
    `IN` list's length belongs in the key); `params` are the values peewee would bind, in its order."""
    query, sql = _prepare(key, build, params)
    return query._get_cursor_wrapper(db.execute_sql(sql, params))


def _prepare(key: str, build: Callable[[], Any], params: Sequence[Any]) -> tuple[Any, str]:
    """The query `build()` returns and its SQL, built once per key and kind of database; built again and
    compared with `params` and the kept SQL under WIS_CHECK_PREPARED."""
    kind = type(db.obj)
    found = _BUILT.get((key, kind))
    if found is None or checking():
        query = build()
        sql, expected = query.sql()
        if list(expected) != list(params) or (found is not None and found[1] != sql):
            raise PreparedMismatch(f'prepared query {key!r}: peewee binds {expected!r}, the caller gave {params!r}')
        found = _BUILT[(key, kind)] = (query, sql)
    return found


def first(key: str, build: Callable[[], Any], params: Sequence[Any]) -> Any:
    """The first row of `rows(...)`, or None (the query limits itself to one row)."""
    for row in rows(key, build, params):
        return row
    return None


def insert(instance: Any) -> None:
    """`instance.save()` for a new row whose key the database assigns (the expense of every add): its INSERT
    built once per set of fields, then only its values bound. peewee took ~0.15 ms to build it each time, a
    tenth of an add's server time (bench/peers.py). The values are converted as peewee converts them (each
    field's `db_value`); under WIS_CHECK_PREPARED peewee builds it every time and the two must agree."""
    model = type(instance)
    data = instance.__data__
    primary = model._meta.primary_key
    fields = tuple(f for f in model._meta.sorted_fields if f.name in data and f is not primary)
    postgres = is_postgres()

    def build() -> Any:
        query = model.insert({f: data[f.name] for f in fields})
        return query.returning(primary) if postgres else query

    key = f'insert {model.__name__} ' + ' '.join(f.name for f in fields)
    params = [f.db_value(data[f.name]) for f in fields]
    _query, sql = _prepare(key, build, params)
    cursor = db.execute_sql(sql, params)
    saved: Any = instance  # peewee's own bookkeeping, as Model.save leaves it: the key set, nothing dirty
    saved._pk = cursor.fetchone()[0] if postgres else cursor.lastrowid
    saved._dirty.clear()
