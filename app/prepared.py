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

from app.db import db

_BUILT: dict[tuple[str, type], tuple[Any, str]] = {}


class PreparedMismatch(RuntimeError):
    """A prepared query's parameters are not those peewee would bind: a programming error."""


def checking() -> bool:
    return os.environ.get('WIS_CHECK_PREPARED') == '1'


def rows(key: str, build: Callable[[], Any], params: Sequence[Any]) -> Any:
    """The rows of the peewee select `build()` returns, read through that query's own row reader (models,
    tuples or dicts, as the query asks). `key` names the query's shape: the same key, the same SQL (an
    `IN` list's length belongs in the key); `params` are the values peewee would bind, in its order."""
    kind = type(db.obj)
    found = _BUILT.get((key, kind))
    if found is None or checking():
        query = build()
        sql, expected = query.sql()
        if list(expected) != list(params) or (found is not None and found[1] != sql):
            raise PreparedMismatch(f'prepared query {key!r}: peewee binds {expected!r}, the caller gave {params!r}')
        found = (query, sql)
        _BUILT[(key, kind)] = found
    query, sql = found
    return query._get_cursor_wrapper(db.execute_sql(sql, params))


def first(key: str, build: Callable[[], Any], params: Sequence[Any]) -> Any:
    """The first row of `rows(...)`, or None (the query limits itself to one row)."""
    for row in rows(key, build, params):
        return row
    return None
