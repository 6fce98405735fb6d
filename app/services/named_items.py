"""The rules categories and payment methods share, written once so that the two cannot drift apart.

Both are things a user names, that expenses use, and that linked users see: an id the caller may not see
answers NotFound exactly like an id that does not exist; a name is unique per owner (ignoring case); an icon
sent back unchanged is kept; a deletion is refused while expenses use the item; Undo brings the same row back.
What differs (a category's level, its parent and colour) stays in `categories`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar

from peewee import Expression, fn

from app.models import Category, Expense, PaymentMethod, User
from app.services import access, icons
from app.services.errors import NotFound
from app.services.validation import parse_id

Named = TypeVar('Named', Category, PaymentMethod)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A deleted item as it was, so that Undo can bring the same row back (a kind adds its own fields)."""

    id: int
    owner_id: int
    name: str
    icon: str
    created_at: datetime


SnapshotT = TypeVar('SnapshotT', bound=Snapshot)


@dataclass(frozen=True, slots=True)
class Deleted(Generic[SnapshotT]):
    moved: int  # expenses moved elsewhere first
    snapshot: SnapshotT


@dataclass(frozen=True, slots=True)
class DeletionPlan:
    """What deleting an item would do, so that a page asks the right question before anything changes:
    confirm (nothing uses it), or choose where its expenses go first."""

    KIND: ClassVar[str]  # 'payment method': how the in-use message names the kind

    id: int
    name: str
    used: int

    @property
    def in_use_message(self) -> str:
        return in_use_message(self.name, self.used, kind=self.KIND)


def get_visible(model: type[Named], user: User, value: object, *, field: str, missing: str) -> Named:
    """The row with id `value` among those of the owners the user sees; else NotFound saying `missing`
    (what does not exist, as a format with `{number}`, and where to list what does)."""
    number = parse_id(value, field=field)
    row = model.get_or_none((model.id == number) & (model.owner.in_(access.visible_owner_ids(user))))
    if row is None:
        raise NotFound(missing.format(number=number), field=field)
    return row


def name_taken(
    model: type[Named], owner_id: int, name: str, *, exclude_id: int | None = None, among: Expression | None = None
) -> bool:
    """Whether the owner has another row named `name`, case aside (only `among` those, when given)."""
    query = model.select(model.id).where((model.owner == owner_id) & (fn.LOWER(model.name) == name.lower()))
    if among is not None:
        query = query.where(among)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return query.exists()


def sent_icon(current: str, sent: object) -> str:
    """The icon to store when an edit sends `sent`: the current one when sent back unchanged, even when it
    predates the list of known icons (so that such an item stays editable), else a known icon or Invalid."""
    if str(sent if sent is not None else '').strip() == current:
        return current
    return icons.clean_icon(sent)


def in_use_message(name: str, used: int, *, kind: str) -> str:
    return (
        f'{name!r} is used by {used} expense{"" if used == 1 else "s"}; '
        f'move them to another {kind} first, then delete it.'
    )


def check_restorable(user: User, snapshot: Snapshot, *, kind: str) -> None:
    """Undo is refused once the owner no longer shares with the user, or when the user may not change it."""
    if snapshot.owner_id not in access.visible_owner_ids(user):
        raise NotFound(f'{snapshot.name!r} can no longer be restored: its owner no longer shares with you.')
    access.check_may_change(user, [snapshot.owner_id], f'The {kind} {snapshot.name!r}', field=None)


def same_id(model: type[Named], snapshot: Snapshot) -> Mapping[str, Any]:
    """`id=` for recreating a deleted row with the id it had, when that id is still free; nothing otherwise."""
    return {} if model.select().where(model.id == snapshot.id).exists() else {'id': snapshot.id}


def check_move(
    user: User, selector: Expression, landing: Iterable[Category | PaymentMethod], *, moved: str, field: str
) -> None:
    """Moving the expenses `selector` picks: every one must be the user's to change (`moved` names them in the
    refusal), and land on rows (`landing`) that all the viewers of each expense can follow (issue 13)."""
    owners = {row.owner_id for row in Expense.select(Expense.owner).where(selector).distinct()}
    access.check_may_change(user, owners, moved, field=field)
    for owner in owners:
        for row in landing:
            access.check_may_reference(owner, row.owner_id, f'{row.name!r}', field=field)
