"""Reading the files of What I Spend v2.4's `data/` folder: records, and the values inside them in the
shapes v2.4 wrote them (names that changed between versions, amounts as floats or text, links as pairs
or lists). Nothing here touches the database; `legacy_import` decides what each record becomes.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from app.i18n import Message
from app.services.errors import Invalid
from app.services.money import parse_amount
from app.services.timestamps import as_utc


class RecordError(Exception):
    """A record that cannot be imported: the whole import stops and names it."""

    def __init__(self, file: str, key: object, message: str) -> None:
        super().__init__(f'{file}, record {key!s}: {message}')


def read_records(folder: Path, name: str) -> list[tuple[str, dict]]:
    """(key, record) pairs of one file; a missing file is an empty one (users.json excepted)."""
    path = folder / name
    if not path.exists():
        if name == 'users.json':
            raise Invalid(
                Message(
                    '{folder} has no users.json: point --dir at the data/ folder of What I Spend v2.4.', folder=folder
                )
            )
        return []
    try:
        data = json.loads(path.read_text(encoding='utf-8-sig'))
    except UnicodeDecodeError:
        raise Invalid(Message('{name} is not UTF-8 text; nothing was imported.', name=name)) from None
    except json.JSONDecodeError as exc:
        raise Invalid(
            Message(
                '{name} is not valid JSON (line {lineno}, column {colno}); nothing was imported.',
                name=name,
                lineno=exc.lineno,
                colno=exc.colno,
            )
        )
    if isinstance(data, dict):
        if name == 'user_links.json' and isinstance(data.get('links'), list):
            data = data['links']
        else:
            return [(str(key), value) for key, value in data.items()]
    if isinstance(data, list):
        return [
            (str(item.get('id', index + 1)) if isinstance(item, dict) else str(index + 1), item)
            for index, item in enumerate(data)
        ]
    raise Invalid(Message('{name} holds neither an object nor a list of records; nothing was imported.', name=name))


def text_of(record: dict, *names: str) -> str:
    for name in names:
        value = record.get(name)
        if value is not None and str(value).strip():
            return str(value).strip()
    return ''


def legacy_id(record: dict, *names: str) -> str:
    for name in names:
        value = record.get(name)
        if value is not None and str(value).strip() not in ('', '0', 'None', 'null'):
            return str(value).strip()
    return ''


def legacy_timestamp(value: object) -> datetime | None:
    """A v2.4 timestamp as the database stores it (naive UTC); None when it is missing or unreadable."""
    if not value:
        return None
    try:
        return as_utc(str(value).strip()).replace(tzinfo=None)
    except ValueError:
        return None


def amount_cents(value: object) -> int:
    """Exact cents: a float goes through its shortest decimal text (45.1 -> 45.10, not 45.0999…)."""
    if isinstance(value, bool):
        raise Invalid(Message('the amount is not a number'))
    if isinstance(value, int | float):
        try:
            value = Decimal(str(value)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            raise Invalid(Message("the amount '{value}' is not a number", value=value)) from None
    return parse_amount(value)


def link_pairs(key: str, record: object) -> list[tuple[str, str]] | None:
    """The pairs one record of user_links.json describes, in the shapes v2.4 files take."""
    if isinstance(record, dict):
        for a, b in (('user1', 'user2'), ('user_a', 'user_b'), ('username1', 'username2'), ('from', 'to')):
            if record.get(a) and record.get(b):
                return [(str(record[a]), str(record[b]))]
        members = record.get('users')
        if isinstance(members, list) and len(members) == 2:
            return [(str(members[0]), str(members[1]))]
        return None
    if isinstance(record, list) and all(isinstance(item, str) for item in record):
        if len(record) == 2 and not key.isdigit():
            return [(key, record[0]), (key, record[1])]
        if len(record) == 2:
            return [(record[0], record[1])]
        return [(key, other) for other in record]
    if isinstance(record, str) and not key.isdigit():
        return [(key, record)]
    return None


def coordinates(record: dict) -> tuple[float | None, float | None]:
    try:
        latitude = record.get('latitude', record.get('lat'))
        longitude = record.get('longitude', record.get('lng', record.get('lon')))
        if latitude in (None, '') or longitude in (None, ''):
            return None, None
        latitude, longitude = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return None, None
    if -90 <= latitude <= 90 and -180 <= longitude <= 180:
        return latitude, longitude
    return None, None
