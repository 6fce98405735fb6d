"""Finding active accounts: the lookups every service shares.

They live apart from `users` (which creates, changes and deletes accounts) so that services `users`
itself uses, such as `links` when an account is deleted, can find users without importing it back.
`users` re-exports them: callers keep writing `users.find_user(...)`.
"""

from __future__ import annotations

from peewee import Expression

from app.i18n import Message
from app.models import User
from app.services.errors import NotFound


def active() -> Expression:
    """The condition of an account that was not deleted."""
    return User.deleted_at.is_null()


def users_exist() -> bool:
    return User.select().where(active()).exists()


def count_users() -> int:
    return User.select().where(active()).count()


def get_user(user_id: int) -> User:
    user = User.get_or_none((User.id == user_id) & active())
    if user is None:
        raise NotFound(Message('No user with id {user_id}.', user_id=user_id))
    return user


def find_user(username: str) -> User | None:
    return User.get_or_none((User.username_key == (username or '').strip().lower()) & active())


def get_user_by_username(username: str) -> User:
    user = find_user(username)
    if user is None:
        raise NotFound(
            Message("No user named '{username}'; `python manage.py user list` shows who exists.", username=username)
        )
    return user


def list_users() -> list[User]:
    return list(User.select().where(active()).order_by(User.username_key))
