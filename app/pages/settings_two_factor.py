"""Settings › Account › Two-factor login: set it up with a QR code and a confirming code, see the recovery
codes once, turn it off with the password and a code; and the administrators' switch that requires it."""

from __future__ import annotations

from nicegui import run, ui

from app.i18n import _, ngettext
from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.code_block import code_block
from app.services import two_factor
from app.web.client_ip import client_ip


def _ip() -> str:
    return client_ip(ui.context.client.request)


async def two_factor_card(user: User) -> None:
    """The card's content is rebuilt after each step, from what the database says."""
    with ui.card().classes('w-full max-w-xl').mark('two-factor'):
        ui.label(_('Two-factor login')).classes('text-lg font-semibold')
        body = ui.column().classes('w-full gap-3')

    async def show() -> None:
        fresh = await run.io_bound(User.get_by_id, user.id)
        required = await run.io_bound(two_factor.is_required)
        if fresh is None or required is None:  # None: the page went away meanwhile
            return
        body.clear()
        with body:
            if two_factor.is_enabled(fresh):
                left = await run.io_bound(two_factor.remaining_recovery_codes, fresh)
                _enabled(fresh, left or 0, show)
            else:
                _disabled(fresh, required, show)

    await show()


def _disabled(user: User, required: bool, show) -> None:
    if required:
        ui.label(
            _('Your administrator requires two-factor login for every account: set it up now to keep using the app.')
        ).props('role=alert').classes('text-sm text-negative').mark('two-factor-required')
    ui.label(
        _(
            'After your password, the login asks for a 6-digit code from an authenticator app on your phone '
            '(any TOTP app: Aegis, Google Authenticator, 1Password...).'
        )
    ).classes('text-sm opacity-80')
    steps = ui.column().classes('w-full gap-3')

    def enrol(enrolment: two_factor.Enrolment) -> None:
        start.set_visibility(False)
        with steps:
            ui.label(_('1. Scan this QR code with your authenticator app, or type the key below into it.')).classes(
                'text-sm'
            )
            qr = ui.image(enrolment.qr_data_url)
            qr.props['alt'] = _('QR code of the two-factor key')
            qr.classes('w-48 h-48 bg-white').mark('two-factor-qr')
            # In groups of four, wrapping on a phone; authenticator apps ignore the spaces.
            grouped = ' '.join(enrolment.secret[i : i + 4] for i in range(0, len(enrolment.secret), 4))
            key = ui.label(grouped).props('role=region')
            key.props['aria-label'] = _('Two-factor key')
            key.classes('font-mono text-base select-all break-words').mark('two-factor-secret')
            ui.label(_('2. Type the 6-digit code the app shows for What I Spend.')).classes('text-sm')
            code = (
                ui.input(_('Code from the app'))
                .props('outlined inputmode=numeric autocomplete=one-time-code maxlength=8')
                .classes('w-full')
                .mark('two-factor-code')
            )

            async def confirm() -> None:
                await call_service(
                    two_factor.confirm_enable,
                    user,
                    code.value or '',
                    ip=_ip(),
                    fields={'code': code},
                    busy=button,
                    after=lambda codes: _recovery_codes(codes, show),
                    success=_('Two-factor login is on.'),
                )

            button = ui.button(_('Turn on two-factor login'), on_click=confirm).mark('two-factor-confirm')
            code.on('keydown.enter', confirm)

    async def begin() -> None:
        await call_service(two_factor.begin_enable, user, busy=start, after=enrol)

    start = ui.button(_('Set up two-factor login'), icon='phonelink_lock', on_click=begin).mark('two-factor-start')


def _recovery_codes(codes: list[str], show) -> None:
    """Shown once: only their hashes are kept."""
    with ui.dialog().props('persistent') as dialog, ui.card().classes('max-w-md').mark('recovery-codes'):
        ui.label(_('Your recovery codes')).classes('text-lg font-semibold')
        ui.label(
            _(
                'Each code logs you in once instead of the app code, if you lose your phone. Save them now (print '
                'them or keep them in your password manager): they are not shown again.'
            )
        ).classes('text-sm')
        code_block('\n'.join(codes), label=_('recovery codes')).classes('w-full').mark('recovery-code-list')

        async def done() -> None:
            dialog.close()
            dialog.delete()
            await show()

        ui.button(_('I saved them'), on_click=done).mark('recovery-codes-saved')
    dialog.open()


def _enabled(user: User, left: int, show) -> None:
    ui.label(
        ngettext(
            'On: the login asks for a code from your app. {n} of 10 recovery codes left.',
            'On: the login asks for a code from your app. {n} of 10 recovery codes left.',
            left,
        )
    ).classes('text-sm').mark('two-factor-on')
    with ui.expansion(_('Turn off two-factor login')).classes('w-full').mark('two-factor-off-section'):
        password = (
            ui.input(_('Password'), password=True)
            .props('outlined autocomplete=current-password')
            .classes('w-full')
            .mark('two-factor-off-password')
        )
        code = (
            ui.input(_('Code from the app, or a recovery code'))
            .props('outlined autocomplete=one-time-code')
            .classes('w-full')
            .mark('two-factor-off-code')
        )

        async def turn_off() -> None:
            await call_service(
                two_factor.disable,
                user,
                password.value or '',
                code.value or '',
                ip=_ip(),
                fields={'password': password, 'code': code},
                busy=button,
                refresh=show,
                success=_('Two-factor login is off.'),
            )

        button = ui.button(_('Turn off'), on_click=turn_off).props('outline color=negative').mark('two-factor-off')


async def require_card(admin: User) -> None:
    """Settings › Users: the installation-wide switch (stored in the database, seen by every process)."""
    with ui.card().classes('w-full max-w-xl').mark('require-two-factor-card'):
        ui.label(_('Two-factor login for everyone')).classes('text-lg font-semibold')
        ui.label(
            _(
                'When on, every account must use two-factor login: those without it are sent to set it up after '
                'logging in. API tokens keep working.'
            )
        ).classes('text-sm opacity-80')
        required = await run.io_bound(two_factor.is_required)
        switch = ui.switch(_('Require two-factor login'), value=bool(required)).mark('require-two-factor')

        async def changed(event) -> None:
            await call_service(
                two_factor.set_required,
                bool(event.value),
                actor=admin,
                ip=_ip(),
                busy=switch,
                success=lambda on: _('Two-factor login is now required.') if on else _('Two-factor login is optional.'),
            )

        switch.on_value_change(changed)
