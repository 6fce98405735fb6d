"""Who gets which category and payment method of a v2.4 data folder, and what a re-import finds changed
(issue 16, item 7: the three defects of the first v2.4 importer).

1. v2.4 shared its categories and payment methods (records without an owner). Giving each to one user
   broke the nesting (a subcategory owned by someone else than its parent) and left other users' expenses
   filed under things they cannot see. Now every user whose expenses use a shared category (or one of its
   subcategories) gets a copy of it with its subcategories, nested as in v2.4; the same for a shared
   payment method. A subcategory of an owned category belongs to that category's owner.
2. An account that already has `Cash` gets no second `Cash`: names are matched per owner (and per parent
   for subcategories) ignoring case and accents, and the legacy record points at the existing item.
3. A record imported before and edited in v2.4 since is reported as changed (and updated with
   `update_changed`), instead of being silently skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from app.models import Category, Expense, PaymentMethod, User
from app.services.import_names import fold
from app.services.legacy_import_files import legacy_id, text_of
from app.services.timestamps import as_date

OWNER_FIELDS = ('user', 'username', 'owner', 'user_id', 'created_by')


def is_shared(record: dict) -> bool:
    return not text_of(record, *OWNER_FIELDS)


def roots_of(categories: dict[str, dict]) -> dict[str, str]:
    """Each category key -> the key of its top-level ancestor (itself for a top-level one)."""

    def root(key: str, seen: tuple[str, ...] = ()) -> str:
        parent = legacy_id(categories[key], 'parent_id', 'parent')
        if not parent or parent not in categories or parent in seen or len(seen) > 20:
            return key
        return root(parent, (*seen, key))

    return {key: root(key) for key in categories}


def users_by_thing(
    expenses: Iterable[tuple[str, dict]], fields: tuple[str, ...], group: dict[str, str] | None = None
) -> dict[str, set[str]]:
    """Legacy id (or its group: the root category) -> the lower-case usernames whose expenses use it."""
    used: dict[str, set[str]] = {}
    for _, record in expenses:
        if not isinstance(record, dict):
            continue
        owner = text_of(record, *OWNER_FIELDS).lower()
        if not owner:
            continue
        for name in fields:
            legacy = legacy_id(record, name)
            if legacy:
                used.setdefault((group or {}).get(legacy, legacy), set()).add(owner)
    return used


def existing_category(owner: User, name: str, parent: Category | None) -> Category | None:
    """The owner's category of that name at that level (case and accents aside), if any."""
    level = Category.parent.is_null() if parent is None else Category.parent == parent.id
    wanted = fold(name)
    for category in Category.select().where((Category.owner == owner.id) & level).order_by(Category.id):
        if fold(category.name) == wanted:
            return category
    return None


def existing_method(owner: User, name: str) -> PaymentMethod | None:
    wanted = fold(name)
    for method in PaymentMethod.select().where(PaymentMethod.owner == owner.id).order_by(PaymentMethod.id):
        if fold(method.name) == wanted:
            return method
    return None


def changes(expense: Expense, values: dict[str, Any]) -> list[str]:
    """The columns whose stored value differs from what the v2.4 record says now."""
    different = []
    for column, wanted in values.items():
        current = getattr(expense, column)
        if column == 'date':
            current, wanted = as_date(current), wanted if isinstance(wanted, date) else as_date(wanted)
        if column in ('category', 'subcategory', 'payment_method'):
            current = getattr(expense, f'{column}_id')
            wanted = wanted.id if wanted is not None else None
        if current != wanted:
            different.append(column)
    return different
