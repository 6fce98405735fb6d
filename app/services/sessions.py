"""Login sessions stored in the database, so that several app processes share them and logout is real.

The browser holds a random token; the database holds only its SHA-256. A session lasts
SESSION_DURATION hours from its last use; it is extended at most once a minute so that browsing does
not turn every page view into a write. When it is extended, the browser's cookie is re-sent with the
new lifetime (`app.web.cookies.SessionRenewalMiddleware`), so an active browser stays logged in.

An open page holds no rights of its own: every event of a page is checked against its session
(`is_live`, from `app.pages.guard`), so ending a session here ends every open page of it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

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


def is_live(token: str | None, user_id: int) -> bool:
    """Whether `token` is still an unexpired session of the active user `user_id`. Read-only and one
    indexed query, so that it can run before every event of an open page."""
    if not token or len(token) > 200:
        return False
    return (
        Session.select(Session.id)
        .join(User)
        .where(
            (Session.token_hash == _digest(token))
            & (Session.expires_at > utcnow())
            & (Session.user == user_id)
            & User.deleted_at.is_null()
        )
        .exists()
    )


def touch(token: str | None) -> datetime | None:
    """Extend a live session on use (at most once a minute); returns its new expiry when it was extended,
    so that the caller re-sends the cookie with the new lifetime, else None (unknown, expired or recent)."""
    if not token or len(token) > 200:
        return None
    now = utcnow()
    row = (
        Session.select(Session.id, Session.last_seen_at)
        .join(User)
        .where((Session.token_hash == _digest(token)) & (Session.expires_at > now) & User.deleted_at.is_null())
        .first()
    )
    if row is None or now - row.last_seen_at < _RENEW_EVERY:
        return None
    expires = now + _duration()
    with write_transaction():
        Session.update(last_seen_at=now, expires_at=expires).where(Session.id == row.id).execute()
    return expires


def expires_at(token: str | None) -> datetime | None:
    """When the session of `token` ends, if it is live."""
    if not token or len(token) > 200:
        return None
    row = Session.get_or_none((Session.token_hash == _digest(token)) & (Session.expires_at > utcnow()))
    return row.expires_at if row else None


def end_session(token: str | None) -> None:
    if token:
        with write_transaction():
            Session.delete().where(Session.token_hash == _digest(token)).execute()  # type: ignore[misc]  # types-peewee: Model.delete


def end_all_sessions(user: User, *, except_token: str | None = None) -> int:
    query = Session.delete().where(Session.user == user)  # type: ignore[misc]  # types-peewee: Model.delete
    if except_token:
        query = query.where(Session.token_hash != _digest(except_token))
    with write_transaction():
        return query.execute()


def count_sessions(user: User) -> int:
    return Session.select().where((Session.user == user) & (Session.expires_at > utcnow())).count()


def purge_expired() -> int:
    with write_transaction():
        return Session.delete().where(Session.expires_at <= utcnow()).execute()  # type: ignore[misc]  # types-peewee: Model.delete
