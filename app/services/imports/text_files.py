"""Delimited text files (CSV, TSV): the encoding, the delimiter and the header line, decided from the first
64 KB; then the rows as a stream, one line at a time, never the whole file in memory.

Encodings: a byte-order mark decides (UTF-8, UTF-16, UTF-32); else strict UTF-8 if the sample decodes; else
charset-normalizer's guess, where a Western single-byte guess becomes Windows-1252 (the superset of
ISO-8859-1 that spreadsheets on Windows write, and what a French or English bank means).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from charset_normalizer import from_bytes

from app.i18n import Message
from app.services.imports import amounts, dates
from app.services.imports.shapes import ImportFileError

SAMPLE_BYTES = 64 * 1024
MAX_LINE_CHARS = 1024 * 1024  # a line over 1 MB is not a row of expenses
MAX_COLUMNS = 500
DELIMITERS = (',', ';', '\t', '|')
HEADER_SEARCH_LINES = 30  # a bank's preamble (account, period) sits above the header, within these lines
BOMS = (
    (codecs.BOM_UTF32_LE, 'utf-32'),
    (codecs.BOM_UTF32_BE, 'utf-32'),
    (codecs.BOM_UTF8, 'utf-8-sig'),
    (codecs.BOM_UTF16_LE, 'utf-16'),
    (codecs.BOM_UTF16_BE, 'utf-16'),
)
# charset-normalizer's names for single-byte encodings of other alphabets (Cyrillic, Greek, Hebrew, Arabic, Thai):
# its other single-byte guesses on a short Latin text (iso8859_14, cp1250, mac_roman...) mean Windows-1252
_OTHER_ALPHABETS = {
    'cp1251',
    'cp1253',
    'cp1255',
    'cp1256',
    'cp866',
    'cp855',
    'cp874',
    'koi8_r',
    'koi8_u',
    'iso8859_5',
    'iso8859_6',
    'iso8859_7',
    'iso8859_8',
    'iso8859_11',
    'mac_cyrillic',
    'mac_greek',
    'tis_620',
}
_SINGLE_BYTE_LATIN = ('iso8859', 'cp12', 'cp4', 'cp8', 'latin', 'mac_', 'ascii', 'windows')
_CP1252_UNDEFINED = frozenset(b'\x81\x8d\x8f\x90\x9d')


def read_sample(path: Path, size: int = SAMPLE_BYTES) -> bytes:
    with path.open('rb') as handle:
        return handle.read(size)


def detect_encoding(sample: bytes) -> str:
    """The encoding of a text file from its first bytes; ImportFileError for a binary one."""
    for bom, marked in BOMS:
        if sample.startswith(bom):
            return marked
    if not sample.strip():
        raise ImportFileError(Message('The file is empty.'))
    if b'\x00' in sample:
        utf16 = _utf16_without_bom(sample)
        if utf16:
            return utf16
        raise ImportFileError(
            Message('This is not a text file (it has binary content); choose a CSV, XLSX or bank file.')
        )
    try:
        sample.decode('utf-8')
        return 'utf-8'
    except UnicodeDecodeError as error:
        if len(sample) >= SAMPLE_BYTES and error.start >= len(sample) - 4:
            return 'utf-8'  # the sample cut a character in two
    best = from_bytes(sample).best()
    name: str | None = best.encoding if best is not None else None
    if name is None or (name.startswith(_SINGLE_BYTE_LATIN) and name not in _OTHER_ALPHABETS):
        if not _CP1252_UNDEFINED.intersection(sample):
            return 'cp1252'
        return 'latin-1'
    if _control_characters(sample.decode(name, errors='replace')):
        raise ImportFileError(
            Message('This is not a text file (it has binary content); choose a CSV, XLSX or bank file.')
        )
    return name


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 written without a mark: every other byte is zero (for Latin text)."""
    even, odd = sample[0::2], sample[1::2]
    if odd and odd.count(0) > 0.7 * len(odd) and even.count(0) < 0.1 * len(even):
        return 'utf-16-le'
    if even and even.count(0) > 0.7 * len(even) and odd.count(0) < 0.1 * len(odd):
        return 'utf-16-be'
    return None


def _control_characters(text: str) -> bool:
    controls = sum(1 for char in text if ord(char) < 32 and char not in '\r\n\t\f')
    return controls > max(2, len(text) // 100)


def open_text(path: Path, encoding: str) -> io.TextIOWrapper:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ImportFileError(
            Message('{encoding} is not an encoding we know.', encoding=encoding[:40]), field='encoding'
        )
    return io.TextIOWrapper(path.open('rb'), encoding=encoding, errors='strict', newline='')


def lines(handle: io.TextIOWrapper, encoding: str) -> Iterator[str]:
    """The lines of a text stream, each read with a bound: a line over 1 MB stops the read with a clear error,
    as does a byte the encoding cannot read."""
    number = 0
    while True:
        try:
            line = handle.readline(MAX_LINE_CHARS + 1)
        except UnicodeDecodeError:
            raise ImportFileError(
                Message(
                    'The file is not valid {encoding} after line {line}; choose its encoding.',
                    encoding=encoding,
                    line=number,
                ),
                field='encoding',
            )
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_CHARS:
            raise ImportFileError(
                Message('Line {line} is longer than 1 MB: this is not a table of expenses.', line=number)
            )
        if '\x00' in line:
            raise ImportFileError(Message('Line {line} has binary content; this is not a text file.', line=number))
        yield line


def excel_separator(text_lines: list[str]) -> str | None:
    """The delimiter of an Excel 'sep=;' first line, None when the file has none."""
    first = text_lines[0].strip().lstrip('\ufeff') if text_lines else ''
    return first[4] if len(first) == 5 and first[:4].lower() == 'sep=' else None


def detect_delimiter(text_lines: list[str]) -> str:
    """The delimiter that splits the sample's lines into the same number (>1) of columns most often."""
    best, best_score = ',', (0, 0)
    for delimiter in DELIMITERS:
        counts = Counter(len(row) for row in _rows_of(text_lines, delimiter) if row)
        if not counts:
            continue
        width, times = max(counts.items(), key=lambda item: (item[1], item[0]))
        if width < 2:
            continue
        score = (times, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _rows_of(text_lines: list[str], delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(text_lines, delimiter=delimiter))
    except csv.Error:
        return []


def sample_lines(path: Path, encoding: str, count: int = 200) -> list[str]:
    """The first lines of the file (for the delimiter and the header), within the sample's size."""
    taken: list[str] = []
    size = 0
    with open_text(path, encoding) as handle:
        for line in lines(handle, encoding):
            taken.append(line)
            size += len(line)
            if len(taken) >= count or size > SAMPLE_BYTES:
                break
    return taken


def find_header(text_lines: list[str], delimiter: str) -> tuple[int, tuple[str, ...]]:
    """(line number, headers) of a delimited sample: see `header_of`."""
    return header_of(list(records_of(iter(text_lines), delimiter)))


def header_of(records: list[tuple[int, list[str]]]) -> tuple[int, tuple[str, ...]]:
    """(line number, headers): the first row, within the first lines, as wide as most rows of the sample."""
    if not records:
        raise ImportFileError(Message('The file is empty.'))
    widths = Counter(len(cells) for _, cells in records)
    width = max(widths.items(), key=lambda item: (item[1], item[0]))[0]
    chosen = records[0]
    for line, cells in records[:HEADER_SEARCH_LINES]:
        if len(cells) >= width and sum(1 for cell in cells if cell.strip()) >= min(width, 2):
            chosen = line, cells
            break
    line, cells = chosen
    if looks_like_data(cells):  # no header at all: the columns are named by their position
        return line - 1, tuple(f'#{index}' for index in range(1, len(cells) + 1))
    return line, clean_headers(cells)


def looks_like_data(cells: list[str]) -> bool:
    """A row holding a date and, in another cell, an amount is a row of data, not a header."""
    dated = next((index for index, cell in enumerate(cells) if is_date(cell)), None)
    if dated is None:
        return False
    return any(is_amount(cell) for index, cell in enumerate(cells) if index != dated)


def is_date(cell: str) -> bool:
    parts = dates.split(cell.strip())
    return bool(dates.candidates(parts[0])) if parts is not None else dates.parse_words(cell) is not None


def is_amount(cell: str) -> bool:
    if not any(char.isdigit() for char in cell):
        return False
    try:
        amounts.parse_signed(cell, ',' if amounts.decide_decimal([cell]) == ',' else '.')
    except amounts.AmountError:
        return False
    return True


def clean_headers(cells: list[str]) -> tuple[str, ...]:
    """Headers trimmed; blank or repeated ones get a name of their own (a mapping names columns by header)."""
    if len(cells) > MAX_COLUMNS:
        raise ImportFileError(
            Message('The file has {count} columns; at most {limit} can be read.', count=len(cells), limit=MAX_COLUMNS)
        )
    seen: set[str] = set()
    headers = []
    for index, cell in enumerate(cells, start=1):
        name = cell.strip().strip('\ufeff') or f'#{index}'
        while name in seen:
            name = f'{name} ({index})'
        seen.add(name)
        headers.append(name)
    return tuple(headers)


def records_of(text_lines: Iterator[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, cells) for each non-blank record; quoted fields may span lines."""
    counted = _Counted(text_lines)
    reader = csv.reader(counted, delimiter=delimiter, strict=False)
    while True:
        start = counted.number + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportFileError(Message('Line {line} cannot be read: {reason}.', line=start, reason=str(error)[:80]))
        if cells and any(cell.strip() for cell in cells) or (cells and len(cells) > 1):
            yield start, cells


class _Counted:
    """An iterator of lines that counts them (csv's own line_num counts records' lines the same way)."""

    def __init__(self, text_lines: Iterator[str]) -> None:
        self._lines = text_lines
        self.number = 0

    def __iter__(self) -> _Counted:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.number += 1
        return line


csv.field_size_limit(MAX_LINE_CHARS)
