"""/sysapi/import, /sysapi/imports, /sysapi/import_undo (issue 16).

`POST /sysapi/import` takes a multipart body (`file` and text fields, see `import_params`); its body
limit is IMPORT_MAX_MB (registered by `allow_import_bodies`), far above the API's usual one, so the body
is parsed by Starlette's multipart reader, which spools the file to disk as it arrives; the service then
reads it as a stream. Everything else is the service's: the answer is its report as JSON.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from app.api.bodies import body_docs, body_of
from app.api.deps import api_user
from app.api.errors import ERROR_RESPONSES, ErrorBody, request_language
from app.api.fields import Id
from app.i18n import Message
from app.models import User
from app.services import import_file, import_history
from app.services.errors import Invalid
from app.services.import_params import parse_request
from app.services.import_types import ImportView, UndoneImport, report_json
from app.web.body_limit import allow_larger_body

router = APIRouter(
    responses={**ERROR_RESPONSES, 404: {'model': ErrorBody, 'description': 'No such import, or not yours'}}
)
IMPORT_PATH = '/sysapi/import'
_FORM_SLACK = 1024 * 1024  # the text fields and multipart framing around the file


def allow_import_bodies(max_mb: int) -> None:
    """Let `POST /sysapi/import` carry a file of IMPORT_MAX_MB (called where the settings are loaded)."""
    allow_larger_body(IMPORT_PATH, max_mb * 1024 * 1024 + _FORM_SLACK)


class ImportsOut(BaseModel):
    imports: list[ImportView]


class ImportUndo(BaseModel):
    id: Id


class UndoneOut(BaseModel):
    success: bool
    undone: UndoneImport


_DOCS = {
    'requestBody': {
        'content': {
            'multipart/form-data': {
                'schema': {
                    'type': 'object',
                    'required': ['file'],
                    'properties': {
                        'file': {'type': 'string', 'format': 'binary'},
                        'preset': {'type': 'string'},
                        'mapping': {'type': 'string', 'description': 'JSON: field name -> column header'},
                        'dry_run': {'type': 'boolean', 'default': True},
                        'skip_invalid': {'type': 'boolean', 'default': False},
                        'keep_possible': {'type': 'string', 'description': '"all" or row numbers: 4,17'},
                        'default_category': {'type': 'string', 'description': 'an id or a name'},
                        'default_payment_method': {'type': 'string', 'description': 'an id or a name'},
                        'category_map': {'type': 'string', 'description': 'JSON: name in the file -> category id'},
                        'payment_method_map': {'type': 'string', 'description': 'JSON: name -> payment method id'},
                        'subcategory_map': {
                            'type': 'string',
                            'description': 'JSON: category in the file -> {subcategory in the file -> category id}',
                        },
                        'encoding': {'type': 'string'},
                        'delimiter': {'type': 'string'},
                        'date_format': {'type': 'string', 'examples': ['%d/%m/%Y']},
                        'negatives': {'type': 'string', 'enum': ['expenses', 'refunds']},
                        'refunds': {
                            'type': 'string',
                            'enum': ['deduct', 'skip'],
                            'default': 'deduct',
                            'description': 'money in: taken off the purchase of the file it refunds, or skipped',
                        },
                        'skip_types': {'type': 'string', 'description': 'income,transfer (default), one, or empty'},
                    },
                }
            }
        },
        'required': True,
    }
}


async def _form(request: Request) -> tuple[UploadFile, dict[str, str]]:
    if not request.headers.get('content-type', '').lower().startswith('multipart/form-data'):
        raise Invalid(Message('Send the file as multipart/form-data, in a field named file.'), field='file')
    try:
        form = await request.form(max_files=1, max_fields=30)
    except Exception:  # noqa: BLE001 - Starlette raises several kinds for a malformed multipart body
        raise Invalid(Message('The multipart body could not be read.'), field='file') from None
    upload = form.get('file')
    if not isinstance(upload, UploadFile):
        raise Invalid(Message('Send the file in a field named file.'), field='file')
    fields = {name: value for name, value in form.items() if isinstance(value, str)}
    return upload, fields


def _chunks(upload: UploadFile):
    upload.file.seek(0)
    while chunk := upload.file.read(import_file.CHUNK):
        yield chunk


@router.post('/import', openapi_extra=_DOCS)
async def import_a_file(request: Request, user: User = Depends(api_user)) -> dict[str, Any]:
    """Import a file (CSV, TSV, XLSX, OFX/QFX, QIF, CAMT.053, MT940, ihatemoney JSON). A dry run unless
    `dry_run=false`: the answer is the report (new, duplicates, possible duplicates, skipped, invalid rows,
    total, what would be created). Without `preset` or `mapping`, the preset or the header's guess is used."""
    upload, fields = await _form(request)
    try:
        parsed = parse_request(fields)

        def run() -> dict[str, Any]:
            with import_file.save_upload(_chunks(upload)) as path:
                report = import_file.import_file(
                    user,
                    path,
                    upload.filename or 'upload',
                    parsed.options,
                    preset=parsed.preset,
                    mapping=parsed.mapping,
                    encoding=parsed.encoding,
                    delimiter=parsed.delimiter,
                    date_format=parsed.date_format,
                    negatives=parsed.negatives,
                    skip_types=parsed.skip_types,
                )
            return report_json(report, request_language(request))

        return await run_in_threadpool(run)
    finally:
        await upload.close()


@router.get('/imports', response_model=ImportsOut)
def list_imports(user: User = Depends(api_user)):
    """Your imports, newest first: file, size, time, preset, rows, how many imported and still there, total."""
    return ImportsOut(imports=import_history.list_imports(user))


@router.post('/import_undo', response_model=UndoneOut, openapi_extra=body_docs(ImportUndo))
def undo_import(user: User = Depends(api_user), body: ImportUndo = body_of(ImportUndo)):
    """Undo a whole import by `id`: its expenses, and the categories and payment methods it created that
    nothing else uses, are deleted; what you entered by hand stays."""
    return UndoneOut(success=True, undone=import_history.undo_import(user, body.id))
