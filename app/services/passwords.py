"""Argon2id password hashing.

A verify costs about 300 ms and 64 MiB with the production parameters, so it must never run on the
event loop, and a semaphore caps how many run at once: a flood of logins then queues instead of
exhausting memory and CPU for everyone else.
"""

from __future__ import annotations

import threading

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app.config import get_settings

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024

_slots = threading.BoundedSemaphore(2)
_hasher: PasswordHasher | None = None
_hasher_key: tuple[int, int, int] | None = None


def hasher() -> PasswordHasher:
    """The hasher for the configured parameters (production defaults: m=65536, t=3, p=4)."""
    global _hasher, _hasher_key
    settings = get_settings()
    key = (settings.argon2_time_cost, settings.argon2_memory_cost, settings.argon2_parallelism)
    if _hasher is None or _hasher_key != key:
        _hasher = PasswordHasher(time_cost=key[0], memory_cost=key[1], parallelism=key[2], type=Type.ID)
        _hasher_key = key
    return _hasher


def hash_password(password: str) -> str:
    with _slots:
        return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    if not password_hash:
        return False
    with _slots:
        try:
            return hasher().verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


_DUMMY_HASH: str | None = None


def burn_time(password: str) -> None:
    """Spend what a real verify spends, so an unknown username answers as slowly as a wrong password."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None or needs_rehash(_DUMMY_HASH):
        _DUMMY_HASH = hash_password('not-a-real-password')
    verify_password(_DUMMY_HASH, password)
