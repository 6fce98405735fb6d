"""First run: while no account exists, the setup wizard creates the first admin, and never again."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.db import write_transaction
from app.i18n import Message
from app.models import User
from app.services import passwords, presets, users
from app.services.errors import Conflict, Invalid, ServiceError
from app.services.validation import clean_name

_done = False
_lock = threading.Lock()


def needs_setup() -> bool:
    """True until the first account exists; once false it stays false for this process."""
    global _done
    if _done:
        return False
    if users.users_exist():
        _done = True
    return not _done


def reset_cache() -> None:
    """For tests that open a fresh database in the same process."""
    global _done
    _done = False


@dataclass
class SetupChoices:
    username: str
    password: str
    password_confirm: str
    currency: str = 'EUR'
    locale: str = 'fr-FR'
    theme: str = 'auto'
    language: str = 'en'  # the wizard's: the starting items' names are in it
    categories: list[dict] = field(default_factory=presets.categories)
    payment_methods: list[dict] = field(default_factory=presets.payment_methods)


def validate_account(username: str, password: str, password_confirm: str) -> None:
    """The checks of the wizard's first step, so it can refuse before the later steps."""
    users.validate_username(username)
    users.validate_password(password, password_confirm)


def account_problems(username: str, password: str, password_confirm: str) -> dict[str, Message | str]:
    """Every problem of the first step at once, by field (username, password, password_confirm), so the
    wizard can show each under its field (rendered in its language) and take it away as soon as that field
    is right."""
    problems: dict[str, Message | str] = {}
    try:
        users.validate_username(username or '')
    except Invalid as exc:
        problems['username'] = _text(exc)
    try:
        users.validate_password(password or '')
    except Invalid as exc:
        problems['password'] = _text(exc)
    if (password_confirm or '') != (password or ''):
        problems['password_confirm'] = Message('The two passwords differ; type the same password twice.')
    return problems


def _text(exc: ServiceError) -> Message | str:
    """The refusal as a lazy Message (core's ServiceError keeps it as `.text`), else its English text."""
    text = getattr(exc, 'text', None)
    return text if isinstance(text, Message) else exc.message


def complete_setup(choices: SetupChoices) -> User:
    """Create the admin with its preferences, categories and payment methods in one transaction; the
    categories and payment methods go through their services, whose name rules refuse a bad one."""
    validate_account(choices.username, choices.password, choices.password_confirm)
    password_hash = passwords.hash_password(choices.password)  # slow: before the lock and the transaction
    with _lock, write_transaction():
        if users.users_exist():
            raise Conflict(Message('Setup is already complete; log in with an existing account.'))
        starting = users.Starting(choices.categories, choices.payment_methods)
        account = users.create_account(
            choices.username, '', is_admin=True, starting=starting, password_hash=password_hash
        )
        users.update_preferences(account.user, theme=choices.theme, currency=choices.currency, locale=choices.locale)
    return account.user


NAME_PROBLEM = Message('Type a name of 1 to 80 characters first.')


def preset_name(name: object, listed: Iterable[str]) -> str:
    """A category or payment method typed into the wizard's list, checked as it is added so the problem
    shows under the field: `create_category` and `create_payment_method` apply the same rules again when
    the account is created."""
    try:
        cleaned = clean_name(name)
    except Invalid:
        raise Invalid(NAME_PROBLEM, field='name') from None
    if cleaned.lower() in {other.lower() for other in listed}:
        raise Invalid(Message('{cleaned} is already in the list; type another name.', cleaned=cleaned), field='name')
    return cleaned
