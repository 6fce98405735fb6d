"""Actions on many selected expenses at once (issue 18): file them under another category or payment method,
add or remove tags, delete them (and undo that).

Each action is all or nothing, in one write transaction, and goes through the same rules as one expense at
a time (`expenses.update_expense`, `delete_expense`, `restore_expense`): an id the user cannot see, or an
expense the user may not change, refuses the whole action and changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from app.db import write_transaction
from app.i18n import Message
from app.models import Expense, User, utcnow
from app.services import access, expenses, tags
from app.services.errors import Invalid, NotFound
from app.services.expenses_types import DeletedExpense
from app.services.validation import parse_id

MAX_SELECTION = 1000
FILING_FIELDS = ('category_id', 'subcategory_id', 'payment_method_id')


def _ids(values: object) -> list[int]:
    if not isinstance(values, list | tuple) or not values:
        raise Invalid(Message('Select at least one expense.'), field='ids')
    if len(values) > MAX_SELECTION:
        raise Invalid(
            Message('Select at most {limit} expenses at once.', limit=MAX_SELECTION),
            field='ids',
        )
    return list(dict.fromkeys(parse_id(value, field='ids') for value in values))


def _owners(user: User, ids: Sequence[int]) -> dict[int, list[int]]:
    """The selected expenses by owner; NotFound when one of them is not the user's to see (or is gone)."""
    rows = Expense.select(Expense.id, Expense.owner).where(
        Expense.id.in_(list(ids)) & Expense.owner.in_(access.visible_owner_ids(user))
    )
    by_owner: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_owner[row.owner_id].append(row.id)
    if sum(len(found) for found in by_owner.values()) != len(ids):
        raise NotFound(
            Message('Some of the selected expenses no longer exist or are not shared with you; nothing was changed.'),
            field='ids',
        )
    return by_owner


def refile(user: User, ids: object, data: Mapping) -> int:
    """Give every selected expense the category (and subcategory) or payment method in `data`; returns how
    many were changed."""
    chosen = {name: data[name] for name in FILING_FIELDS if name in data}
    if not chosen:
        raise Invalid(Message('Choose a category or a payment method to give them.'), field='category_id')
    numbers = _ids(ids)
    with write_transaction():
        _owners(user, numbers)
        for number in numbers:
            expenses.update_expense(user, number, chosen)
    return len(numbers)


def retag(user: User, ids: object, add: object = None, remove: object = None) -> int:
    """Add the tags `add` to every selected expense and take the tags `remove` off; returns how many."""
    adding, removing = tags.parse_tags(add, field='add'), tags.parse_tags(remove, field='remove')
    if not adding and not removing:
        raise Invalid(Message('Type the tags to add or to remove.'), field='add')
    numbers = _ids(ids)
    with write_transaction():
        by_owner = _owners(user, numbers)
        access.check_may_change(user, list(by_owner), 'expense', field='ids')
        for owner_id, owned in by_owner.items():
            tags.add_and_remove(owner_id, owned, adding, removing)
        Expense.update(updated_at=utcnow()).where(Expense.id.in_(numbers)).execute()
    return len(numbers)


def delete(user: User, ids: object) -> list[DeletedExpense]:
    """Delete every selected expense; returns what `restore` needs to undo it."""
    numbers = _ids(ids)
    with write_transaction():
        _owners(user, numbers)
        return [expenses.delete_expense(user, number) for number in numbers]


def restore(user: User, snapshots: Sequence[DeletedExpense]) -> int:
    """Undo a bulk deletion: every expense comes back, or none."""
    with write_transaction():
        for snapshot in snapshots:
            expenses.restore_expense(user, snapshot)
    return len(snapshots)
