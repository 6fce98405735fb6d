"""The rules a username and a password follow, with the refusal a person reads when one is broken.

Apart from `users` (which re-exports them: callers keep writing `users.validate_username(...)`).
"""

from __future__ import annotations

import re

from app.i18n import Message
from app.services.errors import Invalid
from app.services.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

USERNAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$')


def validate_username(username: str) -> str:
    username = (username or '').strip()
    if not USERNAME_RE.match(username):
        raise Invalid(
            Message('A username has 1 to 64 characters: letters, digits and . _ @ -, starting with a letter or digit.'),
            field='username',
        )
    return username


def validate_password(password: str, confirm: str | None = None) -> str:
    least, most = MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH
    if password is None or len(password) < least:
        raise Invalid(Message('The password needs at least {least} characters.', least=least), field='password')
    if len(password) > most:
        raise Invalid(Message('The password is longer than {most} characters.', most=most), field='password')
    if confirm is not None and confirm != password:
        raise Invalid(Message('The two passwords differ; type the same password twice.'), field='password_confirm')
    return password
