"""Logging in and out: one use case for the login page, /sysapi/login and anything else.

Password guessing is slowed down per username and per client address: once LOGIN_MAX_FAILURES
failed logins happened within LOGIN_WINDOW_MINUTES, the next attempt must wait, one minute after
the last failure, then two, four... up to the window. A refused attempt costs no Argon2 work and
checks nothing, so waiting is the only way forward. Failures are counted from the audit log (a table
every app process shares), and each one is logged as

    WARNING whatispend.auth: login failed from 203.0.113.9 for user 'bob'

which is what the fail2ban filter in the README matches. An unknown user gets the same answer, and
costs the same Argon2 time, as a wrong password.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

from peewee import fn

from app.config import get_settings
from app.models import AuditEvent, User, utcnow
from app.services import audit, sessions, users
from app.services.errors import TooManyRequests, Unauthorized

log = logging.getLogger('whatispend.auth')

WRONG_CREDENTIALS = 'Wrong username or password; check both and try again.'
FIRST_DELAY_SECONDS = 60


def _username_key(username: str) -> str:
    return (username or '').strip().lower()[:64]


def _failures(column, value: str, since: datetime) -> tuple[int, datetime | None]:
    row = (
        AuditEvent.select(fn.COUNT(AuditEvent.id), fn.MAX(AuditEvent.at))
        .where((AuditEvent.event == 'login_failed') & (column == value) & (AuditEvent.at > since))
        .tuples()
        .first()
    )
    count, last = row or (0, None)
    if isinstance(last, str):  # SQLite returns MAX() of a datetime column as text
        last = datetime.fromisoformat(last)
    return int(count or 0), last


def seconds_to_wait(username: str, ip: str, now: datetime | None = None) -> int:
    """How long the next attempt for this username or from this address must wait (0: go ahead)."""
    settings = get_settings()
    now = now or utcnow()
    window = timedelta(minutes=settings.login_window_minutes)
    since = now - window
    wait = 0.0
    keys = [(AuditEvent.username, _username_key(username))]
    if ip:
        keys.append((AuditEvent.ip, ip[:64]))
    for column, value in keys:
        if not value:
            continue
        count, last = _failures(column, value, since)
        if count < settings.login_max_failures or last is None:
            continue
        excess = count - settings.login_max_failures
        delay = min(window.total_seconds(), FIRST_DELAY_SECONDS * 2 ** min(excess, 20))
        wait = max(wait, (last + timedelta(seconds=delay) - now).total_seconds())
    return max(0, math.ceil(wait))


def login(username: str, password: str, *, ip: str = '', user_agent: str = '') -> tuple[User, str]:
    """Check the credentials and open a new session; returns the user and the session token."""
    key = _username_key(username)
    wait = seconds_to_wait(key, ip)
    if wait:
        log.warning('login throttled from %s for user %r (%s s to wait)', ip or 'unknown', key, wait)
        audit.record('login_throttled', key, ip=ip, detail=f'{wait} s to wait')
        raise TooManyRequests(
            f'Too many failed logins for this account or from this address; wait {wait} seconds and try again.',
            retry_after=wait,
        )
    user = users.authenticate((username or '').strip(), password or '')
    if user is None:
        log.warning('login failed from %s for user %r', ip or 'unknown', key)
        audit.record('login_failed', key, ip=ip, detail=(user_agent or '')[:200])
        raise Unauthorized(WRONG_CREDENTIALS)
    token = sessions.create_session(user, ip=ip, user_agent=user_agent)
    log.info('login ok from %s for user %r', ip or 'unknown', user.username)
    audit.record('login_ok', user, ip=ip, detail=(user_agent or '')[:200])
    return user, token


def logout(token: str | None, *, ip: str = '') -> None:
    """End the session of `token` on the server (a no-op for an unknown token)."""
    user = sessions.user_for_token(token) if token else None
    sessions.end_session(token)
    if user is not None:
        audit.record('logout', user, ip=ip)


def end_other_sessions(user: User, current_token: str | None, *, ip: str = '') -> int:
    """'Log out other sessions': every session of `user` except the one making the request."""
    ended = sessions.end_all_sessions(user, except_token=current_token)
    audit.record('sessions_ended', user, ip=ip, detail=f'{ended} other session(s) ended')
    return ended


def change_password(
    user: User, current: str, new: str, confirm: str | None = None, *, current_token: str | None = None, ip: str = ''
) -> int:
    """Change the password after checking the current one; every other session of the user ends.

    Returns how many other sessions were ended.
    """
    users.change_password(user, current, new, confirm)
    ended = sessions.end_all_sessions(user, except_token=current_token)
    audit.record('password_changed', user, ip=ip, detail=f'{ended} other session(s) ended')
    return ended
