"""Opening a file to import: which format it is (from its name and its first bytes), then the format's reader
for the header and the rows. Every reader streams: a preview reads only the rows it shows.
"""

from __future__ import annotations

import importlib
import itertools
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from app.i18n import Message
from app.services.imports import text_files
from app.services.imports.shapes import ImportFileError, Table

Rows = Iterator[tuple[int, tuple[str, ...]]]
# format -> the module reading it: `open_table(path, sample) -> Table` and `rows(table, path) -> Rows`
READERS = {
    'xlsx': 'app.services.imports.xlsx_files',
    'ofx': 'app.services.imports.ofx_files',
    'qfx': 'app.services.imports.ofx_files',
    'qif': 'app.services.imports.qif_files',
    'camt053': 'app.services.imports.camt_files',
    'mt940': 'app.services.imports.mt940_files',
    'json': 'app.services.imports.json_files',
}


def _reader(file_format: str) -> tuple[Callable[[Path, bytes], Table], Callable[[Table, Path], Rows]]:
    """The format's module, imported when a file of that format comes (openpyxl and XML parsers load lazily)."""
    module = importlib.import_module(READERS[file_format])
    return module.open_table, module.rows


_EXTENSIONS = {
    'csv': 'csv',
    'txt': 'csv',
    'tsv': 'tsv',
    'tab': 'tsv',
    'xlsx': 'xlsx',
    'xlsm': 'xlsx',
    'ofx': 'ofx',
    'qfx': 'qfx',
    'qif': 'qif',
    'xml': 'camt053',
    'camt': 'camt053',
    'sta': 'mt940',
    'mt940': 'mt940',
    '940': 'mt940',
    'json': 'json',
}
_BINARY_MAGIC = (
    b'%PDF',
    b'\x89PNG',
    b'\xff\xd8\xff',
    b'GIF8',
    b'\xd0\xcf\x11\xe0',
    b'\x1f\x8b',
    b'Rar!',
    b'7z\xbc\xaf',
)


def sniff_format(filename: str, sample: bytes) -> str:
    """The file's format, from its first bytes when they are telling, else from its extension."""
    if not sample.strip():
        raise ImportFileError(Message('The file is empty.'))
    if sample.startswith(b'\xd0\xcf\x11\xe0'):
        raise ImportFileError(Message('Old Excel files (.xls) cannot be read; save the sheet as .xlsx or CSV.'))
    if sample.startswith(_BINARY_MAGIC):
        raise ImportFileError(
            Message('This is not a text file (it has binary content); choose a CSV, XLSX or bank file.')
        )
    if sample.startswith(b'PK\x03\x04'):
        return 'xlsx'
    head = sample[:4096].lstrip(b'\xef\xbb\xbf \t\r\n').lower()
    extension = _EXTENSIONS.get(filename.rsplit('.', 1)[-1].lower()) if '.' in filename else None
    if b'ofxheader' in head or head.startswith(b'<ofx>') or (head.startswith(b'<?xml') and b'<ofx' in head):
        return 'qfx' if extension == 'qfx' else 'ofx'
    if head.startswith(b'!type:') or head.startswith(b'!account') or head.startswith(b'!option'):
        return 'qif'
    if head.startswith(b'<?xml') or head.startswith(b'<document'):
        return 'camt053'
    if head.startswith((b':20:', b'{1:', b':940:')) or b'\n:20:' in head[:400] and b':61:' in head:
        return 'mt940'
    if head.startswith((b'[', b'{')):
        return 'json'
    if extension in ('csv', 'tsv'):
        return extension
    return extension if extension in READERS else 'csv'


def understand(path: Path, filename: str, *, encoding: str | None = None, delimiter: str | None = None) -> Table:
    """What the file is: format, encoding, delimiter and headers (the preset is `files.open_table`'s part)."""
    sample = text_files.read_sample(path)
    file_format = sniff_format(filename, sample)
    if file_format in ('csv', 'tsv'):
        table = _open_delimited(path, sample, file_format, encoding, delimiter)
    elif file_format in READERS:
        table = replace(_reader(file_format)[0](path, sample), file_format=file_format)
    else:
        raise ImportFileError(Message('This kind of file cannot be read yet; save it as CSV.'))
    return table


def _open_delimited(path: Path, sample: bytes, file_format: str, encoding: str | None, delimiter: str | None) -> Table:
    encoding = encoding or text_files.detect_encoding(sample)
    sample_lines = text_files.sample_lines(path, encoding)
    if delimiter is not None and (len(delimiter) != 1 or delimiter in '"\r\n'):
        raise ImportFileError(Message('The delimiter must be one character, such as ; or a comma.'), field='delimiter')
    hint = text_files.excel_separator(sample_lines)
    if hint is not None:  # Excel's 'sep=;' first line names the delimiter and is no row of the table
        sample_lines = ['\n', *sample_lines[1:]]
    delimiter = delimiter or hint or ('\t' if file_format == 'tsv' else text_files.detect_delimiter(sample_lines))
    header_line, headers = text_files.find_header(sample_lines, delimiter)
    table = Table(
        file_format='tsv' if delimiter == '\t' else 'csv',
        encoding=encoding,
        delimiter=delimiter,
        headers=headers,
        preset=None,
        header_line=header_line,
    )
    if next(iter_rows(table, path), None) is None:
        raise ImportFileError(Message('The file has a header but no rows.'))
    return table


def iter_rows(table: Table, path: Path) -> Rows:
    """(row number in the file, cells) of each row below the header; cells are text, as many as the row has."""
    if table.file_format in ('csv', 'tsv'):
        return _delimited_rows(table, path)
    if table.file_format in READERS:
        return _reader(table.file_format)[1](table, path)
    raise ImportFileError(Message('This kind of file cannot be read yet; save it as CSV.'))


def _delimited_rows(table: Table, path: Path) -> Rows:
    encoding = table.encoding or 'utf-8'
    with text_files.open_text(path, encoding) as handle:
        for line, cells in text_files.records_of(text_files.lines(handle, encoding), table.delimiter or ','):
            if line > table.header_line:
                if len(cells) > text_files.MAX_COLUMNS:
                    cells = cells[: text_files.MAX_COLUMNS]
                yield line, tuple(cells)


def preview(table: Table, path: Path, limit: int = 20) -> list[tuple[int, tuple[str, ...]]]:
    """The first `limit` rows, reading no further."""
    rows = iter_rows(table, path)
    try:
        return list(itertools.islice(rows, max(0, min(limit, 1000))))
    finally:
        close = getattr(rows, 'close', None)
        if close is not None:
            close()
