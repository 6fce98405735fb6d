"""Settings › Tags: the household's tags with how many expenses carry each; rename one (renaming it to a tag
that exists merges the two) or take it off every expense. The rules are in app/services/tags.py."""

from __future__ import annotations

from urllib.parse import urlencode

from nicegui import run, ui

from app.i18n import _, ngettext
from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.confirm_dialog import Marks, confirm, confirm_dialog
from app.services import tags
from app.services.tags import TagUse


async def tags_tab(user: User) -> None:
    with ui.card().classes('w-full max-w-2xl'):
        ui.label(_('Tags')).classes('text-lg font-semibold')
        ui.label(
            _(
                'Tags are given in the expense form, or to many expenses at once from a selection on the Expenses '
                'page. Renaming a tag to the name of another one merges them.'
            )
        ).classes('text-sm opacity-80')
        rows = ui.column().classes('w-full gap-0').mark('tag-list')
    dialogs = ui.element()  # outside the list, which every change rebuilds

    async def show_tags() -> None:
        uses = await run.io_bound(tags.list_tags, user)
        if uses is None:  # the page went away meanwhile
            return
        rows.clear()
        with rows:
            if not uses:
                ui.label(_('No tag yet.')).classes('opacity-70').mark('no-tags')
            for use in uses:
                _tag_row(use)

    def _tag_row(use: TagUse) -> None:
        with (
            ui.row()
            .classes('w-full items-center no-wrap gap-2 border-b border-gray-500/30 py-1')
            .mark(f'tag-{use.key}')
        ):
            with ui.column().classes('gap-0 min-w-0 grow'):
                ui.link(use.name, '/expenses?' + urlencode({'tag': use.name})).classes(
                    'font-medium break-words text-primary'
                )  # 4.5:1 in both themes
                ui.label(ngettext('{n} expense', '{n} expenses', use.count)).classes('text-xs opacity-70')
            rename = ui.button(icon='edit', on_click=lambda u=use: ask_rename(u)).props('flat round')
            rename.props['aria-label'] = _('Rename the tag {name}', name=use.name)  # set, not parsed: a user's text
            rename.tooltip(_('Rename or merge')).mark(f'rename-tag-{use.key}')
            delete = ui.button(icon='delete', on_click=lambda u=use: ask_delete(u)).props('flat round color=negative')
            delete.props['aria-label'] = _('Remove the tag {name}', name=use.name)
            delete.tooltip(_('Remove from every expense')).mark(f'delete-tag-{use.key}')

    def ask_rename(use: TagUse) -> None:
        with dialogs:
            name = None

            async def rename(**shown) -> None:
                await call_service(
                    tags.rename_tag,
                    user,
                    use.name,
                    name.value if name is not None else '',
                    fields={'new_name': name, 'name': name},
                    refresh=show_tags,
                    success=_('Tag renamed.'),
                    **shown,
                )

            with confirm_dialog(
                _('Rename the tag "{name}"', name=use.name),
                _('A name that another tag has already merges the two.'),
                confirm=_('Rename'),
                color='primary',
                marks=Marks.named('rename-tag'),
                on_confirm=rename,
            ):
                name = (
                    ui.input(_('New name'), value=use.name)
                    .props('outlined autofocus maxlength=40 hide-bottom-space')
                    .classes('w-full')
                    .mark('new-tag-name')
                )

    def ask_delete(use: TagUse) -> None:
        with dialogs:
            confirm(
                _('Remove the tag "{name}"?', name=use.name),
                ngettext(
                    'It is taken off {n} expense; the expense stays.',
                    'It is taken off {n} expenses; the expenses stay.',
                    use.count,
                ),
                confirm=_('Remove'),
                marks=Marks.named('delete-tag'),
                on_confirm=lambda **shown: call_service(
                    tags.delete_tag, user, use.name, refresh=show_tags, success=_('Tag removed.'), **shown
                ),
            )

    ui.timer(0, show_tags, once=True)
