"""The shapes the import reader hands to the import flow: what was understood of a file, how its columns map to
our fields, the options of a read, and what each row became (an expense to be, a problem, or a skip).

Frozen dataclasses, as every service returns: the page, the API and the CLI read attributes, nothing mutates.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from app.i18n import Message
from app.services.errors import Invalid

FIELDS = (
    'date',
    'amount',
    'debit',
    'credit',
    'category',
    'subcategory',
    'payment_method',
    'description',
    'place',
    'latitude',
    'longitude',
    'tags',
    'currency',
    'type',
    'external_id',
)
FILE_FORMATS = ('csv', 'tsv', 'xlsx', 'ofx', 'qfx', 'qif', 'camt053', 'mt940', 'json')
NEGATIVES = ('expenses', 'refunds')
SKIP_TYPES = ('income', 'transfer')
VALUE_SHOWN = 80  # a problem quotes at most this much of the value


class ImportFileError(Invalid):
    """The file as a whole cannot be read (binary, empty, header only, a line over 1 MB, bad XML...): one clear
    message for the person, never a traceback. A ServiceError, so the API answers 422 and pages notify."""


@dataclass(frozen=True)
class Table:
    """What was understood of the file: enough to read it again from the start, row by row."""

    file_format: str
    encoding: str | None
    delimiter: str | None
    headers: tuple[str, ...]
    preset: str | None
    header_line: int = 1  # the line (row of a sheet) of the header; lines above it are a bank's preamble
    sheet: str | None = None  # XLSX: the sheet read


@dataclass(frozen=True)
class Mapping:
    """Our field name -> the file's column header, in field order."""

    columns: tuple[tuple[str, str], ...]

    def get(self, field: str) -> str | None:
        for name, header in self.columns:
            if name == field:
                return header
        return None

    def as_dict(self) -> dict[str, str]:
        return dict(self.columns)

    @classmethod
    def of(cls, columns: dict[str, str], *, headers: Sequence[str] | None = None) -> Mapping:
        """A mapping from a person's or a client's choice: unknown field names, non-text headers and (when
        `headers` is given) headers the file does not have are refused, naming them."""
        if not isinstance(columns, dict):
            raise Invalid(Message('The mapping must be an object from field names to column headers.'), field='mapping')
        for field, header in columns.items():
            if field not in FIELDS:
                raise Invalid(
                    Message(
                        '{field} is not a field to import; use one of: {fields}.',
                        field=str(field)[:VALUE_SHOWN],
                        fields=', '.join(FIELDS),
                    ),
                    field='mapping',
                )
            if not isinstance(header, str) or not header.strip():
                raise Invalid(Message('Choose a column for {field}.', field=field), field='mapping')
            if headers is not None and header not in headers:
                raise Invalid(
                    Message('The file has no column {header} (for {field}).', header=header[:VALUE_SHOWN], field=field),
                    field='mapping',
                )
        return cls(tuple((field, columns[field]) for field in FIELDS if field in columns))


@dataclass(frozen=True)
class ReadOptions:
    date_format: str | None = None  # None: decided from the whole column by `analyse`
    negatives: str = 'expenses'  # 'expenses': negative is spending (bank style); 'refunds': negative is a refund
    skip_types: tuple[str, ...] = SKIP_TYPES
    decimal: str | None = None  # '.' or ','; None: decided from the whole column by `analyse`


@dataclass(frozen=True)
class DateQuestion:
    """The whole date column stayed ambiguous (no day above 12): the person chooses the format."""

    column: str
    candidates: tuple[str, ...]
    examples: tuple[str, ...]


@dataclass(frozen=True)
class ParsedRow:
    row_number: int
    date: datetime.date
    time: datetime.time | None
    amount_cents: int  # > 0 spending, < 0 a refund (after options.negatives)
    category: str | None
    subcategory: str | None
    payment_method: str | None
    description: str
    place: str | None
    latitude: float | None
    longitude: float | None
    tags: tuple[str, ...]
    currency: str | None
    external_id: str | None


@dataclass(frozen=True)
class RowProblem:
    row_number: int
    column: str
    value: str
    message: Message


@dataclass(frozen=True)
class SkippedRow:
    row_number: int
    reason: str  # 'income' 'transfer' 'zero' 'empty'


def shown(value: str) -> str:
    """A value as a problem quotes it: at most VALUE_SHOWN characters."""
    return value if len(value) <= VALUE_SHOWN else value[: VALUE_SHOWN - 1] + '…'
