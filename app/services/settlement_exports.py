"""The settlements of a household as a CSV, apart from the exports of spending (issue 20, item 2).

A settlement is a reimbursement, never spending: the expense exports (`exports.py`) read only expenses and
so never contain one; this file is the only place settlements leave the app. It holds the settlements the
caller sees on the Household page: those between members of their household (the caller and the users
linked to them), and those the caller sent or received with a former link. The header, like the expense
CSV's, is a format read by scripts and stays in English: date, from, to, amount (dot decimals, in the
household's currency; empty while the settlement's rate is missing, as it counts nothing yet), then the
settlement's own currency and amount, as the expense CSV ends.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from app.models import Settlement, User
from app.services import access
from app.services.exports import _csv_safe, _export_dir
from app.services.money import cents_to_text
from app.services.months import Month
from app.services.timestamps import as_date

HEADER = ('date', 'from', 'to', 'amount', 'currency', 'original amount')


def _rows(user: User, month: Month | None) -> Iterator[tuple[Any, ...]]:
    """(date, sender, receiver, cents, currency, original cents, rate missing) of the settlements `user` sees
    in `month` (None: all), oldest first."""
    members = access.visible_owner_ids(user)
    Receiver = User.alias('receiver')
    seen = (Settlement.from_user.in_(members) & Settlement.to_user.in_(members)) | (
        (Settlement.from_user == user.id) | (Settlement.to_user == user.id)
    )
    if month is not None:
        seen &= Settlement.date.between(month.first_day, month.last_day)
    query = (
        Settlement.select(
            Settlement.date,
            User.username,
            Receiver.username,
            Settlement.amount_cents,
            Settlement.currency,
            Settlement.original_cents,
            Settlement.rate_missing,
        )
        .join(User, on=(Settlement.from_user == User.id))
        .switch(Settlement)
        .join(Receiver, on=(Settlement.to_user == Receiver.id))
        .where(seen)
        .order_by(Settlement.date, Settlement.id)
        .tuples()
    )
    return iter(query)


def settlements_csv(user: User, month: Month | None = None) -> str:
    """The CSV (UTF-8, header, dot decimals) of the settlements `user` sees in `month` (None: every month)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\r\n')
    writer.writerow(HEADER)
    for day, sender, receiver, cents, currency, original, rate_missing in _rows(user, month):
        writer.writerow(
            [
                as_date(day).isoformat(),
                _csv_safe(sender),
                _csv_safe(receiver),
                '' if rate_missing else cents_to_text(cents),
                currency or '',
                cents_to_text(original) if original is not None else '',
            ]
        )
    return buffer.getvalue()


def export_filename(month: Month | None) -> str:
    return f'settlements-{month if month is not None else "all"}.csv'


def write_settlements_csv(user: User, month: Month | None, target: IO[bytes]) -> int:
    """Write the CSV to a binary file; returns the number of settlements written."""
    text = settlements_csv(user, month)
    target.write(text.encode('utf-8'))
    return text.count('\r\n') - 1


def settlements_to_file(user: User, month: Month | None = None) -> tuple[Path, str]:
    """The CSV for a page to download (in DATA_DIR/exports, removed after a while, as the expense exports):
    (path, download name)."""
    handle, name = tempfile.mkstemp(prefix=f'u{user.id}-', suffix='.csv', dir=_export_dir())
    with os.fdopen(handle, 'wb') as target:
        write_settlements_csv(user, month, target)
    return Path(name), export_filename(month)
