"""The frame every page shares: header with navigation, a drawer on phones, dark mode, logout, the add button
(floating on phones, in the header on desktop, key `n`) and what makes the app installable.

`title` is an English msgid (`app_page(path, N_('Expenses'))`): the frame shows it translated.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import context, run, ui

from app.i18n import N_, _
from app.models import User
from app.pages.components.alerts_badge import alerts_badge
from app.pages.components.install import install_head
from app.pages.components.quick_add import add_buttons, add_fab, open_if_asked
from app.pages.settings_update import update_badge
from app.pages.theme import apply_theme
from app.services import users
from app.web.prefix import prefixed

NAVIGATION = [
    (N_('Dashboard'), '/', 'dashboard'),
    (N_('Expenses'), '/expenses', 'receipt_long'),
    (N_('Budgets'), '/budgets', 'savings'),
    (N_('Categories'), '/categories', 'category'),
    (N_('Payment methods'), '/payment-methods', 'credit_card'),
    (N_('Map'), '/map', 'map'),
    (N_('Household'), '/household', 'group'),
    (N_('Settings'), '/settings', 'settings'),
]
# Pages under one of the navigation: listed under it in the drawer; the parent stays highlighted on them.
SUBPAGES: dict[str, list[tuple[str, str, str]]] = {
    '/expenses': [
        (N_('Import'), '/expenses/import', 'upload_file'),
        (N_('Recurring'), '/expenses/recurring', 'event_repeat'),
    ],
}


def logout_form() -> None:
    action = prefixed(context.client.request, '/auth/logout')  # a plain shape only (app/web/prefix.py)
    ui.html(f'<form id="logout-form" method="post" action="{action}" style="display:none"></form>')


def _nav_links(current: str, *, vertical: bool) -> None:
    for label, path, icon in NAVIGATION:
        active = current == path or (path != '/' and current.startswith(path + '/'))
        classes = 'w-full justify-start' if vertical else ''
        if vertical:
            button = ui.button(_(label), icon=icon, color=None).props('flat no-caps align=left')
        else:
            button = ui.button(_(label), icon=icon).props('flat no-caps dense color=white')
        button.classes(classes + (' nav-active' if active else ''))
        button.on_click(lambda path=path: ui.navigate.to(path))
        button.mark(f'nav-{path.strip("/") or "dashboard"}')
        if vertical:
            for sub_label, sub_path, sub_icon in SUBPAGES.get(path, []):
                sub = ui.button(_(sub_label), icon=sub_icon, color=None).props('flat no-caps align=left dense')
                sub.classes('w-full justify-start pl-8' + (' nav-active' if current == sub_path else ''))
                sub.on_click(lambda sub_path=sub_path: ui.navigate.to(sub_path))
                sub.mark(f'nav-{sub_path.strip("/").replace("/", "-")}')


@contextmanager
def frame(user: User, title: str) -> Iterator[None]:
    dark = apply_theme(user.theme)
    current = ui.context.client.page.path
    logout_form()
    install_head()

    with ui.left_drawer(value=False).props('overlay bordered behavior=mobile').classes('p-2') as drawer:
        ui.label('What I Spend').classes('text-lg font-bold p-2')
        _nav_links(current, vertical=True)

    async def toggle_dark() -> None:
        new_theme = 'light' if dark.value else 'dark'
        dark.set_value(new_theme == 'dark')
        await run.io_bound(users.update_preferences, user, theme=new_theme)

    with ui.header(elevated=True).classes('items-center px-3 py-1 gap-1 bg-primary'):
        menu = ui.button(icon='menu', on_click=drawer.toggle).props('flat round color=white').classes('xl:hidden')
        menu.props['aria-label'] = _('Menu')
        menu.mark('menu')
        ui.link('What I Spend', '/').classes('text-white text-lg font-bold no-underline mr-4')
        with ui.row().classes('gap-0 max-xl:hidden text-white'):
            _nav_links(current, vertical=False)
        ui.space()
        add_buttons(user)
        alerts_badge(user)
        update_badge(user)
        # the navigation's labels from 1280 pixels (the menu below), the name from 1536: French labels fill them
        ui.label(user.username).classes('text-white text-sm max-2xl:hidden').mark('current-user')
        theme = ui.button(icon='dark_mode', on_click=toggle_dark).props('flat round color=white')
        theme.props['aria-label'] = _('Light or dark theme')
        theme.tooltip(_('Light / dark')).mark('toggle-dark')
        logout = ui.button(icon='logout').props('flat round color=white')
        logout.props['aria-label'] = _('Log out')
        logout.tooltip(_('Log out')).on(
            'click', js_handler='() => document.getElementById("logout-form").submit()'
        ).mark('logout')

    add_fab(user)  # before the page's own content: it is there even while a slow page is still building
    with ui.column().classes('wis-page p-4 gap-4'):
        ui.label(_(title)).classes('text-2xl font-semibold').mark('page-title')
        yield
    open_if_asked(user)
