"""Categories and subcategories: one level of nesting, names unique per owner and level (ignoring case).

Every read and write goes through `access.visible_owner_ids`: linked users share their categories, and
an id the caller may not see answers NotFound, exactly like an id that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any, TypeVar, cast

from peewee import JOIN, ModelSelect, fn

from app.db import write_transaction
from app.i18n import Message, Plural
from app.models import Category, Expense, User, utcnow
from app.services import access, icons, named_items
from app.services.errors import Conflict, Invalid
from app.services.validation import UNSET, clean_color, clean_name, is_blank

DEFAULT_COLOR = '#6366f1'
DEFAULT_ICON = icons.DEFAULT_CATEGORY_ICON


@dataclass(frozen=True, slots=True)
class CategorySnapshot(named_items.Snapshot):
    """A deleted category as it was, subcategories included, so that Undo can bring the same rows back."""

    parent_id: int | None
    color: str
    children: tuple[CategorySnapshot, ...] = ()


@dataclass(frozen=True, slots=True)
class DeletionPlan(named_items.DeletionPlan):
    """... and the names of the subcategories deleted with it."""

    KIND = 'category'
    subcategories: tuple[str, ...]

    @property
    def in_use(self) -> Message:
        return _in_use_message(self.name, self.used)


@dataclass(frozen=True, slots=True, kw_only=True)
class CategoryView:
    """A category or a subcategory (`parent_id` set), as the API, the pages and the pickers show it."""

    id: int
    name: str
    parent_id: int | None
    color: str
    icon: str
    owner_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CategoryNode(CategoryView):
    """A top-level category with its subcategories, by name."""

    children: tuple[CategoryView, ...]


_Shape = TypeVar('_Shape', CategoryView, CategoryNode, CategorySnapshot)


def _shaped(source: object, shape: type[_Shape], **given: Any) -> _Shape:
    """`shape` from the attributes of the same names on `source` (a row, or another view), and `given`."""
    return shape(**{f.name: getattr(source, f.name) for f in fields(shape) if f.name not in given}, **given)


def _view(category: Category) -> CategoryView:
    return _shaped(category, CategoryView)


def _visible(user: User, scope: str = 'everyone') -> list[Category]:
    owners = access.owner_ids_for(user, scope)
    return list(Category.select().where(Category.owner.in_(owners)).order_by(fn.LOWER(Category.name), Category.id))


def list_categories(user: User, scope: str = 'everyone') -> list[CategoryView]:
    """Every visible category, parents and subcategories, by name."""
    return [_view(category) for category in _visible(user, scope)]


def category_tree(user: User) -> list[CategoryNode]:
    """Top-level categories, each with its `children` (subcategories), by name."""
    rows = list_categories(user)
    by_parent: dict[int | None, list[CategoryView]] = {}
    for row in rows:
        by_parent.setdefault(row.parent_id, []).append(row)
    visible = {row.id for row in rows}
    # a subcategory whose parent is no longer visible (after an unlink) shows at the top level
    tops = [row for row in rows if row.parent_id is None or row.parent_id not in visible]
    return [_shaped(top, CategoryNode, children=tuple(by_parent.get(top.id, ()))) for top in tops]


def get_category(user: User, category_id: object, *, field: str = 'id') -> Category:
    return named_items.get_visible(
        Category,
        user,
        category_id,
        field=field,
        missing=lambda number: Message(
            'Category {number} does not exist; GET /sysapi/categories_flat lists yours.', number=number
        ),
    )


def _name_taken(owner_id: int, name: str, parent_id: int | None, exclude_id: int | None = None) -> bool:
    """A name is unique per owner and level: among the top-level categories, or under one parent."""
    level = Category.parent.is_null() if parent_id is None else Category.parent == parent_id
    return named_items.name_taken(Category, owner_id, name, exclude_id=exclude_id, among=level)


def _check_unique(owner_id: int, name: str, parent_id: int | None, exclude_id: int | None = None) -> None:
    if _name_taken(owner_id, name, parent_id, exclude_id):
        if parent_id is None:
            message = Message(
                "A category named '{name}' already exists at the top level; choose another name.", name=name
            )
        else:
            message = Message(
                "A category named '{name}' already exists under this parent; choose another name.", name=name
            )
        raise Conflict(message, field='name')


def _seen_through(category_ids: list[int]) -> set[int]:
    """The owners whose viewers see these categories: their owners, and the owners of the expenses filed under
    them (an expense shows its category's name to everyone who sees the expense)."""
    owners = {row.owner_id for row in Category.select(Category.owner).where(Category.id.in_(category_ids))}
    used_by = (
        Expense.select(Expense.owner)
        .where(Expense.category.in_(category_ids) | Expense.subcategory.in_(category_ids))
        .distinct()
    )
    return owners | {row.owner_id for row in used_by}


def _children(category: Category) -> ModelSelect[Category]:
    return Category.select().where(Category.parent == category.id)


def _check_may_change(user: User, category: Category, extra_ids: tuple[int, ...] = ()) -> None:
    access.check_may_change(user, _seen_through([category.id, *extra_ids]), 'category', category.name)


def _parent_for(user: User, parent_id: object, *, owner_id: int, moving: Category | None = None) -> Category | None:
    if is_blank(parent_id) or parent_id == 0 or parent_id == '0':
        return None
    parent = get_category(user, parent_id, field='parent_id')
    if parent.owner_id != owner_id:
        # a parent of another owner would let that owner's edits reach the viewers of this one (issue 13)
        raise Invalid(
            Message(
                "'{name}' belongs to someone else; a subcategory goes under a category "
                'of the same owner. Choose one of your own categories as the parent.',
                name=parent.name,
            ),
            field='parent_id',
        )
    if parent.parent_id is not None:
        raise Invalid(
            Message("'{name}' is itself a subcategory; choose a top-level category as the parent.", name=parent.name),
            field='parent_id',
        )
    if moving is not None and parent.id == moving.id:
        raise Invalid(Message('A category cannot be its own parent.'), field='parent_id')
    return parent


def create_category(
    user: User, name: object, parent_id: object = None, color: object = None, icon: object = None
) -> CategoryView:
    """A new category of the user's (a subcategory under `parent_id`): at most 80 characters, and a name
    not taken at its level (case aside). Colour and icon default to the parent's."""
    name = clean_name(name, label=Message('category name'))
    with write_transaction():
        parent = _parent_for(user, parent_id, owner_id=user.id)
        color = clean_color(color) if not is_blank(color) else (parent.color if parent else DEFAULT_COLOR)
        if not is_blank(icon):
            icon = icons.clean_icon(icon)
        else:
            icon = icons.display_icon(parent.icon, DEFAULT_ICON) if parent else DEFAULT_ICON
        _check_unique(user.id, name, parent.id if parent else None)
        return _view(Category.create(owner=user.id, name=name, parent=parent, color=color, icon=icon))


def update_category(
    user: User,
    category_id: object,
    *,
    name: object = UNSET,
    parent_id: object = UNSET,
    color: object = UNSET,
    icon: object = UNSET,
) -> CategoryView:
    """Rename, recolour, change the icon or re-parent. Expenses follow a re-parented category so that an
    expense's subcategory always belongs to its category. An icon sent back unchanged is kept even when it
    predates the list of known icons, so that such a category stays editable."""
    with write_transaction():
        category = get_category(user, category_id)
        _check_may_change(user, category)
        if name is not UNSET:
            category.name = clean_name(name, label=Message('category name'))
        if color is not UNSET:
            category.color = clean_color(color)
        if icon is not UNSET:
            category.icon = named_items.sent_icon(category.icon, icon)
        old_parent_id = category.parent_id
        if parent_id is not UNSET:
            parent = _parent_for(user, parent_id, owner_id=category.owner_id, moving=category)
            if parent is not None and _children(category).count():
                raise Conflict(
                    Message(
                        "'{name}' has subcategories; move or delete them before making it a subcategory.",
                        name=category.name,
                    ),
                    field='parent_id',
                )
            category.parent = parent
        _check_unique(category.owner_id, category.name, category.parent_id, exclude_id=category.id)
        category.save()
        if category.parent_id != old_parent_id:
            _follow_reparent(category, old_parent_id)
        return _view(category)


def _follow_reparent(category: Category, old_parent_id: int | None) -> None:
    now = utcnow()
    if old_parent_id is None:
        # a top-level category became a subcategory: its expenses now sit in the new parent
        Expense.update(category=category.parent_id, subcategory=category.id, updated_at=now).where(
            Expense.category == category.id
        ).execute()
    elif category.parent_id is None:
        # a subcategory became a top-level category: its expenses now sit in it directly
        Expense.update(category=category.id, subcategory=None, updated_at=now).where(
            Expense.subcategory == category.id
        ).execute()
    else:
        Expense.update(category=category.parent_id, updated_at=now).where(Expense.subcategory == category.id).execute()


def usage_count(category: Category) -> int:
    """How many expenses use the category, as their category or their subcategory."""
    return Expense.select().where((Expense.category == category.id) | (Expense.subcategory == category.id)).count()


def usage_counts(user: User) -> dict[int, int]:
    """Expenses per visible category id (as category or as subcategory), for the categories page."""
    owners = access.visible_owner_ids(user)
    counts: dict[int, int] = {}
    for column in (Expense.category, Expense.subcategory):
        rows = (
            Category.select(Category.id, fn.COUNT(Expense.id))
            .join(Expense, JOIN.INNER, on=(column == Category.id))
            .where(Category.owner.in_(owners))
            .group_by(Category.id)
            .tuples()
        )
        for category_id, count in cast(Iterable[tuple[int, int]], rows):
            counts[category_id] = counts.get(category_id, 0) + count
    return counts


def _in_use_message(name: str, used: int) -> Message:
    return Plural(
        "'{name}' is used by {n} expense; move it to another category first, then delete the category.",
        "'{name}' is used by {n} expenses; move them to another category first, then delete it.",
        n=used,
        name=name,
    )


def plan_deletion(user: User, category_id: object) -> DeletionPlan:
    """What `delete_category(..., with_subcategories=True)` would remove and how many expenses stop it."""
    category = get_category(user, category_id)
    children = _children(category).order_by(fn.LOWER(Category.name))
    return DeletionPlan(category.id, category.name, usage_count(category), tuple(c.name for c in children))


def delete_category(
    user: User, category_id: object, *, move_to: object = None, with_subcategories: bool = False
) -> named_items.Deleted[CategorySnapshot]:
    """Delete a category that no expense uses; with `with_subcategories`, its subcategories go with it,
    otherwise it must have none. With `move_to`, its expenses (those of its subcategories included) move
    there first, in the same transaction. The snapshot in the result lets `restore_category` undo it."""
    with write_transaction():
        category = get_category(user, category_id)
        children = list(_children(category).order_by(Category.id))
        _check_may_change(user, category, tuple(child.id for child in children))
        moved = 0 if is_blank(move_to) else move_expenses(user, category.id, move_to)
        if children and not with_subcategories:
            count = len(children)
            raise Conflict(
                Plural(
                    "'{name}' has {n} subcategory; delete it or move it to another category first "
                    '(or send with_subcategories to delete it with the category).',
                    "'{name}' has {n} subcategories; delete them or move them to another category first "
                    '(or send with_subcategories to delete them with it).',
                    n=count,
                    name=category.name,
                ),
                field='id',
            )
        visible = access.visible_owner_ids(user)
        if any(child.owner_id not in visible for child in children):
            raise Conflict(
                Message(
                    "'{name}' has subcategories of someone who no longer shares with you; "
                    'they stay, so the category stays too.',
                    name=category.name,
                ),
                field='id',
            )
        ids = [category.id, *(child.id for child in children)]
        used = Expense.select().where(Expense.category.in_(ids) | Expense.subcategory.in_(ids)).count()
        if used:
            raise Conflict(_in_use_message(category.name, used), field='id')
        snapshot = _snapshot(category, children)
        for child in children:
            child.delete_instance()
        category.delete_instance()
    return named_items.Deleted(moved, snapshot)


def _snapshot(category: Category, children: list[Category]) -> CategorySnapshot:
    return _shaped(category, CategorySnapshot, children=tuple(_snapshot(child, []) for child in children))


def restore_category(user: User, snapshot: CategorySnapshot) -> CategoryView:
    """Undo a deletion: the same category again (same id when still free), subcategories included.
    Refused, with the reason, when its name or its parent changed meanwhile."""
    with write_transaction():
        gone = Message(
            "The category '{name}' can no longer be restored: its owner no longer shares with you.",
            name=snapshot.name,
        )
        named_items.check_restorable(user, snapshot, kind='category', gone=gone)
        parent = None
        if snapshot.parent_id is not None:
            visible = access.visible_owner_ids(user)
            parent = Category.get_or_none((Category.id == snapshot.parent_id) & Category.owner.in_(visible))
            if parent is None or parent.parent_id is not None or parent.owner_id != snapshot.owner_id:
                raise Conflict(
                    Message(
                        "'{name}' cannot come back: its parent category was deleted or moved "
                        'meanwhile. Add it again where you want it.',
                        name=snapshot.name,
                    )
                )
        if _name_taken(snapshot.owner_id, snapshot.name, snapshot.parent_id):
            if snapshot.parent_id is None:
                message = Message(
                    "'{name}' cannot come back: a category of that name was added at the top level meanwhile. "
                    'Use that one, or rename it and add this one again.',
                    name=snapshot.name,
                )
            else:
                message = Message(
                    "'{name}' cannot come back: a category of that name was added under this parent meanwhile. "
                    'Use that one, or rename it and add this one again.',
                    name=snapshot.name,
                )
            raise Conflict(message, field='name')
        restored = _recreate(snapshot, parent)
        for child in snapshot.children:
            _recreate(child, restored)
    return _view(restored)


def _recreate(snapshot: CategorySnapshot, parent: Category | None) -> Category:
    return Category.create(
        owner=snapshot.owner_id,
        name=snapshot.name,
        parent=parent,
        color=snapshot.color,
        icon=snapshot.icon,
        created_at=snapshot.created_at,
        **named_items.same_id(Category, snapshot),
    )


def move_expenses(user: User, from_category: object, to_category: object) -> int:
    """Move every expense of `from_category` to `to_category` (a category or a subcategory); returns
    how many moved. Only expenses the user may see are moved."""
    with write_transaction():
        source = get_category(user, from_category, field='id')
        target = get_category(user, to_category, field='to_category_id')
        if source.id == target.id:
            raise Invalid(Message('Choose a different category to move the expenses to.'), field='to_category_id')
        if target.parent_id == source.id:
            raise Invalid(
                Message(
                    "'{name}' is a subcategory of '{parent}'; choose a category outside it.",
                    name=target.name,
                    parent=source.name,
                ),
                field='to_category_id',
            )
        new_category = target.parent_id or target.id
        new_subcategory = target.id if target.parent_id else None
        selector = Expense.subcategory == source.id if source.parent_id else Expense.category == source.id
        selector &= Expense.owner.in_(access.visible_owner_ids(user))
        landing = [target] if target.parent is None else [target, target.parent]
        named_items.check_move(
            user, selector, landing, moved='expense_in_category', source=source.name, field='to_category_id'
        )
        return (
            Expense.update(category=new_category, subcategory=new_subcategory, updated_at=utcnow())
            .where(selector)
            .execute()
        )
