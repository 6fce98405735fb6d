"""Login sessions stored in the database, so that several app processes share them and logout is real.

The browser holds a random token; the database holds only its SHA-256. A session lasts
SESSION_DURATION hours from its last use; it is extended at most once a minute so that browsing does
not turn every page view into a write.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from app.config import get_settings
from app.db import write_transaction
from app.models import Session, User, utcnow

COOKIE_NAME = 'wis_session'
_RENEW_EVERY = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode('utf-8', 'surrogatepass')).hexdigest()


def _duration() -> timedelta:
    return timedelta(hours=get_settings().session_duration)


def create_session(user: User, *, ip: str = '', user_agent: str = '') -> str:
    """A new session for `user`; returns the token to put in the cookie. Always a fresh token (no fixation)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with write_transaction():
        Session.create(
            user=user,
            token_hash=_digest(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + _duration(),
            ip=ip[:64],
            user_agent=(user_agent or '')[:200],
        )
    return token


def user_for_token(token: str | None) -> User | None:
    """The active user behind a session token, renewing the session; None when unknown or expired."""
    if not token or len(token) > 200:
        return None
    now = utcnow()
    row = (
        Session.select(Session, User)
        .join(User)
        .where((Session.token_hash == _digest(token)) & (Session.expires_at > now) & User.deleted_at.is_null())
        .first()
    )
    if row is None:
        return None
    if now - row.last_seen_at >= _RENEW_EVERY:
        with write_transaction():
            Session.update(last_seen_at=now, expires_at=now + _duration()).where(Session.id == row.id).execute()
    return row.user


def end_session(token: str | None) -> None:
    if token:
        with write_transaction():
            Session.delete().where(Session.token_hash == _digest(token)).execute()


def end_all_sessions(user: User, *, except_token: str | None = None) -> int:
    query = Session.delete().where(Session.user == user)
    if except_token:
        query = query.where(Session.token_hash != _digest(except_token))
    with write_transaction():
        return query.execute()


def count_sessions(user: User) -> int:
    return Session.select().where((Session.user == user) & (Session.expires_at > utcnow())).count()


def purge_expired() -> int:
    with write_transaction():
        return Session.delete().where(Session.expires_at <= utcnow()).execute()
