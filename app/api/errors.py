"""Errors as JSON a person can act on: {"error": message, "field": name?}; never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.services.errors import ServiceError, TooManyRequests

log = logging.getLogger(__name__)


class ErrorBody(BaseModel):
    error: str
    field: str | None = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {'model': ErrorBody, 'description': 'Missing or wrong API key, or no session'},
    413: {'model': ErrorBody, 'description': 'The request body is over the size limit, which the message states'},
    422: {'model': ErrorBody, 'description': 'Invalid input; `field` names the culprit'},
    429: {
        'model': ErrorBody,
        'description': 'Too many requests (rate limit, or too many failed logins); retry after Retry-After seconds',
        'headers': {'Retry-After': {'description': 'Seconds to wait before retrying', 'schema': {'type': 'integer'}}},
    },
}


def error_response(status: int, message: str, field: str | None = None, headers: dict | None = None) -> JSONResponse:
    body = {'error': message}
    if field:
        body['field'] = field
    return JSONResponse(body, status_code=status, headers=headers)


async def service_error_handler(request: Request, exc: ServiceError) -> JSONResponse:
    headers = {'Retry-After': str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
    return error_response(exc.status, exc.message, exc.field, headers)


def _describe(error: dict) -> tuple[str, str | None]:
    loc = [str(part) for part in error.get('loc', ()) if part not in ('body', 'query', 'path', 'header', 'form')]
    field = loc[0] if loc else None
    message = error.get('msg', 'invalid value')
    if field:
        return f'{field}: {message}. Correct this field and try again.', field
    return f'{message}. Correct the request and try again.', None


async def validation_error_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    message, field = _describe(errors[0]) if errors else ('Invalid request.', None)
    return error_response(422, message, field)


async def unexpected_error_handler(request: Request, exc: Exception) -> JSONResponse:
    log.exception('unexpected error on %s %s', request.method, request.url.path)
    return error_response(500, 'Something went wrong on the server; the error was logged. Try again later.')
