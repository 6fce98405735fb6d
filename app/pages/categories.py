"""The categories page: the tree of categories and subcategories, with create, rename, recolour,
re-parent and delete (moving the expenses of a category in use first)."""

from __future__ import annotations

from nicegui import run, ui

from app.models import User
from app.pages.components.actions import show_service_error
from app.pages.components.move_dialog import ask_move_target
from app.services import categories
from app.services.errors import Conflict, ServiceError
from app.services.validation import UNSET


def load(user: User) -> tuple[list[dict], dict[int, int]]:
    return categories.category_tree(user), categories.usage_counts(user)


async def categories_page(user: User) -> None:
    with ui.row().classes('w-full items-center'):
        ui.label('Categories group your expenses; a subcategory refines its category.').classes('opacity-70')
        ui.space()
        ui.button('Add category', icon='add', on_click=lambda: edit_dialog(None, None)).props('no-caps').mark(
            'add-category'
        )

    @ui.refreshable
    async def listing() -> None:
        loaded = await run.io_bound(load, user)
        if loaded is None:  # the client went away meanwhile
            return
        tree, counts = loaded
        if not tree:
            ui.label('No categories yet. Add one to start recording expenses.').classes('opacity-70')
            return
        with ui.card().classes('w-full p-0'), ui.list().props('separator').classes('w-full').mark('category-list'):
            for node in tree:
                category_row(node, counts, tree)
                for child in node['children']:
                    category_row(child, counts, tree, parent=node)

    def category_row(node: dict, counts: dict[int, int], tree: list[dict], parent: dict | None = None) -> None:
        used = counts.get(node['id'], 0)
        with ui.item().classes('pl-10' if parent else '').mark(f'category-{node["id"]}'):
            with ui.item_section().props('avatar'):
                ui.icon(node['icon'] or 'label').style(f'color: {node["color"]}')
            with ui.item_section():
                ui.item_label(node['name']).classes('font-medium' if parent is None else '')
                if used:
                    ui.item_label(f'{used} expense{"" if used == 1 else "s"}').props('caption')
            with ui.item_section().props('side'), ui.row().classes('gap-0 no-wrap'):
                if parent is None:
                    ui.button(icon='add', on_click=lambda n=node: edit_dialog(None, n['id'])).props(
                        'flat round dense aria-label="Add a subcategory"'
                    ).tooltip('Add a subcategory').mark(f'add-subcategory-{node["id"]}')
                ui.button(icon='edit', on_click=lambda n=node: edit_dialog(n, n['parent_id'])).props(
                    'flat round dense aria-label=Edit'
                ).tooltip('Edit').mark(f'edit-category-{node["id"]}')
                ui.button(icon='delete', on_click=lambda n=node: delete(n, tree)).props(
                    'flat round dense color=negative aria-label=Delete'
                ).tooltip('Delete').mark(f'delete-category-{node["id"]}')

    async def edit_dialog(node: dict | None, parent_id: int | None) -> None:
        tree, _ = await run.io_bound(load, user)
        parents = {None: '— none (top level) —'}
        parents.update({n['id']: n['name'] for n in tree if node is None or n['id'] != node['id']})
        creating = node is None
        with ui.dialog() as dialog, ui.card().classes('w-full max-w-md').mark('category-dialog'):
            ui.label('New category' if creating else f'Edit {node["name"]}').classes('text-lg font-semibold')
            name = (
                ui.input('Name', value='' if creating else node['name'])
                .props('outlined autofocus maxlength=80')
                .classes('w-full')
                .mark('category-name')
            )
            parent = (
                ui.select(parents, value=parent_id, label='Parent category')
                .props('outlined options-dense')
                .classes('w-full')
                .mark('category-parent')
            )
            color = (
                ui.color_input('Colour', value='' if creating else node['color'])
                .classes('w-full')
                .mark('category-color')
            )
            icon = (
                ui.input('Icon (Material icon name, optional)', value='' if creating else node['icon'])
                .props('outlined maxlength=40')
                .classes('w-full')
                .mark('category-icon')
            )

            async def save() -> None:
                for field in (name, parent, color, icon):
                    field.error = None
                try:
                    if creating:
                        await run.io_bound(
                            categories.create_category, user, name.value, parent.value, color.value, icon.value
                        )
                    else:
                        await run.io_bound(
                            categories.update_category,
                            user,
                            node['id'],
                            name=name.value,
                            parent_id=parent.value,
                            color=color.value or UNSET,
                            icon=icon.value or UNSET,
                        )
                except ServiceError as exc:
                    show_service_error(exc, {'name': name, 'parent_id': parent, 'color': color, 'icon': icon})
                    return
                dialog.close()
                dialog.delete()
                ui.notify('Category saved.', type='positive')
                listing.refresh()

            name.on('keydown.enter', save)
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=lambda: (dialog.close(), dialog.delete())).props('flat')
                ui.button('Save', icon='check', on_click=save).mark('save-category')
        dialog.open()

    async def delete(node: dict, tree: list[dict]) -> None:
        try:
            await run.io_bound(categories.delete_category, user, node['id'])
        except Conflict as exc:
            if node.get('children'):
                ui.notify(exc.message, type='warning', multi_line=True)
                return
            options = {}
            for top in tree:
                if top['id'] != node['id']:
                    options[top['id']] = top['name']
                for child in top['children']:
                    if child['id'] != node['id'] and top['id'] != node['id']:
                        options[child['id']] = f'{top["name"]} › {child["name"]}'
            target = await ask_move_target(exc.message, options, what='category')
            if target is None:
                return
            try:
                moved = await run.io_bound(categories.delete_category, user, node['id'], move_to=target)
            except ServiceError as again:
                ui.notify(again.message, type='negative')
                return
            ui.notify(f'{moved} expense{"" if moved == 1 else "s"} moved; {node["name"]} deleted.', type='positive')
            listing.refresh()
            return
        except ServiceError as exc:
            ui.notify(exc.message, type='negative')
            return
        ui.notify(f'{node["name"]} deleted.', type='positive')
        listing.refresh()

    await listing()
