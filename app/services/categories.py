"""Categories and subcategories: one level of nesting, names unique per owner and level (ignoring case).

Every read and write goes through `access.visible_owner_ids`: linked users share their categories, and
an id the caller may not see answers NotFound, exactly like an id that does not exist.
"""

from __future__ import annotations

from peewee import JOIN, fn

from app.db import db
from app.models import Category, Expense, User, utcnow
from app.services import access
from app.services.errors import Conflict, Invalid, NotFound
from app.services.validation import UNSET, clean_color, clean_icon, clean_name, is_blank, parse_id

DEFAULT_COLOR = '#6366f1'
DEFAULT_ICON = 'label'


def category_dict(category: Category) -> dict:
    return {
        'id': category.id,
        'name': category.name,
        'parent_id': category.parent_id,
        'color': category.color,
        'icon': category.icon,
        'owner_id': category.owner_id,
    }


def list_categories(user: User, scope: str = 'everyone') -> list[Category]:
    """Every visible category, parents and subcategories, by name."""
    owners = access.owner_ids_for(user, scope)
    return list(Category.select().where(Category.owner.in_(owners)).order_by(fn.LOWER(Category.name), Category.id))


def category_tree(user: User) -> list[dict]:
    """Top-level categories, each with its `children` (subcategories), by name."""
    rows = list_categories(user)
    by_parent: dict[int | None, list[Category]] = {}
    for row in rows:
        by_parent.setdefault(row.parent_id, []).append(row)
    visible = {row.id for row in rows}
    tree = []
    # a subcategory whose parent is no longer visible (after an unlink) shows at the top level
    tops = [row for row in rows if row.parent_id is None or row.parent_id not in visible]
    for top in tops:
        tree.append({**category_dict(top), 'children': [category_dict(c) for c in by_parent.get(top.id, [])]})
    return tree


def get_category(user: User, category_id: object, *, field: str = 'id') -> Category:
    number = parse_id(category_id, field=field)
    category = Category.get_or_none((Category.id == number) & (Category.owner.in_(access.visible_owner_ids(user))))
    if category is None:
        raise NotFound(f'Category {number} does not exist; GET /sysapi/categories_flat lists yours.', field=field)
    return category


def _check_unique(owner_id: int, name: str, parent_id: int | None, exclude_id: int | None = None) -> None:
    query = Category.select(Category.id).where((Category.owner == owner_id) & (fn.LOWER(Category.name) == name.lower()))
    query = query.where(Category.parent.is_null() if parent_id is None else Category.parent == parent_id)
    if exclude_id is not None:
        query = query.where(Category.id != exclude_id)
    if query.exists():
        where = 'at the top level' if parent_id is None else 'under this parent'
        raise Conflict(f'A category named {name!r} already exists {where}; choose another name.', field='name')


def _parent_for(user: User, parent_id: object, *, moving: Category | None = None) -> Category | None:
    if is_blank(parent_id) or parent_id == 0 or parent_id == '0':
        return None
    parent = get_category(user, parent_id, field='parent_id')
    if parent.parent_id is not None:
        raise Invalid(
            f'{parent.name!r} is itself a subcategory; choose a top-level category as the parent.', field='parent_id'
        )
    if moving is not None and parent.id == moving.id:
        raise Invalid('A category cannot be its own parent.', field='parent_id')
    return parent


def create_category(
    user: User, name: object, parent_id: object = None, color: object = None, icon: object = None
) -> Category:
    name = clean_name(name, label='category name')
    with db.atomic():
        parent = _parent_for(user, parent_id)
        color = clean_color(color) if not is_blank(color) else (parent.color if parent else DEFAULT_COLOR)
        icon = clean_icon(icon) if not is_blank(icon) else (parent.icon if parent else DEFAULT_ICON)
        _check_unique(user.id, name, parent.id if parent else None)
        return Category.create(owner=user.id, name=name, parent=parent, color=color, icon=icon)


def update_category(
    user: User,
    category_id: object,
    *,
    name: object = UNSET,
    parent_id: object = UNSET,
    color: object = UNSET,
    icon: object = UNSET,
) -> Category:
    """Rename, recolour or re-parent. Expenses follow a re-parented category so that an expense's
    subcategory always belongs to its category."""
    with db.atomic():
        category = get_category(user, category_id)
        if name is not UNSET:
            category.name = clean_name(name, label='category name')
        if color is not UNSET:
            category.color = clean_color(color)
        if icon is not UNSET:
            category.icon = clean_icon(icon)
        old_parent_id = category.parent_id
        if parent_id is not UNSET:
            parent = _parent_for(user, parent_id, moving=category)
            if parent is not None and category.children.count():
                raise Conflict(
                    f'{category.name!r} has subcategories; move or delete them before making it a subcategory.',
                    field='parent_id',
                )
            category.parent = parent
        _check_unique(category.owner_id, category.name, category.parent_id, exclude_id=category.id)
        category.save()
        if category.parent_id != old_parent_id:
            _follow_reparent(category, old_parent_id)
        return category


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
        for category_id, count in rows:
            counts[category_id] = counts.get(category_id, 0) + count
    return counts


def delete_category(user: User, category_id: object, *, move_to: object = None) -> int:
    """Delete a category without subcategories that no expense uses. With `move_to`, its expenses move
    there first, in the same transaction; returns how many moved."""
    with db.atomic():
        category = get_category(user, category_id)
        moved = 0 if is_blank(move_to) else move_expenses(user, category.id, move_to)
        children = category.children.count()
        if children:
            raise Conflict(
                f'{category.name!r} has {children} subcategor{"y" if children == 1 else "ies"}; '
                'delete them or move them to another category first.',
                field='id',
            )
        used = usage_count(category)
        if used:
            raise Conflict(
                f'{category.name!r} is used by {used} expense{"" if used == 1 else "s"}; '
                'move them to another category first, then delete it.',
                field='id',
            )
        category.delete_instance()
    return moved


def move_expenses(user: User, from_category: object, to_category: object) -> int:
    """Move every expense of `from_category` to `to_category` (a category or a subcategory); returns
    how many moved. Only expenses the user may see are moved."""
    with db.atomic():
        source = get_category(user, from_category, field='id')
        target = get_category(user, to_category, field='to_category_id')
        if source.id == target.id:
            raise Invalid('Choose a different category to move the expenses to.', field='to_category_id')
        if target.parent_id == source.id:
            raise Invalid(
                f'{target.name!r} is a subcategory of {source.name!r}; choose a category outside it.',
                field='to_category_id',
            )
        new_category = target.parent_id or target.id
        new_subcategory = target.id if target.parent_id else None
        selector = Expense.subcategory == source.id if source.parent_id else Expense.category == source.id
        return (
            Expense.update(category=new_category, subcategory=new_subcategory, updated_at=utcnow())
            .where(selector & Expense.owner.in_(access.visible_owner_ids(user)))
            .execute()
        )
