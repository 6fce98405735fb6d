"""Request bodies accepted as a form (as the reference does) or as JSON, validated by one pydantic model.

The OpenAPI schema documents both content types, so every /sysapi operation has a stable shape.
"""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from app.web.body_limit import BodyTooLarge

M = TypeVar('M', bound=BaseModel)

# Every body the API takes is a flat object (a list of ids at most): 20 levels is more than any client needs,
# and far below what makes Python's JSON parser run out of stack (RecursionError, a 500).
MAX_JSON_DEPTH = 20
_JSON_ESCAPE = re.compile(rb'\\.', re.DOTALL)
_JSON_STRING = re.compile(rb'"[^"]*"')
_BRACKETS = re.compile(rb'[\[\]{}]')


def json_depth(raw: bytes) -> int:
    """How deeply `raw` nests arrays and objects, counted without parsing (brackets inside strings skipped)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub(b'', _JSON_ESCAPE.sub(b'', raw))):
        if bracket in (b'[', b'{'):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


async def read_body(request: Request) -> dict[str, Any]:
    """The request's fields, from JSON or a form; a malformed body is a 422 naming the problem.

    The body's size is capped before it is read, by `app.web.body_limit` (413)."""
    raw = await request.body()
    content_type = request.headers.get('content-type', '').split(';')[0].strip().lower()
    if not raw.strip():
        return {}
    if content_type == 'application/json' or (not content_type and raw.lstrip()[:1] in (b'{', b'[')):
        if json_depth(raw) > MAX_JSON_DEPTH:
            raise RequestValidationError(
                [
                    {
                        'loc': ('body',),
                        'msg': f'the JSON body nests arrays or objects more than {MAX_JSON_DEPTH} levels deep; '
                        'send a flat object of fields',
                        'type': 'json_too_deep',
                        'ctx': {'depth': MAX_JSON_DEPTH},
                    }
                ]
            )
        try:
            data = json.loads(raw.decode('utf-8'))
        except (UnicodeDecodeError, ValueError):
            raise RequestValidationError(
                [{'loc': ('body',), 'msg': 'the body is not valid UTF-8 JSON', 'type': 'json_not_utf8'}]
            ) from None
        if not isinstance(data, dict):
            raise RequestValidationError(
                [{'loc': ('body',), 'msg': 'the JSON body must be an object', 'type': 'json_not_object'}]
            )
        return data
    try:
        form = await request.form()
    except BodyTooLarge:
        raise
    except Exception:
        raise RequestValidationError(
            [{'loc': ('body',), 'msg': 'the form body could not be read', 'type': 'form_unreadable'}]
        ) from None
    return {key: value for key, value in form.items() if isinstance(value, str)}


def body_of(model: type[M]):
    """A dependency that yields `model` built from the form or JSON body."""

    async def dependency(request: Request) -> M:
        data = await read_body(request)
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise RequestValidationError(exc.errors()) from None

    return Depends(dependency)


def body_docs(model: type[BaseModel]) -> dict:
    """openapi_extra for a route whose body is `model` as a form or as JSON."""
    schema = model.model_json_schema(ref_template='#/components/schemas/{model}')
    schema.pop('$defs', None)
    return {
        'requestBody': {
            'required': True,
            'content': {
                'application/x-www-form-urlencoded': {'schema': schema},
                'application/json': {'schema': schema},
            },
        }
    }
