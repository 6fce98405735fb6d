"""The categories page: the tree of categories and subcategories, with create, rename, recolour, change the
icon, re-parent and delete (with Undo, or moving the expenses of a category in use first)."""

from __future__ import annotations

from typing import Any

from nicegui import run, ui

from app.i18n import _, ngettext
from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.buttons import icon_button
from app.pages.components.icon_picker import icon_field
from app.pages.components.move_dialog import close_and_delete, confirm_delete, move_and_delete
from app.pages.components.undo_notification import UndoOffers
from app.services import categories, icons
from app.services.categories import CategoryNode, CategoryView
from app.services.validation import UNSET

UNDO_EVENT = 'undo_category_delete_{id}'


def load(user: User) -> tuple[list[CategoryNode], dict[int, int]]:
    return categories.category_tree(user), categories.usage_counts(user)


def _expenses(count: int) -> str:
    return ngettext('{n} expense', '{n} expenses', count)


def _in_use(plan: categories.DeletionPlan) -> str:
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


async def categories_page(user: User) -> None:
    state: dict[str, list[CategoryNode]] = {'tree': []}

    with ui.row().classes('w-full items-center'):
        ui.label(_('Categories group your expenses; a subcategory refines its category.')).classes('opacity-70')
        ui.space()
        ui.button(_('Add category'), icon='add', on_click=lambda: edit_dialog(None, None)).props('no-caps').mark(
            'add-category'
        )

    @ui.refreshable
    async def listing() -> None:
        loaded = await run.io_bound(load, user)
        if loaded is None:  # the client went away meanwhile
            return
        tree, counts = loaded
        state['tree'] = tree
        if not tree:
            ui.label(_('No categories yet. Add one to start recording expenses.')).classes('opacity-70')
            return
        with ui.card().classes('w-full p-0'), ui.list().props('separator').classes('w-full').mark('category-list'):
            for node in tree:
                category_row(node, counts)
                for child in node.children:
                    category_row(child, counts, parent=node)

    def category_row(node: CategoryView, counts: dict[int, int], parent: CategoryNode | None = None) -> None:
        used = counts.get(node.id, 0)
        with ui.item().classes('pl-10' if parent else '').mark(f'category-{node.id}'):
            with ui.item_section().props('avatar'):
                ui.icon(icons.display_icon(node.icon, categories.DEFAULT_ICON)).style(f'color: {node.color}').mark(
                    f'category-icon-{node.id}'
                )
            with ui.item_section():
                ui.item_label(node.name).classes('font-medium' if parent is None else '')
                if used:
                    ui.item_label(_expenses(used)).props('caption')
            with ui.item_section().props('side'), ui.row().classes('gap-0 no-wrap'):
                if parent is None:
                    add = _('Add a subcategory to {name}', name=node.name)
                    icon_button('add', add, f'add-subcategory-{node.id}').on_click(
                        lambda n=node: edit_dialog(None, n.id)
                    )
                icon_button('edit', _('Edit {name}', name=node.name), f'edit-category-{node.id}').on_click(
                    lambda n=node: edit_dialog(n, n.parent_id)
                )
                icon_button('delete', _('Delete {name}', name=node.name), f'delete-category-{node.id}').props(
                    'color=negative'
                ).on_click(lambda n=node: delete(n))

    def edit_dialog(node: CategoryView | None, parent_id: int | None) -> None:
        parents: dict[int | None, str] = {None: _('— none (top level) —')}
        parents.update({n.id: n.name for n in state['tree'] if node is None or n.id != node.id})
        with ui.dialog() as dialog, ui.card().classes('w-full max-w-md').mark('category-dialog'):
            ui.label(_('New category') if node is None else _('Edit {name}', name=node.name)).classes(
                'text-lg font-semibold'
            )
            name = (
                ui.input(_('Name'), value='' if node is None else node.name)
                .props('outlined autofocus maxlength=80')
                .classes('w-full')
                .mark('category-name')
            )
            parent = (
                ui.select(parents, value=parent_id, label=_('Parent category'))
                .props('outlined options-dense')
                .classes('w-full')
                .mark('category-parent')
            )
            color = (
                ui.color_input(_('Colour'), value='' if node is None else node.color)
                .props('outlined')
                .classes('w-full')
                .mark('category-color')
            )
            icon = icon_field(
                '' if node is None else node.icon, default=categories.DEFAULT_ICON, mark='category-icon', tint=color
            )
            fields = {'name': name, 'parent_id': parent, 'color': color, 'icon': icon}
            with ui.row().classes('w-full justify-end pt-2'):
                ui.button(_('Cancel'), on_click=lambda: close_and_delete(dialog)).props('flat')
                save_button = ui.button(_('Save'), icon='check').mark('save-category')

            async def save() -> None:
                shown: dict[str, Any] = {
                    'fields': fields,
                    'dialog': dialog,
                    'busy': save_button,
                    'refresh': listing.refresh,
                }
                if node is None:
                    await call_service(
                        categories.create_category,
                        user,
                        name.value,
                        parent.value,
                        color.value,
                        icon.value,
                        success=lambda c: _('Category {name} added.', name=c.name),
                        **shown,
                    )
                else:
                    await call_service(
                        categories.update_category,
                        user,
                        node.id,
                        name=name.value,
                        parent_id=parent.value,
                        color=color.value or UNSET,
                        icon=icon.value or UNSET,
                        success=lambda c: _('Category {name} saved.', name=c.name),
                        **shown,
                    )

            save_button.on_click(save)
            name.on('keydown.enter', save)
        dialog.open()

    async def delete(node: CategoryView) -> None:
        plan = await call_service(categories.plan_deletion, user, node.id)
        if plan is None:
            return
        if plan.used:
            move_and_delete(
                _in_use(plan), _move_targets(node), what='category', field='to_category_id', on_move=moved(plan)
            )
            return
        if plan.subcategories:
            count, names = len(plan.subcategories), ', '.join(plan.subcategories)
            question = ngettext(
                'Delete {name} and its subcategory?', 'Delete {name} and its {n} subcategories?', count, name=plan.name
            )
            detail = ngettext(
                '{subcategories} goes with it. No expense uses it; you can undo for a few seconds.',
                '{subcategories} go with it. No expense uses them; you can undo for a few seconds.',
                count,
                subcategories=names,
            )
        else:
            question = _('Delete {name}?', name=plan.name)
            detail = _('No expense uses it; you can undo for a few seconds.')

        async def confirmed(**shown) -> None:
            await call_service(
                categories.delete_category,
                user,
                plan.id,
                with_subcategories=True,
                refresh=listing.refresh,
                after=offer_undo,
                **shown,
            )

        confirm_delete(question, detail, confirmed)

    def moved(plan: categories.DeletionPlan):
        async def run_move(target: int, **shown) -> None:
            await call_service(
                categories.delete_category,
                user,
                plan.id,
                move_to=target,
                with_subcategories=True,
                refresh=listing.refresh,
                success=lambda result: ngettext(
                    '{n} expense moved; {name} deleted.',
                    '{n} expenses moved; {name} deleted.',
                    result.moved,
                    name=plan.name,
                ),
                **shown,
            )

        return run_move

    def _move_targets(node: CategoryView) -> dict[int, str]:
        options: dict[int, str] = {}
        for top in state['tree']:
            if top.id == node.id:
                continue  # neither the category itself nor its own subcategories
            options[top.id] = top.name
            for child in top.children:
                if child.id != node.id:
                    options[child.id] = f'{top.name} › {child.name}'
        return options

    undo_offers = UndoOffers(
        UNDO_EVENT,
        lambda snapshot: categories.restore_category(user, snapshot),
        refresh=lambda: listing.refresh(),
        restored=lambda item: _('Category {name} restored.', name=item.name),
    )

    def offer_undo(result: categories.DeletedCategory) -> None:
        undo_offers.offer(result.snapshot.id, result.snapshot.name, result.snapshot)

    await listing()
