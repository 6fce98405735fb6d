"""First run: while no account exists, the setup wizard creates the first admin, and never again."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from app.db import write_transaction
from app.models import Category, PaymentMethod, User
from app.services import users
from app.services.errors import Conflict, Invalid
from app.services.presets import DEFAULT_CATEGORIES, DEFAULT_PAYMENT_METHODS

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
    categories: list[dict] = field(default_factory=lambda: [dict(c) for c in DEFAULT_CATEGORIES])
    payment_methods: list[dict] = field(default_factory=lambda: [dict(p) for p in DEFAULT_PAYMENT_METHODS])


def validate_account(username: str, password: str, password_confirm: str) -> None:
    """The checks of the wizard's first step, so it can refuse before the later steps."""
    users.validate_username(username)
    users.validate_password(password, password_confirm)


def account_problems(username: str, password: str, password_confirm: str) -> dict[str, str]:
    """Every problem of the first step at once, by field (username, password, password_confirm), so the
    wizard can show each under its field and take it away as soon as that field is right."""
    problems: dict[str, str] = {}
    try:
        users.validate_username(username or '')
    except Invalid as exc:
        problems['username'] = exc.message
    try:
        users.validate_password(password or '')
    except Invalid as exc:
        problems['password'] = exc.message
    if (password_confirm or '') != (password or ''):
        problems['password_confirm'] = 'The two passwords differ; type the same password twice.'
    return problems


def complete_setup(choices: SetupChoices) -> User:
    """Create the admin with its preferences, categories and payment methods in one transaction."""
    validate_account(choices.username, choices.password, choices.password_confirm)
    password_hash = users.passwords.hash_password(choices.password)
    with _lock, write_transaction():
        if users.users_exist():
            raise Conflict('Setup is already complete; log in with an existing account.')
        admin = users.create_user(choices.username, '', is_admin=True, password_hash=password_hash)
        users.update_preferences(admin, theme=choices.theme, currency=choices.currency, locale=choices.locale)
        seen: set[str] = set()
        for preset in choices.categories:
            name = str(preset.get('name', '')).strip()
            if not name or name.lower() in seen:
                continue
            if len(name) > 80:
                raise Invalid(f'The category name {name[:20]!r}… is longer than 80 characters.', field='categories')
            seen.add(name.lower())
            parent = Category.create(
                owner=admin, name=name, color=preset.get('color') or '#6366f1', icon=preset.get('icon') or 'label'
            )
            children_seen: set[str] = set()
            for child in preset.get('children', []):
                child = str(child).strip()
                if child and child.lower() not in children_seen and len(child) <= 80:
                    children_seen.add(child.lower())
                    Category.create(owner=admin, name=child, parent=parent, color=parent.color, icon=parent.icon)
        seen = set()
        for preset in choices.payment_methods:
            name = str(preset.get('name', '')).strip()
            if name and name.lower() not in seen and len(name) <= 80:
                seen.add(name.lower())
                PaymentMethod.create(owner=admin, name=name, icon=preset.get('icon') or 'payments')
    return admin
