"""The setup wizard: shown while no account exists, gone for good once the first admin is created."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import run, ui

from app import i18n
from app.config import get_settings
from app.i18n import _
from app.pages.components.actions import call_service
from app.pages.components.code_block import code_block
from app.pages.login import auth_card_start, browser_language
from app.pages.theme import apply_theme
from app.services import locale_choices, presets, sessions, setup
from app.services.errors import Invalid


def _fresh_state(language: str) -> dict:
    """The starting categories and payment methods, named in the wizard's language: stored so."""
    return {
        'categories': [
            {'name': c['name'], 'color': c['color'], 'icon': c['icon'], 'children': list(c['children']), 'on': True}
            for c in presets.categories(language)
        ],
        'payment_methods': [
            {'name': p['name'], 'icon': p['icon'], 'on': True} for p in presets.payment_methods(language)
        ],
        'token': None,
    }


async def setup_page(request: Request, lang: str = ''):
    """The wizard speaks the browser's language, or the one picked in its Preferences step (?lang=)."""
    if not await run.io_bound(setup.needs_setup):
        return RedirectResponse('/login', status_code=303)
    language = browser_language(request, lang)
    with i18n.use_language(language):
        _wizard(request, language)
    return None


def _wizard(request: Request, language: str) -> None:
    def speaking(handler: Callable[[], Any]) -> Callable[[], Any]:
        """Until core's per-client event wrapper is on this branch: an event of the wizard runs in its language."""
        if inspect.iscoroutinefunction(handler):

            async def run_async() -> None:
                with i18n.use_language(language):
                    await handler()

            return run_async

        def run_sync() -> None:
            with i18n.use_language(language):
                handler()

        return run_sync

    dark = apply_theme('auto')
    state = _fresh_state(language)
    # the formats of the language picked (?lang=fr on an English browser: fr-FR), the browser's region when it matches
    locale_default = locale_choices.default_locale(request.headers.get('accept-language'), language)
    currency_default = locale_choices.default_currency(locale_default)

    with auth_card_start('max-w-2xl'):
        with ui.row().classes('items-center gap-2 no-wrap'):
            ui.icon('account_balance_wallet', size='md', color='primary')
            ui.label(_('Welcome to What I Spend')).classes('text-2xl font-bold')
        ui.label(_('A few questions and your tracker is ready.')).classes('text-sm opacity-80')
        # first of all, before anything is typed: the wizard starts again in the language picked
        ui.select(dict(i18n.LANGUAGES), value=language, label=_('Language')).props('outlined dense').classes(
            'w-48'
        ).mark('setup-language').on_value_change(lambda e: ui.navigate.to(f'/setup?lang={e.value}'))

        with ui.stepper().props('vertical flat animated').classes('w-full') as stepper:
            with ui.step(_('Your account'), icon='person') as account_step:
                account = _account_step(stepper, speaking)
            with ui.step(_('Preferences'), icon='tune'):
                currency, locale, theme = _preferences_step(stepper, dark, locale_default, currency_default)
            with ui.step(_('Categories and payment methods'), icon='category'):
                ui.label(_('A starting set you can rename, remove or extend at any time.')).classes('text-sm')
                _presets_editor(state, speaking)

                async def create_account() -> None:
                    choices = setup.SetupChoices(
                        username=account['username'].value or '',
                        password=account['password'].value or '',
                        password_confirm=account['password_confirm'].value or '',
                        currency=currency.value,
                        locale=locale.value,
                        theme=theme.value,
                        language=language,
                        categories=[c for c in state['categories'] if c['on']],
                        payment_methods=[p for p in state['payment_methods'] if p['on']],
                    )
                    admin = await call_service(setup.complete_setup, choices, fields=account, busy=create_button)
                    if admin is None:
                        if any(field.error for field in account.values()):
                            stepper.value = account_step  # the refusal is under a field of the first step
                        return
                    state['token'] = await call_service(sessions.create_session, admin)
                    account['password'].value = account['password_confirm'].value = ''
                    ready.text = _('Account {username} created: your tracker is ready.', username=admin.username)
                    stepper.next()

                with ui.stepper_navigation():
                    create_button = ui.button(_('Create my account'), on_click=speaking(create_account)).mark(
                        'setup-create'
                    )
                    ui.button(_('Back'), on_click=stepper.previous).props('flat')

            with ui.step(_('Ready'), icon='check'):
                ready = _ready_step(state)


def _account_step(stepper: ui.stepper, speaking) -> dict[str, ui.input]:
    """Username and password twice. A problem shows under its field and goes as soon as it is fixed."""
    ui.label(_('This first account is the administrator.')).classes('text-sm')
    fields = {
        'username': ui.input(_('Username'))
        .props('outlined autofocus autocomplete=username')
        .classes('w-full')
        .mark('setup-username'),
        'password': ui.input(_('Password (8 characters or more)'), password=True, password_toggle_button=True)
        .props('outlined autocomplete=new-password')
        .classes('w-full')
        .mark('setup-password'),
        'password_confirm': ui.input(_('Password again'), password=True)
        .props('outlined autocomplete=new-password')
        .classes('w-full')
        .mark('setup-password-confirm'),
    }

    def problems() -> dict[str, i18n.Message | str]:
        return setup.account_problems(*(fields[name].value or '' for name in fields))

    def recheck() -> None:
        """Only fields already showing a problem are re-judged: no error appears while someone types."""
        found = problems()
        for name, field in fields.items():
            if field.error:
                field.error = _shown(found.get(name))

    def check_account() -> None:
        found = problems()
        for name, field in fields.items():
            field.error = _shown(found.get(name))
        if not found:
            stepper.next()

    for field in fields.values():
        field.on_value_change(speaking(recheck))
    fields['password_confirm'].on('keydown.enter', speaking(check_account))
    with ui.stepper_navigation():
        ui.button(_('Next'), on_click=speaking(check_account)).mark('setup-next-1')
    return fields


def _preferences_step(
    stepper: ui.stepper, dark: ui.dark_mode, locale_default: str, currency_default: str
) -> tuple[ui.select, ui.select, ui.toggle]:
    ui.label(_('Guessed from your browser; each person can change them later in Settings.')).classes(
        'text-sm opacity-80'
    )
    currency = (
        ui.select(locale_choices.currency_options(), value=currency_default, label=_('Currency'))
        .props('outlined')
        .classes('w-full')
        .mark('setup-currency')
    )
    locale = (
        ui.select(locale_choices.locale_options(currency_default), value=locale_default, label=_('Numbers and dates'))
        .props('outlined')
        .classes('w-full')
        .mark('setup-locale')
    )
    currency.on_value_change(lambda e: locale.set_options(locale_choices.locale_options(e.value), value=locale.value))
    theme = (
        ui.toggle({'auto': _('Follow the system'), 'light': _('Light'), 'dark': _('Dark')}, value='auto')
        .props('no-caps')
        .mark('setup-theme')
    )
    theme.on_value_change(lambda e: dark.set_value({'dark': True, 'light': False}.get(e.value)))
    with ui.stepper_navigation():
        ui.button(_('Next'), on_click=stepper.next).mark('setup-next-2')
        ui.button(_('Back'), on_click=stepper.previous).props('flat')
    return currency, locale, theme


def _presets_editor(state: dict, speaking) -> None:
    @ui.refreshable
    def preset_lists() -> None:
        with ui.row().classes('w-full gap-6 items-start'):
            with ui.column().classes('gap-1 min-w-[14rem]'):
                ui.label(_('Categories')).classes('font-semibold')
                for category in state['categories']:
                    ui.checkbox(category['name'], value=category['on']).bind_value(category, 'on')
                    if category['children']:
                        ui.label(', '.join(category['children'])).classes('text-xs opacity-80 ml-10 -mt-2')
            with ui.column().classes('gap-1'):
                ui.label(_('Payment methods')).classes('font-semibold')
                for method in state['payment_methods']:
                    ui.checkbox(method['name'], value=method['on']).bind_value(method, 'on')

    def add(kind: str, field: ui.input) -> None:
        items = state[kind]
        try:
            name = setup.preset_name(field.value, [item['name'] for item in items])
        except Invalid as exc:
            field.error = exc.message
            return
        if kind == 'categories':
            items.append({'name': name, 'color': '#64748b', 'icon': 'label', 'children': [], 'on': True})
        else:
            items.append({'name': name, 'icon': 'payments', 'on': True})
        field.value = ''
        field.error = None
        preset_lists.refresh()

    def adder(kind: str, label: str, marker: str, button_label: str) -> None:
        with ui.row().classes('items-start gap-1 no-wrap'):
            field = ui.input(label).props('outlined dense').classes('min-w-[12rem]').mark(f'setup-new-{marker}')
            field.on('keydown.enter', speaking(lambda: add(kind, field)))
            field.on_value_change(lambda: setattr(field, 'error', None) if field.error else None)
            button = ui.button(icon='add', on_click=speaking(lambda: add(kind, field))).props('flat round')
            button.props['aria-label'] = button_label  # set, not parsed: a translation may hold any character
            button.tooltip(button_label).mark(f'setup-add-{marker}')

    preset_lists()
    with ui.row().classes('w-full gap-2 items-start'):
        adder('categories', _('Another category'), 'category', _('Add this category'))
        adder('payment_methods', _('Another payment method'), 'method', _('Add this payment method'))


def _shown(problem: i18n.Message | str | None) -> str | None:
    return i18n.render(problem) if problem is not None else None


def _ready_step(state: dict) -> ui.label:
    """The installation key, explained; returns the headline that names the new account."""
    ready = ui.label(_('Your account is ready.')).classes('font-semibold').mark('setup-ready')
    with ui.column().classes('gap-2 text-sm'):
        ui.label(
            _(
                'One more thing, for later: the installation key below lets scripts and other programs use '
                "What I Spend's API (/sysapi), including scripts written for version 2.4."
            )
        )
        ui.label(
            _(
                'Keep it secret, like a password: with it and an account, anyone can reach the API. '
                'For your own scripts, a personal token (Settings › API tokens) is the better way: it acts only as '
                'you and can be revoked on its own.'
            )
        )
        ui.label(
            _(
                'You do not need to copy it now: an administrator finds it again in Settings › Account, '
                'and it is API_KEY in config.env on the server.'
            )
        ).classes('opacity-80')
    # the key wraps on a phone instead of running out of the card
    code_block(get_settings().api_key, label=_('installation API key')).classes(
        'w-full [&_pre]:whitespace-pre-wrap [&_pre]:break-all [&_pre]:pr-10'
    ).mark('setup-api-key')

    async def enter(target: str = '/') -> None:
        await ui.run_javascript(
            "const r = await fetch((window.path_prefix || '') + '/auth/adopt', {method: 'POST',"
            " headers: {'Content-Type': 'application/json'},"
            f' body: JSON.stringify({{token: {state["token"]!r}}})}});'
            f" if (r.ok) {{ window.location.href = (window.path_prefix || '') + {target!r}; }}",
            timeout=10,
        )

    ui.label(_('Coming from a bank, a spreadsheet or another tracker? Import your history first.')).classes('text-sm')
    with ui.stepper_navigation():
        ui.button(_('Open my dashboard'), on_click=enter).mark('setup-finish')
        ui.button(_('Import my history'), icon='upload_file', on_click=lambda: enter('/expenses/import')).props(
            'flat no-caps'
        ).mark('setup-import')
    return ready
