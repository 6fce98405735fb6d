"""The categories page: the tree of categories and subcategories, with create, rename, recolour, change the
icon, re-parent and delete (with Undo, or moving the expenses of a category in use first).

The list, the dialogs and Undo are the shared list page of named items (`components.named_items`); this
page adds what categories have besides a name and an icon: subcategories, a parent and a colour."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nicegui import ui

from app.i18n import N_, _, ngettext
from app.models import User
from app.pages.components.buttons import icon_button
from app.pages.components.named_items import ItemKind, NamedItemsPage
from app.services import categories
from app.services.categories import CategoryNode, CategoryView, DeletionPlan


def load(user: User) -> tuple[list[CategoryNode], dict[int, int]]:
    return categories.category_tree(user), categories.usage_counts(user)


def in_use(plan: DeletionPlan) -> str:
    """Why the category cannot simply go: its expenses (and what happens to its subcategories)."""
    if plan.subcategories:
        return ngettext(
            '“{name}” is used by {n} expense; move it to another category first, then delete it. '
            'Its subcategories ({subcategories}) are deleted with it.',
            '“{name}” is used by {n} expenses; move them to another category first, then delete it. '
            'Its subcategories ({subcategories}) are deleted with it.',
            plan.used,
            name=plan.name,
            subcategories=', '.join(plan.subcategories),
        )
    return ngettext(
        '“{name}” is used by {n} expense; move it to another category first, then delete it.',
        '“{name}” is used by {n} expenses; move them to another category first, then delete it.',
        plan.used,
        name=plan.name,
    )


KIND: ItemKind[CategoryView, DeletionPlan] = ItemKind(
    what='category',
    intro=N_('Categories group your expenses; a subcategory refines its category.'),
    add=N_('Add category'),
    new=N_('New category'),
    empty=N_('No categories yet. Add one to start recording expenses.'),
    added=N_('Category {name} added.'),
    saved=N_('Category {name} saved.'),
    restored=N_('Category {name} restored.'),
    in_use=in_use,
    marker='category',
    list_marker='category-list',
    move_field='to_category_id',
    undo_event='undo_category_delete_{id}',
    default_icon=categories.DEFAULT_ICON,
    load=load,
    create=categories.create_category,
    update=categories.update_category,
    plan_deletion=categories.plan_deletion,
    delete=categories.delete_category,
    restore=categories.restore_category,
    delete_options={'with_subcategories': True},
    kept_when_empty=('color', 'icon'),
)


class CategoriesPage(NamedItemsPage[CategoryView, DeletionPlan]):
    ENTER_IN_ICON_SAVES = False

    @property
    def tree(self) -> list[CategoryNode]:
        return [node for node in self.items if isinstance(node, CategoryNode)]  # `load` lists the top level

    def rows(self, items: Sequence[CategoryView], counts: Mapping[int, int]) -> None:
        for node in self.tree:
            self.row(node, counts)
            for child in node.children:
                self.row(child, counts, nested=True)

    def tint(self, icon: ui.icon, item: CategoryView) -> None:
        icon.style(f'color: {item.color}')

    def row_buttons(self, item: CategoryView, *, nested: bool) -> None:
        if not nested:
            icon_button('add', _('Add a subcategory to {name}', name=item.name), f'add-subcategory-{item.id}').on_click(
                lambda: self.edit_dialog(None, parent_id=item.id)
            )

    def extra_fields(self, item: CategoryView | None, preset: Mapping[str, Any]) -> dict[str, Any]:
        parents: dict[int | None, str] = {None: _('— none (top level) —')}
        parents.update({n.id: n.name for n in self.tree if item is None or n.id != item.id})
        parent = (
            ui.select(
                parents, value=preset.get('parent_id') if item is None else item.parent_id, label=_('Parent category')
            )
            .props('outlined options-dense')
            .classes('w-full')
            .mark('category-parent')
        )
        color = (
            ui.color_input(_('Colour'), value='' if item is None else item.color)
            .props('outlined')
            .classes('w-full')
            .mark('category-color')
        )
        return {'parent_id': parent, 'color': color}

    def move_targets(self, item: CategoryView) -> dict[int, str]:
        options: dict[int, str] = {}
        for top in self.tree:
            if top.id == item.id:
                continue  # neither the category itself nor its own subcategories
            options[top.id] = top.name
            for child in top.children:
                if child.id != item.id:
                    options[child.id] = f'{top.name} › {child.name}'
        return options

    def confirmation(self, plan: DeletionPlan) -> tuple[str, str]:
        if not plan.subcategories:
            return super().confirmation(plan)
        count, names = len(plan.subcategories), ', '.join(plan.subcategories)
        return (
            ngettext(
                'Delete {name} and its subcategory?', 'Delete {name} and its {n} subcategories?', count, name=plan.name
            ),
            ngettext(
                '{subcategories} goes with it. No expense uses it; you can undo for a few seconds.',
                '{subcategories} go with it. No expense uses them; you can undo for a few seconds.',
                count,
                subcategories=names,
            ),
        )


async def categories_page(user: User) -> None:
    await CategoriesPage(user, KIND).show()
