"""Files shared into the app from the phone (the installed app's share target: a photo of a receipt from the
gallery, a PDF), kept for a short while until the expense they go with is saved, then attached to it through
`receipts.attach` with every check receipts have.

They wait in this process's memory, by a random token given to the browser, for the user who shared them
only, `TTL` at most; the oldest go first past `MAX_WAITING`. A file that is not a photo or a PDF, or too large,
is refused at once, before it waits anywhere.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from app.i18n import Message
from app.models import User
from app.services import receipt_files, receipts
from app.services.errors import Invalid
from app.services.receipt_types import ReceiptRef

TTL_SECONDS = 30 * 60
MAX_WAITING = 50


@dataclass(frozen=True, slots=True)
class SharedFile:
    user_id: int
    filename: str
    data: bytes
    kept_at: float


_WAITING: OrderedDict[str, SharedFile] = OrderedDict()
_LOCK = threading.Lock()


def _drop_stale(now: float) -> None:
    for token in [token for token, shared in _WAITING.items() if now - shared.kept_at > TTL_SECONDS]:
        del _WAITING[token]
    while len(_WAITING) > MAX_WAITING:
        _WAITING.popitem(last=False)


def keep(user: User, filename: object, data: bytes) -> str:
    """Keep a shared file for `user`; returns the token that finds it again."""
    if len(data) > receipts.max_bytes():
        raise Invalid(receipts.too_large_message(), field='file')
    if not data or receipt_files.sniff(data) is None:
        raise Invalid(Message('This file is not a photo or a PDF; nothing was kept.'), field='file')
    token = secrets.token_urlsafe(18)
    name = str(filename or '')[:200]
    with _LOCK:
        now = time.monotonic()
        _WAITING[token] = SharedFile(user.id, name, data, now)
        _drop_stale(now)
    return token


def waiting(user: User, token: object) -> SharedFile | None:
    """The file `token` names, when it is `user`'s and still waiting."""
    with _LOCK:
        _drop_stale(time.monotonic())
        shared = _WAITING.get(str(token or ''))
    return shared if shared is not None and shared.user_id == user.id else None


def attach_to(user: User, token: object, expense_id: int) -> ReceiptRef | None:
    """Attach the waiting file to the expense just saved, and forget it; None when it is no longer there."""
    shared = waiting(user, token)
    if shared is None:
        return None
    ref = receipts.attach(user, expense_id, shared.filename, shared.data)
    with _LOCK:
        _WAITING.pop(str(token), None)
    return ref
