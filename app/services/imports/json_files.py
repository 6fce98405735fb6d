"""ihatemoney's JSON export: a list of bills ({date, what, amount, currency, payer_name, payer_weight, owers,
bill_type}), or an object holding one under `bills`. JSON has no streaming reader in the standard library;
files over MAX_BYTES are refused with a message instead of filling memory (a bill is ~200 bytes: 100,000
bills fit).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.i18n import Message
from app.services.imports.shapes import ImportFileError, Table
from app.services.imports.xlsx_files import cell_text

Rows = Iterator[tuple[int, tuple[str, ...]]]
HEADERS = ('date', 'what', 'amount', 'currency', 'payer_name', 'owers', 'bill_type', 'external_link')
MAX_BYTES = 40 * 1024 * 1024
MAX_VALUE = 4096


def _bills(path: Path) -> list[Any]:
    if path.stat().st_size > MAX_BYTES:
        raise ImportFileError(Message('This JSON file is over 40 MB; export it as CSV instead.'))
    try:
        with path.open('rb') as handle:
            data = json.load(handle)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        line = getattr(error, 'lineno', 0)
        raise ImportFileError(Message('This JSON file is malformed (line {line}).', line=line))
    if isinstance(data, dict):
        data = data.get('bills')
    if not isinstance(data, list):
        raise ImportFileError(Message('This JSON file holds no list of bills (as ihatemoney exports them).'))
    return data


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ', '.join(_text(item) for item in value)[:MAX_VALUE]
    if isinstance(value, dict):
        return ''
    return cell_text(value)[:MAX_VALUE]


def open_table(path: Path, sample: bytes) -> Table:
    bills = _bills(path)
    if not bills:
        raise ImportFileError(Message('The file has a header but no rows.'))
    return Table('json', 'utf-8', None, HEADERS, None, header_line=0)


def rows(table: Table, path: Path) -> Rows:
    """One row per bill, numbered from 1; a bill that is not an object is a row of empty cells (skipped)."""
    for number, bill in enumerate(_bills(path), start=1):
        found = bill if isinstance(bill, dict) else {}
        yield number, tuple(_text(found.get(key)) for key in HEADERS)
