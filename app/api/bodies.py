"""Request bodies accepted as a form (as the reference does) or as JSON, validated by one pydantic model.

The OpenAPI schema documents both content types, so every /sysapi operation has a stable shape.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

M = TypeVar('M', bound=BaseModel)

MAX_BODY_BYTES = 64 * 1024


async def read_body(request: Request) -> dict[str, Any]:
    """The request's fields, from JSON or a form; a malformed body is a 422 naming the problem."""
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise RequestValidationError(
            [{'loc': ('body',), 'msg': f'the body is over {MAX_BODY_BYTES} bytes', 'type': 'too_long'}]
        )
    content_type = request.headers.get('content-type', '').split(';')[0].strip().lower()
    if not raw.strip():
        return {}
    if content_type == 'application/json' or (not content_type and raw.lstrip()[:1] in (b'{', b'[')):
        try:
            data = json.loads(raw.decode('utf-8'))
        except (UnicodeDecodeError, ValueError):
            raise RequestValidationError(
                [{'loc': ('body',), 'msg': 'the body is not valid UTF-8 JSON', 'type': 'json'}]
            ) from None
        if not isinstance(data, dict):
            raise RequestValidationError([{'loc': ('body',), 'msg': 'the JSON body must be an object', 'type': 'json'}])
        return data
    try:
        form = await request.form()
    except Exception:
        raise RequestValidationError(
            [{'loc': ('body',), 'msg': 'the form body could not be read', 'type': 'form'}]
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
