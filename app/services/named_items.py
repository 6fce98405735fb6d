"""The rules categories and payment methods share, written once so that the two cannot drift apart.

Both are things a user names, that expenses use, and that linked users see: an id the caller may not see
answers NotFound exactly like an id that does not exist; a name is unique per owner (ignoring case); an icon
sent back unchanged is kept; a deletion is refused while expenses use the item; Undo brings the same row back.
What differs (a category's level, its parent and colour) stays in `categories`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar

from peewee import Expression, fn

from app import prepared
from app.i18n import Message
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

    KIND: ClassVar[str]  # 'payment_method': the kind's key in access's refusals

    id: int
    name: str
    used: int

    @property
    def in_use(self) -> Message:
        """Why it cannot simply be deleted (a whole sentence per kind, for the reader's language)."""
        raise NotImplementedError

    @property
    def in_use_message(self) -> str:
        """The same in English."""
        return str(self.in_use)


def get_visible(
    model: type[Named], user: User, value: object, *, field: str, missing: Callable[[int], Message]
) -> Named:
    """The row with id `value` among those of the owners the user sees; else NotFound saying `missing(number)`
    (what does not exist, and where to list what does)."""
    number = parse_id(value, field=field)
    owners: list[int] = access.visible_owner_ids(user)
    row = prepared.first(
        f'visible {model.__name__} among {len(owners)}',  # every save: its SQL built once (app/prepared.py)
        lambda: model.select().where((model.id == number) & (model.owner.in_(owners))).limit(1),
        [number, *owners, 1],
    )
    if row is None:
        raise NotFound(missing(number), field=field)
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


def check_restorable(user: User, snapshot: Snapshot, *, kind: str, gone: Message) -> None:
    """Undo is refused (`gone`) once the owner no longer shares with the user, or when the user may not change
    it (`kind`: the key of access's refusals)."""
    if snapshot.owner_id not in access.visible_owner_ids(user):
        raise NotFound(gone)
    access.check_may_change(user, [snapshot.owner_id], kind, snapshot.name, field=None)


def same_id(model: type[Named], snapshot: Snapshot) -> Mapping[str, Any]:
    """`id=` for recreating a deleted row with the id it had, when that id is still free; nothing otherwise."""
    return {} if model.select().where(model.id == snapshot.id).exists() else {'id': snapshot.id}


def check_move(
    user: User,
    selector: Expression,
    landing: Iterable[Category | PaymentMethod],
    *,
    moved: str,
    source: str,
    field: str,
) -> None:
    """Moving the expenses `selector` picks: every one must be the user's to change (`moved`, the key of
    access's refusal, about the expenses of `source`), and land on rows (`landing`) that all the viewers of
    each expense can follow (issue 13)."""
    owners = {row.owner_id for row in Expense.select(Expense.owner).where(selector).distinct()}
    access.check_may_change(user, owners, moved, source, field=field)
    for owner in owners:
        for row in landing:
            access.check_may_reference(owner, row.owner_id, 'move_target', row.name, field=field)
