"""/sysapi/export_csv and /sysapi/export_xlsx: a month (or everything, with month=all, or a search's results) as a file.

The file is written to an anonymous temporary file by one thread (the database cursor never crosses
threads), then streamed; memory stays small whatever the number of expenses.
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Iterator
from typing import IO, Protocol

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from app.api.deps import api_user
from app.api.errors import ERROR_RESPONSES, request_language
from app.api.filters import expense_filters
from app.models import User
from app.services import exports
from app.services.expense_search import ExpenseFilters
from app.services.months import Month

router = APIRouter(responses=ERROR_RESPONSES)
CHUNK = 64 * 1024


class _Writer(Protocol):
    def __call__(
        self, user: User, month: Month | None, target: IO[bytes], *, scope: str, filters: ExpenseFilters
    ) -> int: ...


def _stream(handle: IO[bytes]) -> Iterator[bytes]:
    try:
        handle.seek(0)
        while chunk := handle.read(CHUNK):
            yield chunk
    finally:
        handle.close()


def _export(write: _Writer, filters: ExpenseFilters, user: User, extension: str, media_type: str) -> StreamingResponse:
    """Write the file to a temporary file, then stream it; the file is closed on failure or once sent."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _stream once sent
    try:
        write(user, filters.month, handle, scope=filters.scope, filters=filters)
    except BaseException:
        handle.close()
        raise
    filename = exports.export_filename(filters.month, extension, filters)
    return StreamingResponse(
        _stream(handle),
        media_type=media_type,
        headers={'Content-Disposition': f'attachment; filename="{filename}"', 'Cache-Control': 'no-store'},
    )


@router.get(
    '/export_csv',
    response_class=StreamingResponse,
    responses={200: {'content': {'text/csv': {'schema': {'type': 'string'}}}, 'description': 'The CSV file'}},
)
def export_csv(filters: ExpenseFilters = Depends(expense_filters), user: User = Depends(api_user)):
    """CSV (UTF-8, header row, dot decimals): date, amount, category, subcategory, payment method, description,
    latitude, longitude, created by, tags, receipts (their file names). Takes the filters of GET /sysapi/expenses:
    a search's results."""
    return _export(exports.write_csv, filters, user, 'csv', exports.CSV_MEDIA_TYPE)


@router.get(
    '/export_xlsx',
    response_class=StreamingResponse,
    responses={
        200: {
            'content': {exports.XLSX_MEDIA_TYPE: {'schema': {'type': 'string', 'format': 'binary'}}},
            'description': 'The XLSX workbook: Expenses and By category sheets',
        }
    },
)
def export_xlsx(request: Request, filters: ExpenseFilters = Depends(expense_filters), user: User = Depends(api_user)):
    """XLSX: real dates and numbers, a bold frozen header, a totals row, and a By category sheet; headers and
    sheet names in the user's language (else Accept-Language's). The CSV's header is always the English one."""
    write = functools.partial(exports.write_xlsx, language=request_language(request))
    return _export(write, filters, user, 'xlsx', exports.XLSX_MEDIA_TYPE)
