"""Settings: password, appearance and formats, API access."""

from __future__ import annotations

from nicegui import run, ui

from app.config import get_settings
from app.models import User
from app.pages import settings_audit, settings_sharing, settings_tokens, settings_update, settings_users
from app.pages.components.code_block import code_block
from app.services import login, sessions, users
from app.services.errors import ServiceError
from app.web.client_ip import client_ip


async def notify_errors(action, *args, success: str | None = None, **kwargs):
    """Run a service call off the event loop; a refusal becomes a notification, not a crash."""
    try:
        result = await run.io_bound(action, *args, **kwargs)
    except ServiceError as exc:
        ui.notify(exc.message, type='negative')
        return None
    if success:
        ui.notify(success, type='positive')
    return result if result is not None else True


def password_card(user: User) -> None:
    with ui.card().classes('w-full max-w-xl'):
        ui.label('Password').classes('text-lg font-semibold')
        current = (
            ui.input('Current password', password=True)
            .props('outlined autocomplete=current-password')
            .classes('w-full')
            .mark('current-password')
        )
        new = (
            ui.input('New password (8 characters or more)', password=True)
            .props('outlined autocomplete=new-password')
            .classes('w-full')
            .mark('new-password')
        )
        confirm = (
            ui.input('New password again', password=True)
            .props('outlined autocomplete=new-password')
            .classes('w-full')
            .mark('new-password-confirm')
        )

        async def change() -> None:
            request = ui.context.client.request
            ended = await notify_errors(
                login.change_password,
                user,
                current.value,
                new.value,
                confirm.value,
                current_token=request.cookies.get(sessions.COOKIE_NAME),
                ip=client_ip(request),
            )
            if ended is not None:
                current.value = new.value = confirm.value = ''
                ui.notify(f'Password changed; {ended} other session(s) logged out.', type='positive')

        ui.button('Change password', on_click=change).mark('change-password')


def sessions_card(user: User) -> None:
    """Where else this account is logged in, and a way to end all of those sessions at once."""
    with ui.card().classes('w-full max-w-xl'):
        ui.label('Sessions').classes('text-lg font-semibold')
        count = ui.label().classes('text-sm opacity-80').mark('session-count')

        async def refresh() -> None:
            open_sessions = await run.io_bound(sessions.count_sessions, user)
            if open_sessions is None:  # the page went away meanwhile
                return
            others = max(0, open_sessions - 1)
            count.text = f'Logged in on {others} other browser(s) or device(s).' if others else 'No other session.'

        async def end_others() -> None:
            request = ui.context.client.request
            ended = await notify_errors(
                login.end_other_sessions, user, request.cookies.get(sessions.COOKIE_NAME), ip=client_ip(request)
            )
            if ended is not None:
                ui.notify(f'{ended} other session(s) logged out.', type='positive')
                await refresh()

        ui.button('Log out other sessions', on_click=end_others).props('outline').mark('end-other-sessions')
        ui.timer(0, refresh, once=True)


def appearance_card(user: User) -> None:
    with ui.card().classes('w-full max-w-xl'):
        ui.label('Appearance and formats').classes('text-lg font-semibold')
        theme = ui.toggle({'auto': 'System', 'light': 'Light', 'dark': 'Dark'}, value=user.theme).mark('theme')
        currency = (
            ui.select(list(users.CURRENCIES), value=user.currency, label='Currency')
            .props('outlined')
            .classes('w-full')
            .mark('currency')
        )
        locale = (
            ui.select(list(users.LOCALES), value=user.locale, label='Number and date format')
            .props('outlined')
            .classes('w-full')
            .mark('locale')
        )
        timezone = (
            ui.input("Time zone (empty: the server's)", value=user.timezone)
            .props('outlined')
            .classes('w-full')
            .mark('timezone')
        )

        async def save() -> None:
            done = await notify_errors(
                users.update_preferences,
                user,
                theme=theme.value,
                currency=currency.value,
                locale=locale.value,
                timezone=timezone.value or '',
                success='Preferences saved.',
            )
            if done:
                ui.dark_mode({'dark': True, 'light': False}.get(theme.value))

        ui.button('Save', on_click=save).mark('save-preferences')


def api_card() -> None:
    with ui.card().classes('w-full max-w-xl'):
        ui.label('API access').classes('text-lg font-semibold')
        ui.label(
            'Scripts call /sysapi with the installation key (?key=...) after POST /sysapi/login, '
            'as described in the README.'
        ).classes('text-sm opacity-80')
        key = code_block('•' * 32, label='API key').classes('w-full').mark('api-key')

        def reveal() -> None:
            key.set_content(get_settings().api_key)

        ui.button('Show the API key', on_click=reveal).props('flat').mark('show-api-key')


def _tabs(user: User) -> list[tuple[str, str, object]]:
    """(name, label, builder) of each tab the user may open; admin-only tabs are hidden from others."""
    tabs = [
        ('account', 'Account', account_tab),
        ('sharing', 'Sharing', settings_sharing.sharing_tab),
        ('tokens', 'API tokens', settings_tokens.tokens_tab),
    ]
    if user.is_admin:
        tabs += [
            ('users', 'Users', settings_users.users_tab),
            ('audit', 'Audit', settings_audit.audit_tab),
            ('update', 'Update', settings_update.update_tab),
        ]
    return tabs


async def account_tab(user: User) -> None:
    password_card(user)
    sessions_card(user)
    appearance_card(user)
    api_card()


async def settings_page(user: User, tab: str = 'account') -> None:
    tabs = _tabs(user)
    names = [name for name, _, _ in tabs]
    selected = tab if tab in names else 'account'
    with ui.tabs(value=selected).props('inline-label no-caps align=left').classes('w-full') as tab_bar:
        for name, label, _ in tabs:
            ui.tab(name, label).mark(f'tab-{name}')
    with ui.tab_panels(tab_bar, value=selected).props('animated=false').classes('w-full bg-transparent'):
        for name, _, build in tabs:
            with ui.tab_panel(name).classes('gap-4 p-0 pt-2'):
                await build(user)
