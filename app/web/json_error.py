"""The JSON error answer of the pure ASGI middlewares (413 body too large, 429 too many requests).

They answer before the application runs, so they cannot use FastAPI's responses: each builds the
`http.response.start` message and the body itself, in the `{"error": ...}` shape the API uses.
"""

from __future__ import annotations

import json


def json_error(status: int, message: str, *headers: tuple[bytes, bytes]) -> tuple[dict, bytes]:
    """The start message and the body of a JSON error answer; `headers` come after the content ones."""
    body = json.dumps({'error': message}).encode()
    start = {
        'type': 'http.response.start',
        'status': status,
        'headers': [(b'content-type', b'application/json'), (b'content-length', str(len(body)).encode()), *headers],
    }
    return start, body
