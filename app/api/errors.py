"""Errors as JSON a person can act on: {"error": message, "field": name?}; never a stack trace.

The message is in the caller's language: the user's `language` setting when the route knew the caller
(`deps.api_caller` stores it in `request.state.language`), else the request's Accept-Language, else English.
The response says which with `Content-Language`. JSON keys and `field` values are never translated.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from app import i18n
from app.i18n import N_, Message, _
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


def request_language(request: Request) -> str:
    """The user's setting when the route knew the caller, else Accept-Language, else English."""
    chosen = getattr(request.state, 'language', None)
    return i18n.supported(chosen) if chosen else i18n.from_accept_language(request.headers.get('accept-language'))


def error_response(
    status: int, message: str | Message, field: str | None = None, headers: dict | None = None, *, language: str = 'en'
) -> JSONResponse:
    body = {'error': i18n.render(message, language)}
    if field:
        body['field'] = field  # a field NAME: never translated
    return JSONResponse(body, status_code=status, headers={**(headers or {}), 'Content-Language': language})


async def service_error_handler(request: Request, exc: ServiceError) -> JSONResponse:
    headers = {'Retry-After': str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
    language = request_language(request)
    return error_response(exc.status, exc.render(language), exc.field, headers, language=language)


# pydantic's error types that the API's models and bodies can produce, as sentences in the catalogue; the
# `ctx` of the error gives the parameters ({max_length}, {ge}, ...). An unknown type gets a generic sentence.
PROBLEMS: dict[str, str] = {
    'missing': N_('This value is required.'),
    'string_type': N_('Send text here.'),
    'string_too_long': N_('Send at most {max_length} characters.'),
    'string_too_short': N_('Send at least {min_length} characters.'),
    'string_pattern_mismatch': N_('This text does not have the expected form.'),
    'int_type': N_('Send a whole number.'),
    'int_parsing': N_('Send a whole number.'),
    'int_from_float': N_('Send a whole number, without decimals.'),
    'float_type': N_('Send a number.'),
    'float_parsing': N_('Send a number.'),
    'finite_number': N_('Send a finite number.'),
    'bool_type': N_('Send true or false.'),
    'bool_parsing': N_('Send true or false.'),
    'greater_than_equal': N_('Send a number of at least {ge}.'),
    'greater_than': N_('Send a number greater than {gt}.'),
    'less_than_equal': N_('Send a number of at most {le}.'),
    'less_than': N_('Send a number less than {lt}.'),
    'literal_error': N_('Send one of these values: {expected}.'),
    'enum': N_('Send one of these values: {expected}.'),
    'list_type': N_('Send a list.'),
    'too_long': N_('Send at most {max_length} items.'),
    'dict_type': N_('Send an object of fields.'),
    'model_type': N_('Send an object of fields.'),
    'model_attributes_type': N_('Send an object of fields.'),
    'extra_forbidden': N_('This field is not expected; leave it out.'),
    'json_invalid': N_('The body is not valid JSON.'),
    # raised by app/api/fields.py and app/api/bodies.py
    'not_an_id': N_('{value} is not an id; send digits such as 3.'),
    'boolean_not_id': N_('true or false is not an id; send a number such as 3.'),
    'boolean_not_amount': N_('true or false is not an amount; send a number such as 12.50.'),
    'boolean_not_rate': N_('true or false is not a rate; send a number such as 1.0845.'),
    'boolean_not_position': N_('true or false is not a position; send a number such as 48.8566 (decimal degrees).'),
    'json_too_deep': N_(
        'The JSON body nests arrays or objects more than {depth} levels deep; send a flat object of fields.'
    ),
    'json_not_utf8': N_('The body is not valid UTF-8 JSON.'),
    'json_not_object': N_('The JSON body must be an object.'),
    'form_unreadable': N_('The form body could not be read.'),
}


def problem(error: dict) -> str:
    """One pydantic error as a sentence of the catalogue, in the current language; an unknown type (or one
    without the context its sentence needs) keeps pydantic's English as a detail."""
    template = PROBLEMS.get(str(error.get('type', '')))
    params = {key: str(value) for key, value in (error.get('ctx') or {}).items()}
    if template is not None:
        try:
            template.format(**params)  # every placeholder has its value
        except (KeyError, IndexError):
            pass
        else:
            return _(template, **{key: value for key, value in params.items() if f'{{{key}}}' in template})
    return _('This value is not accepted ({detail}).', detail=str(error.get('msg', '')).rstrip('.'))


def _describe(error: dict) -> tuple[str, str | None]:
    loc = [str(part) for part in error.get('loc', ()) if part not in ('body', 'query', 'path', 'header', 'form')]
    field = loc[0] if loc else None
    if field:
        return _('{field}: {problem} Correct this field and try again.', field=field, problem=problem(error)), field
    return _('{problem} Correct the request and try again.', problem=problem(error)), None


async def validation_error_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    language = request_language(request)
    with i18n.use_language(language):  # problem() and _describe() speak the current language
        message, field = _describe(errors[0]) if errors else (_('Invalid request.'), None)
    return error_response(422, message, field, language=language)


async def unexpected_error_handler(request: Request, exc: Exception) -> JSONResponse:
    log.exception('unexpected error on %s %s', request.method, request.url.path)
    message = Message('Something went wrong on the server; the error was logged. Try again later.')
    return error_response(500, message, language=request_language(request))


# Starlette's own refusals, before any route of ours runs: an address no route has, a method the route does
# not take. FastAPI answers {"detail": "Not Found"} and NiceGUI an HTML page; a script calling /sysapi gets
# our JSON, in its language, like every other error.
ROUTING_PROBLEMS = {
    404: N_('No API route {method} {path}; the list of routes is at /docs.'),
    405: N_('{path} does not take {method}; send {allowed}.'),
}
API_PREFIX = '/sysapi'

Handler = Callable[[Request, Exception], Awaitable[Response]]


def routing_error_handler(fallback: Handler) -> Handler:
    """404 and 405 under /sysapi as our JSON; anywhere else, what `fallback` (NiceGUI's page) answers."""

    async def handle(request: Request, exc: Exception) -> Response:
        path = request.url.path
        if not isinstance(exc, HTTPException) or not (path == API_PREFIX or path.startswith(API_PREFIX + '/')):
            return await fallback(request, exc)
        language = request_language(request)
        headers = dict(exc.headers or {})
        allowed = headers.get('Allow', headers.get('allow', ''))
        template = ROUTING_PROBLEMS.get(exc.status_code)
        if template is None:
            return await fallback(request, exc)
        with i18n.use_language(language):
            message = _(template, method=request.method, path=path, allowed=allowed or 'GET')
        return error_response(exc.status_code, message, headers=headers, language=language)

    return handle


def answer_routing_errors(app: FastAPI) -> None:
    """Call once, after NiceGUI registered its 404 page: that page stays the answer outside /sysapi."""
    for status in ROUTING_PROBLEMS:
        fallback = app.exception_handlers.get(status, http_exception_handler)
        app.add_exception_handler(status, routing_error_handler(fallback))  # type: ignore[arg-type]
