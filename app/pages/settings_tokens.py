"""Settings › API tokens: create a personal token (shown once), see when each was last used, revoke."""

from __future__ import annotations

from nicegui import run, ui

from app.i18n import _
from app.models import ApiToken, User
from app.pages.components.actions import call_service
from app.pages.components.confirm_dialog import Marks, confirm
from app.pages.components.entry_row import entry_row
from app.services import formats, tokens
from app.web.client_ip import client_ip
from app.web.cookies import session_token


def _when(moment, user: User) -> str:
    return formats.local_timestamp(moment, user.locale, user.timezone) or _('never')


async def tokens_tab(user: User) -> None:
    with ui.card().classes('w-full max-w-2xl'):
        ui.label(_('Personal API tokens')).classes('text-lg font-semibold')
        ui.label(
            _(
                'A token lets a script or a phone shortcut call /sysapi as you, without logging in: send it as '
                '"Authorization: Bearer TOKEN", as an X-API-Key header or as ?key=TOKEN. '
                'Revoke it as soon as you no longer need it.'
            )
        ).classes('text-sm opacity-80')
        name, create_button = entry_row(
            _('Name, e.g. phone shortcut'),
            props='maxlength=80',
            mark='token-name',
            button=_('Create token'),
            button_mark='create-token',
            on_submit=lambda: create(),
        )
        created = ui.column().classes('w-full gap-1')

    with ui.card().classes('w-full max-w-2xl'):
        ui.label(_('Your tokens')).classes('text-lg font-semibold')

        token_rows = ui.column().classes('w-full gap-0')

    async def show_tokens() -> None:
        """(Re)build the list; loaded after the page is sent, so that the other tabs are not kept waiting."""
        views = await run.io_bound(tokens.list_tokens, user)
        if views is None:  # the page went away meanwhile
            return
        token_rows.clear()
        with token_rows:
            if not views:
                ui.label(_('No token yet.')).classes('opacity-70').mark('no-tokens')
            for view in views:
                with (
                    ui.row()
                    .classes('w-full items-center justify-between no-wrap border-b border-gray-500/30 py-1')
                    .mark(f'token-{view.id}')
                ):
                    with ui.column().classes('gap-0 min-w-0'):
                        ui.label(view.name).classes('font-medium break-words')
                        ui.label(
                            _(
                                'created {created} · last used {used}',
                                created=_when(view.created_at, user),
                                used=_when(view.last_used_at, user),
                            )
                        ).classes('text-xs opacity-70')
                    revoke = ui.button(icon='delete', on_click=lambda v=view: confirm_revoke(v))
                    revoke.props('flat round color=negative').tooltip(_('Revoke')).mark(f'revoke-token-{view.id}')
                    revoke.props['aria-label'] = _(
                        'Revoke the token {name}', name=view.name
                    )  # set, not parsed: a user's text

    ui.timer(0, show_tokens, once=True)
    dialogs = ui.element()  # outside the list, which a revocation rebuilds

    def show_secret(result: tuple[ApiToken, str]) -> None:
        row, token = result
        name.value = ''
        created.clear()
        with created:
            ui.label(_('Token "{name}" created. Copy it now: it will not be shown again.', name=row.name)).classes(
                'text-sm font-medium text-positive'
            )
            with ui.row().classes('w-full items-center no-wrap gap-2'):
                ui.label(token).classes('grow min-w-0 break-all select-all font-mono text-sm p-2 rounded').style(
                    'background: rgba(127, 127, 127, 0.12)'
                ).mark('new-token')

                def copy(value: str = token) -> None:
                    ui.clipboard.write(value)
                    ui.notify(_('Token copied.'))

                copy_button = ui.button(icon='content_copy', on_click=copy).props('flat round')
                copy_button.props['aria-label'] = _('Copy the token')
                copy_button.tooltip(_('Copy')).mark('copy-token')
            ui.button(_('Done, hide it'), on_click=created.clear).props('flat').mark('hide-token')

    async def create() -> None:
        await call_service(
            tokens.create_token,
            user,
            name.value or '',
            ip=client_ip(ui.context.client.request),
            session=session_token(ui.context.client.request) or '',
            fields={'name': name},
            busy=create_button,
            after=show_secret,
            refresh=show_tokens,
        )

    def confirm_revoke(view: tokens.TokenView) -> None:
        with dialogs:
            confirm(
                _('Revoke the token "{name}"?', name=view.name),
                _('Scripts using it stop working at once.'),
                confirm=_('Revoke'),
                marks=Marks.named('revoke'),
                on_confirm=lambda **shown: call_service(
                    tokens.revoke_token,
                    view.id,
                    user,
                    ip=client_ip(ui.context.client.request),
                    refresh=show_tokens,
                    success=_('Token "{name}" revoked.', name=view.name),
                    **shown,
                ),
            )
