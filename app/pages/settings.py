"""Settings: password, sessions, appearance and formats, API access; and the tabs around them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import run, ui

from app.i18n import LANGUAGES, N_, _, ngettext
from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.addresses import replace_address
from app.pages.components.code_block import code_block
from app.pages.settings_audit import audit_tab
from app.pages.settings_notifications import notifications_tab
from app.pages.settings_rates import rates_tab
from app.pages.settings_sharing import sharing_tab
from app.pages.settings_tags import tags_tab
from app.pages.settings_tokens import tokens_tab
from app.pages.settings_two_factor import two_factor_card
from app.pages.settings_update import update_tab
from app.pages.settings_users import users_tab
from app.pages.theme import theme_to_dark
from app.services import locale_choices, login, sessions, users
from app.web.client_ip import client_ip

# On a phone the tab names wrap onto a second line instead of scrolling behind arrows.
TABS_CSS = (
    '<style>.wis-settings-tabs .q-tabs__content{flex-wrap:wrap}'
    '.wis-settings-tabs .q-tabs__arrow{display:none}'
    '.wis-settings-tabs .q-tab{min-height:40px;padding:0 12px}</style>'
)


def password_card(user: User) -> None:
    with ui.card().classes('w-full max-w-xl'):
        ui.label(_('Password')).classes('text-lg font-semibold')
        current = (
            ui.input(_('Current password'), password=True)
            .props('outlined autocomplete=current-password')
            .classes('w-full')
            .mark('current-password')
        )
        new = (
            ui.input(_('New password'), password=True)
            .props('outlined autocomplete=new-password')
            .classes('w-full')
            .mark('new-password')
        )
        new.props['hint'] = _('8 characters or more')  # a hint, not in the label: a phone cuts long labels
        confirm = (
            ui.input(_('New password again'), password=True)
            .props('outlined autocomplete=new-password')
            .classes('w-full')
            .mark('new-password-confirm')
        )

        def emptied(_ended: int) -> None:
            current.value = new.value = confirm.value = ''

        async def change() -> None:
            request = ui.context.client.request
            await call_service(
                login.change_password,
                user,
                current.value or '',
                new.value or '',
                confirm.value or '',
                current_token=request.cookies.get(sessions.COOKIE_NAME),
                ip=client_ip(request),
                fields={'current_password': current, 'password': new, 'password_confirm': confirm},
                busy=button,
                after=emptied,
                success=lambda ended: ngettext(
                    'Password changed; {n} other session logged out.',
                    'Password changed; {n} other sessions logged out.',
                    ended,
                ),
            )

        button = ui.button(_('Change password'), on_click=change).mark('change-password')


def sessions_card(user: User) -> None:
    """Where else this account is logged in, and a way to end all of those sessions at once."""
    with ui.card().classes('w-full max-w-xl'):
        ui.label(_('Sessions')).classes('text-lg font-semibold')
        count = ui.label().classes('text-sm opacity-80').mark('session-count')

        async def refresh() -> None:
            open_sessions = await run.io_bound(sessions.count_sessions, user)
            if open_sessions is None:  # the page went away meanwhile
                return
            others = max(0, open_sessions - 1)
            count.text = (
                ngettext(
                    'Logged in on {n} other browser or device.', 'Logged in on {n} other browsers or devices.', others
                )
                if others
                else _('No other session.')
            )

        async def end_others() -> None:
            request = ui.context.client.request
            await call_service(
                login.end_other_sessions,
                user,
                request.cookies.get(sessions.COOKIE_NAME),
                ip=client_ip(request),
                busy=button,
                refresh=refresh,
                success=lambda ended: ngettext(
                    '{n} other session logged out.', '{n} other sessions logged out.', ended
                ),
            )

        button = ui.button(_('Log out other sessions'), on_click=end_others).props('outline').mark('end-other-sessions')
        ui.timer(0, refresh, once=True)


def appearance_card(user: User) -> None:
    with ui.card().classes('w-full max-w-xl'):
        ui.label(_('Appearance and formats')).classes('text-lg font-semibold')
        theme = ui.toggle({'auto': _('System'), 'light': _('Light'), 'dark': _('Dark')}, value=user.theme).mark('theme')
        languages = {'': _('Automatic (browser)'), **LANGUAGES}  # each language named in itself
        language = ui.select(languages, value=user.language, label=_('Language')).props('outlined')
        language.classes('w-full').mark('language')
        built_in = user.language  # a new setting takes a reload: the whole page is rebuilt in its language
        currency = (
            ui.select(locale_choices.currency_options(user.locale), value=user.currency, label=_('Currency'))
            .props('outlined')
            .classes('w-full')
            .mark('currency')
        )
        locale = (
            ui.select(
                locale_choices.locale_options(user.currency), value=user.locale, label=_('Number and date format')
            )
            .props('outlined')
            .classes('w-full')
            .mark('locale')
        )
        timezone = (
            ui.input(_('Time zone'), value=user.timezone)
            .props('outlined hide-bottom-space')
            .classes('w-full')
            .mark('timezone')
        )
        timezone.props['hint'] = _("Empty: the server's. A name such as Europe/Paris.")

        def applied(saved: User) -> None:
            ui.dark_mode(theme_to_dark(saved.theme))
            if saved.language != built_in:
                ui.navigate.reload()

        async def save() -> None:
            await call_service(
                users.update_preferences,
                user,
                theme=theme.value,
                currency=currency.value,
                locale=locale.value,
                timezone=timezone.value or '',
                language=language.value or '',
                fields={
                    'theme': theme,
                    'currency': currency,
                    'locale': locale,
                    'timezone': timezone,
                    'language': language,
                },
                busy=button,
                after=applied,
                success=_('Preferences saved.'),
            )

        button = ui.button(_('Save'), on_click=save).mark('save-preferences')


def api_card(user: User, open_tab: Callable[[str], None]) -> None:
    """Scripts use personal tokens; the installation key is an administrator's secret (it opens every
    account's API with a session), so only administrators may reveal it."""
    with ui.card().classes('w-full max-w-xl').mark('api-access'):
        ui.label(_('API access')).classes('text-lg font-semibold')
        ui.label(
            _('Scripts and phone shortcuts call /sysapi with a personal API token: create one in the API tokens tab.')
        ).classes('text-sm opacity-80')
        ui.button(_('Personal API tokens'), icon='key', on_click=lambda: open_tab('tokens')).props('flat no-caps').mark(
            'go-to-tokens'
        )
        if not user.is_admin:
            return
        ui.label(
            _(
                'As an administrator you may also see the installation key (?key=... after POST /sysapi/login, as '
                'the README describes). Keep it secret: with a session it reaches every account.'
            )
        ).classes('text-sm opacity-80')
        key = code_block('•' * 32, label=_('API key')).classes('w-full').mark('api-key')

        async def reveal() -> None:
            await call_service(users.installation_api_key, user, busy=button, after=key.set_content)

        button = ui.button(_('Show the API key'), on_click=reveal).props('flat no-caps').mark('show-api-key')


Builder = Callable[[User], Awaitable[None]]


def _tabs(user: User, open_tab: Callable[[str], None]) -> list[tuple[str, str, Builder]]:
    """(name, label, builder) of each tab the user may open; admin-only tabs are hidden from others."""

    async def account_tab(user: User) -> None:
        password_card(user)
        await two_factor_card(user)
        sessions_card(user)
        appearance_card(user)
        api_card(user, open_tab)

    tabs: list[tuple[str, str, Builder]] = [
        ('account', N_('Account'), account_tab),
        ('sharing', N_('Sharing'), sharing_tab),
        ('tags', N_('Tags'), tags_tab),
        ('tokens', N_('API tokens'), tokens_tab),
        ('notifications', N_('Notifications'), notifications_tab),
        ('rates', N_('Exchange rates'), rates_tab),
    ]
    if user.is_admin:
        tabs += [
            ('users', N_('Users'), users_tab),
            ('audit', N_('Audit'), audit_tab),
            ('update', N_('Update'), update_tab),
        ]
    return tabs


async def settings_page(user: User, tab: str = 'account') -> None:
    def open_tab(name: str) -> None:
        tab_bar.set_value(name)

    tabs = _tabs(user, open_tab)
    selected = tab if tab in [name for name, _label, _build in tabs] else 'account'
    ui.add_head_html(TABS_CSS)

    def remember(name: str) -> None:  # the address names the open tab: a reload or a shared link opens it
        replace_address(f'/settings?tab={name}')

    with (
        # a tab's name selects it; NiceGUI's annotation names only Tab elements
        ui.tabs(value=selected, on_change=lambda e: remember(e.value))  # type: ignore[arg-type]
        .props('inline-label no-caps align=left dense breakpoint=0')
        .classes('w-full wis-settings-tabs')
        .mark('settings-tabs') as tab_bar
    ):
        for name, label, _build in tabs:
            ui.tab(name, _(label)).mark(f'tab-{name}')
    with ui.tab_panels(tab_bar, value=selected).props('animated=false').classes('w-full bg-transparent'):
        for name, _label, build in tabs:
            with ui.tab_panel(name).classes('gap-4 p-0 pt-2'):
                await build(user)
