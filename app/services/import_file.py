"""Import a file (issue 16): the one use case the page, `POST /sysapi/import` and `manage.py import file` call.

The read side (`app.services.imports`) understands the file: format, encoding, delimiter, header, preset,
the date and amount conventions of whole columns. This module chooses the mapping (the person's, else the
preset's, else the guess from the header), asks the date question when the column stays ambiguous, and
hands the rows to `import_run`. Uploads land in a temporary file first (`save_upload`), refused as soon as
they pass IMPORT_MAX_MB, so that no import ever holds a whole file in memory.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from app.config import get_settings
from app.i18n import Message
from app.models import User
from app.services import imports
from app.services.errors import Invalid, ServiceError
from app.services.import_run import run_rows
from app.services.import_types import DateChoice, ImportOptions, ImportReport, SourceInfo

CHUNK = 1024 * 1024
NEGATIVES = ('expenses', 'refunds')


def max_bytes() -> int:
    return get_settings().import_max_mb * 1024 * 1024


class TooLarge(ServiceError):
    status = 413


def too_big() -> TooLarge:
    limit = get_settings().import_max_mb
    return TooLarge(
        Message('The file is larger than {limit} MB, the most an import takes (IMPORT_MAX_MB).', limit=limit),
        field='file',
    )


def new_upload_path() -> Path:
    """An empty temporary file for an upload (the page's; the caller removes it)."""
    handle = tempfile.NamedTemporaryFile(prefix='wis-import-', suffix='.upload', delete=False)  # noqa: SIM115
    handle.close()
    return Path(handle.name)


@contextmanager
def save_upload(chunks: Iterable[bytes]) -> Iterator[Path]:
    """The uploaded bytes in a temporary file, removed afterwards; refused once past IMPORT_MAX_MB."""
    limit = max_bytes()
    handle: IO[bytes] = tempfile.NamedTemporaryFile(prefix='wis-import-', suffix='.upload', delete=False)  # noqa: SIM115
    path = Path(handle.name)
    try:
        size = 0
        with handle:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise too_big()
                handle.write(chunk)
        yield path
    finally:
        path.unlink(missing_ok=True)


MISSING = {
    'date': Message('Choose the column of the dates: none could be guessed from the header.'),
    'amount': Message('Choose the column of the amounts: none could be guessed from the header.'),
}


def missing_columns(columns: Any) -> tuple[str, ...]:
    """The fields without which no row can be read: a date, and an amount (or debit/credit columns)."""
    missing = []
    if columns.get('date') is None:
        missing.append('date')
    if columns.get('amount') is None and columns.get('debit') is None and columns.get('credit') is None:
        missing.append('amount')
    return tuple(missing)


def _mapping(table: Any, path: Path, preset: str | None, mapping: dict[str, str] | None) -> Any:
    """The person's mapping, else the preset's, else the guess from the header completed from the first rows'
    values (a file without a header, or with headers in words we do not know)."""
    if mapping:
        return imports.Mapping.of(mapping, headers=table.headers)
    return imports.preset_mapping(table, preset, path=path)


def _preset_name(table: Any, preset: str | None) -> str | None:
    if preset is None or not str(preset).strip():
        return table.preset
    name = str(preset).strip()
    if name not in imports.PRESETS:
        raise Invalid(
            Message(
                '{name} is not a preset; use one of: {names}.', name=name[:40], names=', '.join(sorted(imports.PRESETS))
            ),
            field='preset',
        )
    return name


def import_file(
    user: User,
    path: Path,
    filename: str,
    options: ImportOptions,
    *,
    preset: str | None = None,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    date_format: str | None = None,
    negatives: str | None = None,
    skip_types: tuple[str, ...] | None = None,
) -> ImportReport:
    """Read the file at `path` (named `filename` by its owner) and import it as `options` say (a dry run by
    default). Without a mapping the preset's is used, else the guess from the header."""
    size = path.stat().st_size
    if size > max_bytes():
        raise too_big()
    if negatives is not None and negatives not in NEGATIVES:
        raise Invalid(Message('negatives must be "expenses" or "refunds".'), field='negatives')
    table = imports.open_table(path, filename, encoding=encoding or None, delimiter=delimiter or None)
    preset_name = _preset_name(table, preset)
    columns = _mapping(table, path, preset_name, mapping)
    preset_info = imports.PRESETS.get(preset_name) if preset_name else None
    read_options = imports.ReadOptions(
        date_format=date_format or None,
        negatives=negatives or (preset_info.negatives if preset_info else 'expenses'),
    )
    if skip_types is not None:
        read_options = replace(read_options, skip_types=tuple(skip_types))
    source = SourceInfo(
        file_name=os.path.basename(filename or path.name)[:200],
        file_size=size,
        file_format=table.file_format,
        encoding=table.encoding,
        delimiter=table.delimiter,
        preset=preset_name,
        preset_label=preset_info.label if preset_info else None,
        headers=tuple(table.headers),
        mapping=tuple(columns.columns),
        negatives=read_options.negatives,
        skip_types=tuple(read_options.skip_types),
        preview=tuple(imports.preview(table, path, 10)),
    )
    missing = missing_columns(columns)
    if missing:
        if not options.dry_run:
            raise Invalid(MISSING[missing[0]], field='mapping')
        return ImportReport(dry_run=True, import_id=None, source=source, missing_columns=missing)
    decided = imports.analyse(table, path, columns, read_options)
    if isinstance(decided, imports.DateQuestion):
        if not options.dry_run:
            raise Invalid(
                Message('The dates of the file can be read two ways; choose the date format first.'),
                field='date_format',
            )
        question = DateChoice(decided.column, tuple(decided.candidates), tuple(decided.examples))
        return ImportReport(dry_run=True, import_id=None, source=source, date_question=question)
    source = replace(source, date_format=decided.date_format)
    rows = imports.read_rows(table, path, columns, decided)
    return run_rows(user, rows, source, options)
