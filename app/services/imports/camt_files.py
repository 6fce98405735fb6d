"""CAMT.053 (ISO 20022 bank-to-customer statement; camt.052 and .054 share the entry shape), parsed as a
stream with defusedxml: entity expansion and external references are refused, and each <Ntry> is cleared
once read, so a year of entries never sits in memory.

The entry's reference (AcctSvcrRef, else NtryRef) is the external id: the strongest key against duplicates.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from app.i18n import Message
from app.services.imports.shapes import ImportFileError, Table

Rows = Iterator[tuple[int, tuple[str, ...]]]
HEADERS = ('date', 'amount', 'description', 'type', 'currency', 'external_id')
MAX_VALUE = 4096
_STATEMENTS = ('BkToCstmrStmt', 'BkToCstmrAcctRpt', 'BkToCstmrDbtCdtNtfctn')


def _local(tag: str) -> str:
    return tag.rsplit('}', 1)[-1]


def _find(element: Any, *path: str) -> Any:
    """The first descendant along `path` of local names (namespaces vary by version: .001.02 to .001.13)."""
    current = [element]
    for name in path:
        current = [child for parent in current for child in parent if _local(child.tag) == name]
        if not current:
            return None
    return current[0]


def _text(element: Any, *path: str) -> str:
    found = _find(element, *path)
    return (found.text or '').strip()[:MAX_VALUE] if found is not None else ''


def _entry(entry: Any) -> tuple[str, ...]:
    amount_element = _find(entry, 'Amt')
    amount = (amount_element.text or '').strip() if amount_element is not None else ''
    currency = amount_element.get('Ccy', '') if amount_element is not None else ''
    debit = _text(entry, 'CdtDbtInd') == 'DBIT'
    if _text(entry, 'RvslInd').lower() == 'true':
        debit = not debit  # a reversal gives back what the entry took
    date = (
        _text(entry, 'BookgDt', 'Dt')
        or _text(entry, 'BookgDt', 'DtTm')[:10]
        or _text(entry, 'ValDt', 'Dt')
        or _text(entry, 'ValDt', 'DtTm')[:10]
    )
    details = _find(entry, 'NtryDtls', 'TxDtls')
    party = ''
    remittance = ''
    if details is not None:
        party = _text(details, 'RltdPties', 'Cdtr' if debit else 'Dbtr', 'Nm') or _text(
            details, 'RltdPties', 'Cdtr' if debit else 'Dbtr', 'Pty', 'Nm'
        )
        remittance = ' '.join(
            (child.text or '').strip() for child in (_find(details, 'RmtInf') or []) if _local(child.tag) == 'Ustrd'
        )
    information = _text(entry, 'AddtlNtryInf')
    pieces = [piece for piece in (party, remittance or information) if piece]
    reference = _text(entry, 'AcctSvcrRef') or _text(entry, 'NtryRef')
    if not reference and details is not None:
        reference = _text(details, 'Refs', 'AcctSvcrRef') or _text(details, 'Refs', 'EndToEndId')
    if reference == 'NOTPROVIDED':
        reference = ''
    # the statement does not say income from refund (both are credits): the sign and the person decide
    return (date, ('-' if debit else '') + amount, ' – '.join(pieces)[:MAX_VALUE], 'expense', currency, reference)


def _entries(path: Path) -> Iterator[tuple[str, ...]]:
    seen_statement = False
    try:
        for event, element in iterparse(str(path), events=('start', 'end'), forbid_dtd=True):
            name = _local(element.tag)
            if event == 'start':
                if name in _STATEMENTS:
                    seen_statement = True
                continue
            if name == 'Ntry' and seen_statement:
                yield _entry(element)
                element.clear()
            elif name in ('Stmt', 'Rpt', 'Ntfctn'):
                element.clear()
    except DefusedXmlException:
        raise ImportFileError(Message('This XML file declares entities or a DTD; it was refused for safety.'))
    except ParseError as error:
        line = getattr(error, 'position', (0, 0))[0]
        raise ImportFileError(Message('This XML file is malformed (line {line}).', line=line))
    if not seen_statement:
        raise ImportFileError(Message('This XML file is not a CAMT.053 bank statement.'))


def open_table(path: Path, sample: bytes) -> Table:
    table = Table('camt053', None, None, HEADERS, None, header_line=0)
    if next(rows(table, path), None) is None:
        raise ImportFileError(Message('The statement has no transactions.'))
    return table


def rows(table: Table, path: Path) -> Rows:
    """One row per entry, numbered from 1 in the file's order."""
    yield from enumerate(_entries(path), start=1)
