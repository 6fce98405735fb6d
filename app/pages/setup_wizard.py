"""The setup wizard: shown while no account exists, gone for good once the first admin is created."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import run, ui

from app.config import get_settings
from app.pages.components.code_block import code_block
from app.pages.login import auth_card_start
from app.pages.theme import apply_theme
from app.services import sessions, setup, users
from app.services.errors import ServiceError
from app.services.presets import DEFAULT_CATEGORIES, DEFAULT_PAYMENT_METHODS


async def setup_page():
    if not await run.io_bound(setup.needs_setup):
        return RedirectResponse('/login', status_code=303)
    dark = apply_theme('auto')
    state = {
        'categories': [
            {'name': c['name'], 'color': c['color'], 'icon': c['icon'], 'children': list(c['children']), 'on': True}
            for c in DEFAULT_CATEGORIES
        ],
        'payment_methods': [{'name': p['name'], 'icon': p['icon'], 'on': True} for p in DEFAULT_PAYMENT_METHODS],
        'token': None,
    }

    with auth_card_start().classes('max-w-2xl'):
        with ui.row().classes('items-center gap-2'):
            ui.icon('account_balance_wallet', size='md', color='primary')
            ui.label('Welcome to What I Spend').classes('text-2xl font-bold')
        ui.label('A few questions and your tracker is ready.').classes('text-sm opacity-70')

        with ui.stepper().props('vertical flat animated').classes('w-full') as stepper:
            with ui.step('Your account', icon='person'):
                ui.label('This first account is the administrator.').classes('text-sm')
                username = (
                    ui.input('Username')
                    .props('outlined autofocus autocomplete=username')
                    .classes('w-full')
                    .mark('setup-username')
                )
                password = (
                    ui.input('Password (8 characters or more)', password=True, password_toggle_button=True)
                    .props('outlined autocomplete=new-password')
                    .classes('w-full')
                    .mark('setup-password')
                )
                confirm = (
                    ui.input('Password again', password=True)
                    .props('outlined autocomplete=new-password')
                    .classes('w-full')
                    .mark('setup-password-confirm')
                )

                def check_account() -> None:
                    try:
                        setup.validate_account(username.value, password.value, confirm.value)
                    except ServiceError as exc:
                        ui.notify(exc.message, type='negative')
                        return
                    stepper.next()

                confirm.on('keydown.enter', check_account)
                with ui.stepper_navigation():
                    ui.button('Next', on_click=check_account).mark('setup-next-1')

            with ui.step('Preferences', icon='tune'):
                currency = (
                    ui.select(list(users.CURRENCIES), value='EUR', label='Currency')
                    .props('outlined')
                    .classes('w-full')
                    .mark('setup-currency')
                )
                locale = (
                    ui.select(list(users.LOCALES), value='fr-FR', label='Number and date format')
                    .props('outlined')
                    .classes('w-full')
                    .mark('setup-locale')
                )
                theme = ui.toggle({'auto': 'Follow the system', 'light': 'Light', 'dark': 'Dark'}, value='auto').mark(
                    'setup-theme'
                )
                theme.on_value_change(lambda e: dark.set_value({'dark': True, 'light': False}.get(e.value)))
                with ui.stepper_navigation():
                    ui.button('Next', on_click=stepper.next).mark('setup-next-2')
                    ui.button('Back', on_click=stepper.previous).props('flat')

            with ui.step('Categories and payment methods', icon='category'):
                ui.label('A starting set you can rename, remove or extend at any time.').classes('text-sm')

                @ui.refreshable
                def preset_lists() -> None:
                    with ui.row().classes('w-full gap-6 items-start'):
                        with ui.column().classes('gap-1 min-w-[14rem]'):
                            ui.label('Categories').classes('font-semibold')
                            for category in state['categories']:
                                ui.checkbox(category['name'], value=category['on']).bind_value(category, 'on')
                                if category['children']:
                                    ui.label(', '.join(category['children'])).classes('text-xs opacity-60 ml-10 -mt-2')
                        with ui.column().classes('gap-1'):
                            ui.label('Payment methods').classes('font-semibold')
                            for method in state['payment_methods']:
                                ui.checkbox(method['name'], value=method['on']).bind_value(method, 'on')

                def add(kind: str, field: ui.input) -> None:
                    name = (field.value or '').strip()
                    if not name or len(name) > 80:
                        ui.notify('Type a name of 1 to 80 characters first.', type='warning')
                        return
                    items = state[kind]
                    if any(item['name'].lower() == name.lower() for item in items):
                        ui.notify(f'{name} is already in the list.', type='warning')
                        return
                    if kind == 'categories':
                        items.append({'name': name, 'color': '#64748b', 'icon': 'label', 'children': [], 'on': True})
                    else:
                        items.append({'name': name, 'icon': 'payments', 'on': True})
                    field.value = ''
                    preset_lists.refresh()

                preset_lists()
                with ui.row().classes('w-full gap-2 items-center'):
                    new_category = ui.input('Another category').props('outlined dense').mark('setup-new-category')
                    new_category.on('keydown.enter', lambda: add('categories', new_category))
                    ui.button(icon='add', on_click=lambda: add('categories', new_category)).props(
                        'flat round aria-label="Add the category"'
                    ).mark('setup-add-category')
                    new_method = ui.input('Another payment method').props('outlined dense').mark('setup-new-method')
                    new_method.on('keydown.enter', lambda: add('payment_methods', new_method))
                    ui.button(icon='add', on_click=lambda: add('payment_methods', new_method)).props(
                        'flat round aria-label="Add the payment method"'
                    ).mark('setup-add-method')

                async def create_account() -> None:
                    choices = setup.SetupChoices(
                        username=username.value or '',
                        password=password.value or '',
                        password_confirm=confirm.value or '',
                        currency=currency.value,
                        locale=locale.value,
                        theme=theme.value,
                        categories=[c for c in state['categories'] if c['on']],
                        payment_methods=[p for p in state['payment_methods'] if p['on']],
                    )
                    try:
                        admin = await run.io_bound(setup.complete_setup, choices)
                    except ServiceError as exc:
                        ui.notify(exc.message, type='negative')
                        return
                    state['token'] = await run.io_bound(sessions.create_session, admin)
                    password.value = confirm.value = ''
                    ui.notify(f'Account {admin.username} created.', type='positive')
                    stepper.next()

                with ui.stepper_navigation():
                    ui.button('Create my account', on_click=create_account).mark('setup-create')
                    ui.button('Back', on_click=stepper.previous).props('flat')

            with ui.step('Ready', icon='check'):
                ui.label('Your account is ready.').classes('font-semibold')
                ui.label(
                    'Scripts and other tools reach the API with this installation key '
                    '(also in config.env, and in Settings later):'
                ).classes('text-sm')
                code_block(get_settings().api_key, label='API key').classes('w-full').mark('setup-api-key')

                async def enter() -> None:
                    await ui.run_javascript(
                        "const r = await fetch('/auth/adopt', {method: 'POST',"
                        " headers: {'Content-Type': 'application/json'},"
                        f' body: JSON.stringify({{token: {state["token"]!r}}})}});'
                        " if (r.ok) { window.location.href = '/'; }",
                        timeout=10,
                    )

                with ui.stepper_navigation():
                    ui.button('Open my dashboard', on_click=enter).mark('setup-finish')
    return None
