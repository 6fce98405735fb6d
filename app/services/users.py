"""Accounts: creation, lookup, authentication, preferences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.db import db
from app.models import User, utcnow
from app.services import passwords
from app.services.errors import Conflict, Invalid, NotFound

USERNAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$')
THEMES = ('auto', 'light', 'dark')
CURRENCIES = ('EUR', 'USD', 'GBP', 'CHF', 'CAD', 'AUD', 'JPY', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'MAD', 'XOF')
LOCALES = ('fr-FR', 'en-GB', 'en-US', 'de-DE', 'es-ES', 'it-IT', 'nl-NL', 'pt-PT', 'fr-CH', 'fr-BE', 'fr-CA')


@dataclass(frozen=True)
class UserView:
    """What pages and the API may show of an account (never the hash)."""

    id: int
    username: str
    is_admin: bool
    theme: str
    currency: str
    locale: str
    timezone: str
    capture_location: bool

    @classmethod
    def of(cls, user: User) -> UserView:
        return cls(
            user.id,
            user.username,
            bool(user.is_admin),
            user.theme,
            user.currency,
            user.locale,
            user.timezone,
            bool(user.capture_location),
        )

    def as_dict(self) -> dict:
        return {
            'id': self.id,
            'username': self.username,
            'is_admin': self.is_admin,
            'theme': self.theme,
            'currency': self.currency,
            'locale': self.locale,
            'timezone': self.timezone,
            'capture_location': self.capture_location,
        }


def validate_username(username: str) -> str:
    username = (username or '').strip()
    if not USERNAME_RE.match(username):
        raise Invalid(
            'A username has 1 to 64 characters: letters, digits and . _ @ -, starting with a letter or digit.',
            field='username',
        )
    return username


def validate_password(password: str, confirm: str | None = None) -> str:
    if password is None or len(password) < passwords.MIN_PASSWORD_LENGTH:
        raise Invalid(f'The password needs at least {passwords.MIN_PASSWORD_LENGTH} characters.', field='password')
    if len(password) > passwords.MAX_PASSWORD_LENGTH:
        raise Invalid(f'The password is longer than {passwords.MAX_PASSWORD_LENGTH} characters.', field='password')
    if confirm is not None and confirm != password:
        raise Invalid('The two passwords differ; type the same password twice.', field='password_confirm')
    return password


def _active() -> object:
    return User.deleted_at.is_null()


def users_exist() -> bool:
    return User.select().where(_active()).exists()


def count_users() -> int:
    return User.select().where(_active()).count()


def get_user(user_id: int) -> User:
    user = User.get_or_none((User.id == user_id) & _active())
    if user is None:
        raise NotFound(f'No user with id {user_id}.')
    return user


def find_user(username: str) -> User | None:
    return User.get_or_none((User.username_key == (username or '').strip().lower()) & _active())


def get_user_by_username(username: str) -> User:
    user = find_user(username)
    if user is None:
        raise NotFound(f'No user named {username!r}; `python manage.py user list` shows who exists.')
    return user


def list_users() -> list[User]:
    return list(User.select().where(_active()).order_by(User.username_key))


def create_user(username: str, password: str, *, is_admin: bool = False, password_hash: str | None = None) -> User:
    """Create an account. A deleted account of the same name is brought back with its data."""
    username = validate_username(username)
    if password_hash is None:
        validate_password(password)
        password_hash = passwords.hash_password(password)
    with db.atomic():
        existing = User.get_or_none(User.username_key == username.lower())
        if existing is not None and existing.deleted_at is None:
            raise Conflict(f'The username {username!r} is taken; choose another.', field='username')
        if existing is not None:
            existing.username = username
            existing.password_hash = password_hash
            existing.is_admin = is_admin
            existing.deleted_at = None
            existing.save()
            return existing
        return User.create(
            username=username, username_key=username.lower(), password_hash=password_hash, is_admin=is_admin
        )


def authenticate(username: str, password: str) -> User | None:
    """The user whose credentials these are, or None. Unknown users cost the same time as wrong passwords."""
    user = find_user(username) if username and len(username) <= 64 else None
    if user is None or not user.password_hash:
        passwords.burn_time(password or '')
        return None
    if not passwords.verify_password(user.password_hash, password or ''):
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        user.save(only=[User.password_hash])
    return user


def change_password(user: User, current: str, new: str, confirm: str | None = None) -> None:
    if not passwords.verify_password(user.password_hash, current or ''):
        raise Invalid('The current password is wrong; type it again.', field='current_password')
    set_password(user, new, confirm)


def set_password(user: User, new: str, confirm: str | None = None) -> None:
    validate_password(new, confirm)
    user.password_hash = passwords.hash_password(new)
    user.save(only=[User.password_hash])


def update_preferences(
    user: User,
    *,
    theme: str | None = None,
    currency: str | None = None,
    locale: str | None = None,
    timezone: str | None = None,
    capture_location: bool | None = None,
) -> User:
    if theme is not None:
        if theme not in THEMES:
            raise Invalid(f'Theme {theme!r} is unknown; choose one of {", ".join(THEMES)}.', field='theme')
        user.theme = theme
    if currency is not None:
        currency = currency.strip().upper()
        if currency not in CURRENCIES:
            raise Invalid(
                f'Currency {currency!r} is not supported; choose one of {", ".join(CURRENCIES)}.', field='currency'
            )
        user.currency = currency
    if locale is not None:
        if locale not in LOCALES:
            raise Invalid(f'Locale {locale!r} is not supported; choose one of {", ".join(LOCALES)}.', field='locale')
        user.locale = locale
    if timezone is not None:
        timezone = timezone.strip()
        if timezone:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError):
                raise Invalid(
                    f'Time zone {timezone!r} is unknown; use a name such as Europe/Paris.', field='timezone'
                ) from None
        user.timezone = timezone
    if capture_location is not None:
        user.capture_location = bool(capture_location)
    user.save()
    return user


def mark_deleted(user: User) -> None:
    user.deleted_at = utcnow()
    user.password_hash = ''
    user.is_admin = False
    user.save()
