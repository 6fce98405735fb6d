"""The client's id for a create request: a retried create with the same id finds what the first one made
instead of adding a twin (expenses, recurring occurrences). Apart from expenses.py to keep it short."""

from __future__ import annotations

import re

from app.i18n import Message
from app.models.expense import REQUEST_ID_LENGTH
from app.services.errors import Invalid
from app.services.validation import is_blank

_REQUEST_ID = re.compile(r'[A-Za-z0-9._:-]+')


def parse_request_id(value: object) -> str | None:
    """The client's request id: printable text without spaces, at most REQUEST_ID_LENGTH characters."""
    if is_blank(value):
        return None
    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else None
    if text is None or len(text) > REQUEST_ID_LENGTH or not _REQUEST_ID.fullmatch(text):
        raise Invalid(
            Message(
                'request_id must be up to {request_id_length} letters, digits or the '
                'signs . _ : - (a UUID for instance), one per new expense.',
                request_id_length=REQUEST_ID_LENGTH,
            ),
            field='request_id',
        )
    return text
