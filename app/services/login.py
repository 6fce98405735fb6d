"""Logging in and out: one use case for the login page, /sysapi/login and anything else."""

from __future__ import annotations

import logging

from app.models import User
from app.services import sessions, users
from app.services.errors import Unauthorized

log = logging.getLogger('whatispend.auth')

WRONG_CREDENTIALS = 'Wrong username or password; check both and try again.'


def login(username: str, password: str, *, ip: str = '', user_agent: str = '') -> tuple[User, str]:
    """Check the credentials and open a new session; returns the user and the session token."""
    user = users.authenticate((username or '').strip(), password or '')
    if user is None:
        log.warning('login failed for user %r from %s', (username or '')[:64], ip or 'unknown')
        raise Unauthorized(WRONG_CREDENTIALS)
    token = sessions.create_session(user, ip=ip, user_agent=user_agent)
    log.info('login ok for user %r from %s', user.username, ip or 'unknown')
    return user, token


def logout(token: str | None) -> None:
    sessions.end_session(token)
