"""/sysapi routes for receipts: upload one to an expense, fetch it or its thumbnail, delete it.

The upload is multipart (`expense_id` and `file`). Its body may be up to RECEIPT_MAX_MB plus room for the
form's own lines (registered with the body-limit middleware in `register_body_limits`); Starlette spools
the file part to disk as it arrives. Files are answered with their checked type, `nosniff`, a
Content-Disposition with the cleaned name, and a Content-Security-Policy that runs nothing: a PDF is sent
as an attachment, and even opened in the browser it is sandboxed.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from pydantic import BaseModel

from app.api.bodies import body_docs, body_of
from app.api.deps import api_user
from app.api.errors import ERROR_RESPONSES, ErrorBody
from app.api.fields import Id
from app.i18n import Message
from app.models import User
from app.services import receipts, sessions
from app.services.errors import Invalid, NotFound
from app.services.receipt_types import ReceiptRef
from app.web.body_limit import allow_larger_body
from app.web.cookies import session_token

UPLOAD_PATH = '/sysapi/receipt_upload'
PAGE_UPLOADS = '/_nicegui/client/'  # ui.upload posts to /_nicegui/client/<client>/upload/<id>
FORM_SLACK = 256 * 1024  # the multipart boundaries, headers and the expense_id around the file
FILE_TYPES = ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')
# Nothing in a receipt may run: no script, no plugin, no form; PDFs and pictures are shown as they are.
RECEIPT_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"

router = APIRouter(
    responses={**ERROR_RESPONSES, 404: {'model': ErrorBody, 'description': 'No such receipt, or not yours to see'}}
)


def register_body_limits() -> None:
    """The upload route may receive a whole receipt (the default body limit is 128 KiB)."""
    allow_larger_body(UPLOAD_PATH, receipts.max_bytes() + FORM_SLACK)
    allow_larger_body(PAGE_UPLOADS, receipts.max_bytes() + FORM_SLACK)


class ReceiptOut(BaseModel):
    success: bool
    receipt: ReceiptRef


class ReceiptDelete(BaseModel):
    id: Id


class ReceiptDeletedOut(BaseModel):
    success: bool
    id: int


@router.post('/receipt_upload', response_model=ReceiptOut)
async def upload_receipt(
    expense_id: str = Form(..., max_length=40, description='The expense the receipt belongs to'),
    file: UploadFile = File(..., description='A photo (JPEG, PNG, WebP, HEIC) or a PDF, at most RECEIPT_MAX_MB'),
    user: User = Depends(api_user),
):
    """Attach a photo or a PDF to an expense (multipart: `expense_id`, `file`). The type is read from the
    content, not from the name; EXIF (position, camera) is removed; at most RECEIPT_MAX_MB (default 10)."""
    limit = receipts.max_bytes()
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise Invalid(receipts.too_large_message(), field='file')
    receipt = await run_in_threadpool(receipts.attach, user, expense_id, file.filename or '', data)
    return ReceiptOut(success=True, receipt=receipt)


@router.get(
    '/receipt',
    response_class=FileResponse,
    responses={
        200: {
            'content': {kind: {'schema': {'type': 'string', 'format': 'binary'}} for kind in FILE_TYPES},
            'description': 'The file as it was kept (EXIF removed), or its thumbnail (JPEG)',
        }
    },
)
def get_receipt(
    id: Id = Query(..., description='The receipt id, as the expense lists it'),  # noqa: A002 - the reference's name
    thumbnail: bool = Query(False, description='A small JPEG instead of the file'),
    user: User = Depends(api_user),
):
    """A receipt's file (or its thumbnail) when you may see its expense; 404 otherwise."""
    return file_response(receipts.open_file(user, id, thumbnail=thumbnail))


def file_response(found: receipts.ReceiptFile) -> FileResponse:
    """The file with headers that keep it inert: its own type, nosniff, no script, PDFs as attachments."""
    pdf = found.content_type == 'application/pdf'
    return FileResponse(
        found.path,
        media_type=found.content_type,
        filename='thumbnail.jpg' if found.thumbnail else found.filename,
        content_disposition_type='attachment' if pdf else 'inline',
        headers={
            'Content-Security-Policy': RECEIPT_CSP,
            'X-Content-Type-Options': 'nosniff',
            'Cache-Control': 'private, max-age=3600',
            'Cross-Origin-Resource-Policy': 'same-origin',
        },
    )


@router.post('/receipt_delete', response_model=ReceiptDeletedOut, openapi_extra=body_docs(ReceiptDelete))
def delete_receipt(user: User = Depends(api_user), body: ReceiptDelete = body_of(ReceiptDelete)):
    """Remove a receipt by `id` (its expense stays)."""
    return ReceiptDeletedOut(success=True, id=receipts.delete_receipt(user, body.id))


# --- the pages' own way in: the session cookie, no API key (an <img> cannot send one) ---------------------

browser_router = APIRouter(prefix='/receipt-files', include_in_schema=False)


def _page_user(request: Request) -> User:
    user = sessions.user_for_token(session_token(request))
    if user is None:  # not logged in: the same answer as for someone else's receipt
        raise NotFound(Message('This receipt does not exist, or its expense is not shared with you.'))
    return user


@browser_router.get('/{receipt_id}')
def page_receipt(request: Request, receipt_id: str):
    return file_response(receipts.open_file(_page_user(request), receipt_id))


@browser_router.get('/{receipt_id}/thumbnail')
def page_receipt_thumbnail(request: Request, receipt_id: str):
    return file_response(receipts.open_file(_page_user(request), receipt_id, thumbnail=True))
