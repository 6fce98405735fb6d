"""`column IN (ids)` for the long lists of ids a listing looks up (tags, receipts, splits of 2,300 rows).

Peewee binds a list as one parameter per id and builds each in Python: for 2,300 ids that cost more
than the queries themselves (tags of a month: 16 ms against 0.6 ms, bench/peers.py). The ids are
written into the SQL instead, which is safe because each is turned into an `int` here first: nothing
but digits (and a minus sign) reaches the text of the query.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from peewee import SQL, ColumnBase


def among(column: Any, ids: Iterable[int]) -> ColumnBase:
    """The condition `column IN (...)`; false when there are no ids. Raises TypeError or ValueError for
    anything that is not a whole number (a bool counts as one: it is an int)."""
    numbers = [int(value) for value in ids]
    if not numbers:
        return SQL('1 = 0')
    return column.in_(SQL('(' + ','.join(map(str, numbers)) + ')'))
