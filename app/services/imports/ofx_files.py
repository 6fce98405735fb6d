"""OFX and QFX statements, version 1 (SGML: tags left open, often one long line) and version 2 (XML), read by one
small tokenizer over the text in 64 KB chunks: no whole-file parse, no XML entity expansion.

Each <STMTTRN> becomes a row with canonical headers; FITID is the external id, the strongest key against
duplicates. TRNTYPE says transfers (XFER) and income (DEP, DIRECTDEP, INT, DIV) apart from spending.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

from app.i18n import Message
from app.services.imports import text_files
from app.services.imports.shapes import ImportFileError, Table

Rows = Iterator[tuple[int, tuple[str, ...]]]
HEADERS = ('date', 'amount', 'description', 'type', 'currency', 'external_id')
CHUNK = 64 * 1024
_TOKEN = re.compile(r'<(/?)([A-Za-z0-9_.]+)[^>]*>([^<]*)')
_CHARSET = re.compile(rb'CHARSET:\s*(\d+)|ENCODING:\s*(UTF-?8)|encoding="([A-Za-z0-9_-]+)"', re.IGNORECASE)
_KINDS = {'XFER': 'transfer', 'DEP': 'income', 'DIRECTDEP': 'income', 'INT': 'income', 'DIV': 'income'}
_FIELDS = ('DTPOSTED', 'DTUSER', 'TRNAMT', 'NAME', 'MEMO', 'PAYEE', 'FITID', 'TRNTYPE', 'CURRENCY', 'CURSYM')
MAX_VALUE = 4096


def _encoding(sample: bytes) -> str:
    match = _CHARSET.search(sample[:2048])
    if match is not None:
        if match.group(1):
            return 'cp1252' if match.group(1) in (b'1252', b'NONE') else 'latin-1'
        if match.group(2):
            return 'utf-8'
        return match.group(3).decode('ascii').lower()
    try:
        return text_files.detect_encoding(sample)
    except ImportFileError:
        return 'latin-1'


def _tokens(path: Path, encoding: str) -> Iterator[tuple[bool, str, str]]:
    """(closing, TAG, text after it) for each tag of the file, read in chunks of bounded size."""
    with path.open('r', encoding=encoding, errors='replace', newline='') as handle:
        pending = ''
        while True:
            chunk = handle.read(CHUNK)
            pending += chunk
            cut = pending.rfind('<') if chunk else len(pending)
            if cut <= 0 and chunk:
                if len(pending) > 4 * CHUNK:
                    raise ImportFileError(Message('This OFX file cannot be read: it has no tags where they belong.'))
                continue
            for match in _TOKEN.finditer(pending, 0, cut):
                yield match.group(1) == '/', match.group(2).upper(), match.group(3)
            pending = pending[cut:]
            if not chunk:
                return


def _date(value: str) -> str:
    """'20240115120000.000[-5:EST]' -> '2024-01-15'."""
    digits = value.strip()[:8]
    return f'{digits[:4]}-{digits[4:6]}-{digits[6:8]}' if len(digits) == 8 and digits.isdigit() else value.strip()


def _transactions(path: Path, encoding: str) -> Iterator[dict[str, str]]:
    currency = ''
    card = ''  # in a credit card statement, a PAYMENT is the card being paid off: a transfer
    current: dict[str, str] | None = None
    for closing, tag, text in _tokens(path, encoding):
        value = html.unescape(text.strip())[:MAX_VALUE]
        if tag == 'CURDEF' and not closing:
            currency = value
        elif tag == 'CCSTMTRS':
            card = '' if closing else 'card'
        elif tag == 'STMTTRN':
            if closing and current is not None:
                yield {'CURDEF': currency, 'CARD': card, **current}
                current = None
            elif not closing:
                if current is not None:  # an SGML file that never closes its transactions
                    yield {'CURDEF': currency, 'CARD': card, **current}
                current = {}
        elif current is not None and not closing and tag in _FIELDS and value:
            current.setdefault(tag, value)
        elif tag in ('BANKTRANLIST', 'CCSTMTRS', 'STMTRS') and closing and current is not None:
            yield {'CURDEF': currency, 'CARD': card, **current}
            current = None
    if current is not None:
        yield {'CURDEF': currency, 'CARD': card, **current}


def _kind(trntype: str, card: bool) -> str:
    if card and trntype == 'PAYMENT':
        return 'transfer'
    return _KINDS.get(trntype, 'expense')


def _row(found: dict[str, str]) -> tuple[str, ...]:
    name, memo = found.get('NAME') or found.get('PAYEE', ''), found.get('MEMO', '')
    description = name if not memo or memo in name else (f'{name} – {memo}' if name else memo)
    return (
        _date(found.get('DTPOSTED') or found.get('DTUSER', '')),
        found.get('TRNAMT', ''),
        description,
        _kind(found.get('TRNTYPE', '').upper(), bool(found.get('CARD'))),
        found.get('CURRENCY') or found.get('CURDEF', ''),
        found.get('FITID', ''),
    )


def open_table(path: Path, sample: bytes) -> Table:
    encoding = _encoding(sample)
    if b'<OFX' not in sample.upper() and b'OFXHEADER' not in sample.upper():
        raise ImportFileError(Message('This is not an OFX file: it has no <OFX> statement.'))
    table = Table('ofx', encoding, None, HEADERS, None, header_line=0)
    if next(rows(table, path), None) is None:
        raise ImportFileError(Message('The statement has no transactions.'))
    return table


def rows(table: Table, path: Path) -> Rows:
    """One row per transaction, numbered from 1 in the file's order."""
    for number, found in enumerate(_transactions(path, table.encoding or 'latin-1'), start=1):
        yield number, _row(found)
