"""JSON answers encoded by orjson, for the answers too big for pydantic's validate-then-encode (issue 21, item 5).

A route that returns one of these skips FastAPI's `response_model` serialisation (the model still documents
the answer in the OpenAPI schema). orjson writes dataclasses, dates and datetimes itself; with these options a
datetime reads as `timestamps.iso_utc` writes it (UTC, to the second, with a `Z`), so the bytes are the ones
pydantic writes for the same dataclasses (tests/test_expense_listing.py compares them).
"""

from __future__ import annotations

import orjson
from fastapi.responses import Response

OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_OMIT_MICROSECONDS | orjson.OPT_NAIVE_UTC


def encode(content: object) -> bytes:
    return orjson.dumps(content, option=OPTIONS)


def json_answer(content: object, status_code: int = 200) -> Response:
    """`content` (dataclasses, dicts, lists, dates, datetimes, numbers, text) as an `application/json` answer."""
    return Response(encode(content), status_code=status_code, media_type='application/json')
