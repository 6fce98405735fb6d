"""Logging in and out: one use case for the login page, /sysapi/login and anything else.

Password guessing is slowed down per username and per client address: once LOGIN_MAX_FAILURES
failed logins happened within LOGIN_WINDOW_MINUTES, the next attempt must wait, one minute after
the last failure, then two, four... up to the window. A refused attempt costs no Argon2 work and
checks nothing, so waiting is the only way forward. Failures are counted from the audit log (a table
every app process shares), and each one is logged as

    WARNING whatispend.auth: login failed from 203.0.113.9 for user 'bob'

which is what the fail2ban filter in the README matches. An unknown user gets the same answer, and
costs the same Argon2 time, as a wrong password.

Locking out someone else: anyone could type five wrong passwords for a username and so keep its owner
out. A browser that logged in successfully before carries a device cookie (OWASP "device cookies": the
user's id and a nonce, HMAC-signed with a key derived from STORAGE_SECRET, set at each successful login,
one year long). With a valid device cookie for the username being logged in, the username's and the
address's failures do not count; the cookie's own failures do, and lock that cookie the same way. A
forged cookie or one for another user counts as no cookie.

Two-factor login (app/services/two_factor.py) adds a step: the right password gives a short-lived signed
pending-login token (not a session) that the code form posts back with the code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypedDict, TypeVar, Unpack

from peewee import fn

from app.config import get_settings
from app.i18n import Message
from app.models import AuditEvent, User, utcnow
from app.services import audit, sessions, two_factor, users
from app.services.errors import TooManyRequests, Unauthorized

log = logging.getLogger('whatispend.auth')
T = TypeVar('T')

WRONG_CREDENTIALS = Message('Wrong username or password; check both and try again.')
FIRST_DELAY_SECONDS = 60
DEVICE_FAILED = 'device_login_failed'


def _username_key(username: str) -> str:
    return (username or '').strip().lower()[:64]


def _failures(condition, since: datetime) -> tuple[int, datetime | None]:
    row = (
        AuditEvent.select(fn.COUNT(AuditEvent.id), fn.MAX(AuditEvent.at))
        .where(condition & (AuditEvent.at > since))
        .tuples()
        .first()
    )
    count, last = row or (0, None)
    if isinstance(last, str):  # SQLite returns MAX() of a datetime column as text
        last = datetime.fromisoformat(last)
    return int(count or 0), last


DEVICE_COOKIE = 'wis_device'
DEVICE_DAYS = 365
PENDING_SECONDS = 300
CODE_NEEDED = Message(
    'This account uses two-factor login; give the 6-digit code from your authenticator app, or use an API token.'
)
PENDING_EXPIRED = Message(
    'The login took longer than 5 minutes or its form is stale; enter your username and password again.'
)


def _key(purpose: str) -> bytes:
    """A key per purpose derived from STORAGE_SECRET, so one signature cannot stand in for another."""
    return hmac.new(get_settings().storage_secret.encode(), f'whatispend {purpose}'.encode(), hashlib.sha256).digest()


def _sign(purpose: str, payload: str) -> str:
    mac = hmac.new(_key(purpose), payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip('=')


def _signed(purpose: str, payload: str) -> str:
    return f'{payload}.{_sign(purpose, payload)}'


def _unsigned(purpose: str, token: str) -> list[str] | None:
    payload, _, mac = (token or '')[:400].rpartition('.')
    if not payload or not hmac.compare_digest(mac, _sign(purpose, payload)):
        return None
    return payload.split('.')


def new_device_cookie(user: User) -> str:
    """The value of the device cookie a browser gets at each successful login."""
    return _signed('device', f'd1.{int(user.id)}.{secrets.token_urlsafe(12)}')


def device_nonce(cookie: str | None, username: str) -> str | None:
    """The nonce of a valid device cookie of the account `username`, or None (forged, other user, none)."""
    parts = _unsigned('device', cookie or '')
    if not parts or len(parts) != 3 or parts[0] != 'd1' or not parts[1].isdigit():
        return None
    user = users.find_user(_username_key(username)) if username else None
    if user is None or user.id != int(parts[1]):
        return None
    return parts[2]


def seconds_to_wait(username: str, ip: str, now: datetime | None = None, *, device: str | None = None) -> int:
    """How long the next attempt for this username or from this address must wait (0: go ahead).

    With `device` (the nonce of a valid device cookie for this username) only that cookie's failures count."""
    settings = get_settings()
    now = now or utcnow()
    window = timedelta(minutes=settings.login_window_minutes)
    since = now - window
    wait = 0.0
    if device:
        keys = [(AuditEvent.event == DEVICE_FAILED) & (AuditEvent.detail == device)]
    else:
        keys = [(AuditEvent.event == 'login_failed') & (AuditEvent.username == _username_key(username))]
        if ip:
            keys.append((AuditEvent.event == 'login_failed') & (AuditEvent.ip == ip[:64]))
        if not _username_key(username):
            keys = keys[1:]
    for condition in keys:
        count, last = _failures(condition, since)
        if count < settings.login_max_failures or last is None:
            continue
        excess = count - settings.login_max_failures
        delay = min(window.total_seconds(), FIRST_DELAY_SECONDS * 2 ** min(excess, 20))
        wait = max(wait, (last + timedelta(seconds=delay) - now).total_seconds())
    return max(0, math.ceil(wait))


@dataclass(frozen=True, slots=True)
class LoginStep:
    """Where a login stands: logged in (`session`), or waiting for a code (`pending`)."""

    user: User
    session: str | None = None
    pending: str | None = None
    device: str | None = None  # a new device cookie, set with the session
    setup_two_factor: bool = False  # the installation requires 2FA and this user has none yet


def _throttle(key: str, ip: str, device: str | None) -> None:
    wait = seconds_to_wait(key, ip, device=device)
    if wait:
        log.warning('login throttled from %s for user %r (%s s to wait)', ip or 'unknown', key, wait)
        audit.record('login_throttled', key, ip=ip, detail=f'{wait} s to wait' + (' (device)' if device else ''))
        raise TooManyRequests(
            Message(
                'Too many failed logins for this account or from this address; wait {wait} seconds and try again.',
                wait=wait,
            ),
            retry_after=wait,
        )


class Client(TypedDict, total=False):
    """Where a login attempt comes from; every key may be left out (a test, a script)."""

    ip: str
    user_agent: str
    device_cookie: str | None  # the device cookie the browser sent
    previous_session: str | None  # the session the browser had: it ends when the new one opens


def _checked(key: str, client: Client, attempt: Callable[[], T | None], refusal: Message, what: str = 'login') -> T:
    """One step of a login: wait if failures say so, try, and count a failure against the username, the
    address and the device. The two steps refuse with the same throttle and the same failure count."""
    ip, user_agent = client.get('ip', ''), client.get('user_agent', '')
    device = device_nonce(client.get('device_cookie'), key)
    _throttle(key, ip, device)
    result = attempt()
    if result is None or result is False:  # a user, or True, is a success
        log.warning('%s failed from %s for user %r', what, ip or 'unknown', key)
        if device:
            audit.record(DEVICE_FAILED, key, ip=ip, detail=device)
        else:
            audit.record('login_failed', key, ip=ip, detail=(user_agent or '')[:200])
        raise Unauthorized(refusal)
    return result


def _open_session(user: User, client: Client) -> LoginStep:
    """The one way a login opens a session: the session the browser had before (`previous_session`, if any)
    ends first, audited as a logout from this address, so that a login never leaves an old session behind."""
    ip, user_agent = client.get('ip', ''), client.get('user_agent', '')
    logout(client.get('previous_session'), ip=ip)
    token = sessions.create_session(user, ip=ip, user_agent=user_agent)
    log.info('login ok from %s for user %r', ip or 'unknown', user.username)
    audit.record('login_ok', user, ip=ip, detail=(user_agent or '')[:200])
    return LoginStep(user, session=token, device=new_device_cookie(user), setup_two_factor=two_factor.needs_setup(user))


def _password_mark(user: User) -> str:
    """Ties a pending login to the password it was made with: a password change voids it."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _pending_token(user: User, now: datetime) -> str:
    return _signed('pending', f'p1.{int(user.id)}.{int(now.timestamp())}.{_password_mark(user)}')


def _pending_user(token: str, now: datetime) -> User | None:
    parts = _unsigned('pending', token)
    if not parts or len(parts) != 4 or parts[0] != 'p1' or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    if not 0 <= now.timestamp() - int(parts[2]) <= PENDING_SECONDS:
        return None
    user = User.get_or_none((User.id == int(parts[1])) & User.deleted_at.is_null())
    if user is None or not hmac.compare_digest(_password_mark(user), parts[3]):
        return None
    return user


def begin_login(username: str, password: str, **client: Unpack[Client]) -> LoginStep:
    """The password step: a session (ending `previous_session`, the one the browser had), or a pending-login
    token when the account uses two-factor login."""
    user = _checked(
        _username_key(username),
        client,
        lambda: users.authenticate((username or '').strip(), password or ''),
        WRONG_CREDENTIALS,
    )
    if two_factor.is_enabled(user):
        audit.record('login_password_ok', user, ip=client.get('ip', ''), detail='waiting for the two-factor code')
        return LoginStep(user, pending=_pending_token(user, utcnow()))
    return _open_session(user, client)


def finish_login(pending: str, code: str, **client: Unpack[Client]) -> LoginStep:
    """The code step: the pending-login token from `begin_login` and a TOTP or recovery code."""
    user = _pending_user(pending, utcnow())
    if user is None:
        raise Unauthorized(PENDING_EXPIRED)
    key = _username_key(user.username)
    _checked(key, client, lambda: two_factor.verify(user, code), two_factor.WRONG_CODE, what='two-factor code')
    return _open_session(user, client)


def login(username: str, password: str, *, code: str | None = None, **client: Unpack[Client]) -> tuple[User, str]:
    """Both steps at once (the /sysapi login and tests); returns the user and the session token."""
    step = begin_login(username, password, **client)
    if step.pending:
        if not code:
            raise Unauthorized(CODE_NEEDED)
        step = finish_login(step.pending, code, **client)
    if step.session is None:  # cannot happen: the code step ends in a session or raises
        raise Unauthorized(PENDING_EXPIRED)
    return step.user, step.session


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
