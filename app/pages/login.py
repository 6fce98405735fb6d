"""The login page: a real HTML form posted to /auth/login (see app/api/browser_auth.py)."""

from __future__ import annotations

import html
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import context, run, ui

from app import i18n
from app.i18n import N_, _
from app.pages.guard import current_user
from app.pages.theme import apply_theme
from app.services import setup
from app.web.prefix import prefixed
from app.web.redirects import safe_next

ERRORS = {
    'credentials': N_('Wrong username or password; check both and try again.'),
    'throttled': N_('Too many failed attempts; wait a few minutes before trying again.'),
    'code': N_('That code is wrong or was already used; type the code your app shows now, or a recovery code.'),
    'expired': N_('The login took too long; enter your username and password again.'),
}


def browser_language(request: Request, chosen: str = '') -> str:
    """The language of the login page and the setup wizard, where nobody is logged in yet: `chosen` (the
    wizard's ?lang=) when it is offered, else the browser's Accept-Language, else English.

    The same choice as guard.public_page's, which sets the page's language before the build: the wizard
    reads it again for its language select and the presets it offers."""
    if chosen and i18n.supported(chosen) == chosen:
        return chosen
    return i18n.from_accept_language(request.headers.get('accept-language'))


def auth_card_start(width: str = 'max-w-sm') -> ui.card:
    """The card the login page and the setup wizard sit in; `width` is a Tailwind max-width class."""
    ui.query('body').classes('bg-gradient-to-br from-indigo-50 to-violet-100 dark:from-slate-900 dark:to-slate-800')
    return ui.card().classes(f'w-full {width} mx-auto mt-4 sm:mt-16 p-4 sm:p-6 gap-3')


async def login_page(request: Request, next: str = '/', error: str = '', username: str = '', step: str = ''):
    if await run.io_bound(setup.needs_setup):
        return RedirectResponse('/setup', status_code=303)
    target = safe_next(next)
    if await current_user(request) is not None:
        return RedirectResponse(target, status_code=303)
    _login_card(target, error, username, step)  # in the page's language (guard.public_page: ?lang=, else the browser's)
    return None


def _login_card(target: str, error: str, username: str, step: str) -> None:
    apply_theme('auto')
    with auth_card_start():
        with ui.row().classes('items-center gap-2'):
            ui.icon('account_balance_wallet', size='md', color='primary')
            ui.label('What I Spend').classes('text-2xl font-bold')
        ui.label(_('Log in to record and review your spending.')).classes('text-sm opacity-70')
        if error:
            refusal = ERRORS.get(error, ERRORS['credentials'])
            ui.label(_(refusal)).props('role=alert').classes('text-negative text-sm').mark('login-error')
        if step == 'code':
            _code_form(target)
            return
        # After a refusal the username is filled in again, so the cursor waits in the password field.
        retry = bool(error and username)
        with (
            ui.element('form')
            .props(f'method=post action={prefixed(context.client.request, "/auth/login")}')
            .classes('w-full flex flex-col gap-3')
        ):
            ui.input(_('Username'), value=username[:64]).props(
                'name=username autocomplete=username outlined' + ('' if retry else ' autofocus')
            ).classes('w-full').mark('username')
            ui.input(_('Password'), password=True, password_toggle_button=True).props(
                'name=password autocomplete=current-password outlined' + (' autofocus' if retry else '')
            ).classes('w-full').mark('password')
            ui.html(f'<input type="hidden" name="next" value="{html.escape(target, quote=True)}">')
            ui.button(_('Log in')).props('type=submit unelevated color=primary').classes('w-full').mark('login')


def _code_form(target: str) -> None:
    """The second step: a plain form too, posted with the pending-login cookie the password step set."""
    ui.label(_('Two-factor login: type the 6-digit code from your authenticator app, or a recovery code.')).classes(
        'text-sm'
    ).mark('code-step')
    with (
        ui.element('form')
        .props(f'method=post action={prefixed(context.client.request, "/auth/login/code")}')
        .classes('w-full flex flex-col gap-3')
    ):
        ui.input(_('Code')).props(
            'name=code autocomplete=one-time-code inputmode=numeric outlined autofocus maxlength=20'
        ).classes('w-full').mark('code')
        ui.html(f'<input type="hidden" name="next" value="{html.escape(target, quote=True)}">')
        ui.button(_('Log in')).props('type=submit unelevated color=primary').classes('w-full').mark('login-code')
    ui.link(_('Start again with the password'), f'/login?next={quote(target)}').classes('text-sm').mark('restart-login')
