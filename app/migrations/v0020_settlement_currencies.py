"""Schema 20: a settlement in another currency than the household's (issue 20, item 6) may wait for the rate
of its date, as an expense does: `settlement.rate_missing`, FALSE on every existing row (they were recorded
in the household currency, converted at once). While it is TRUE the settlement moves no balance; it does once
the rate arrives (app/services/settlement_currency.py)."""

from __future__ import annotations

from peewee import SQL, BooleanField

from app.migrations.base import add_column_if_missing


def apply() -> None:
    add_column_if_missing('settlement', 'rate_missing', BooleanField(default=False, constraints=[SQL('DEFAULT FALSE')]))
