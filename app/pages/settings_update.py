"""Settings › Update (administrators): versions, changelog, the Update button and the live progress;
and the header badge that tells an administrator a new version is out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nicegui import background_tasks, run, ui

from app.config import get_settings
from app.i18n import N_, _
from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.confirm_dialog import Marks, confirm
from app.services import formats, updates
from app.services.updates import UpdateCheck, UpdateStatus
from app.version import current_version

STEP_ICONS = {
    'pending': ('radio_button_unchecked', 'grey'),
    'running': ('autorenew', 'primary'),
    'done': ('check_circle', 'positive'),
    'skipped': ('remove_circle_outline', 'grey'),
    'failed': ('error', 'negative'),
}
STATE_TEXT = {
    'idle': N_('No update has run yet.'),
    'running': N_('Updating…'),
    'rolling_back': N_('Something failed; rolling back…'),
    'restarting': N_('Restarting the server… this page reconnects by itself.'),
    'succeeded': N_('Update complete.'),
    'failed': N_('The update failed.'),
}


def _when(moment: datetime | None, locale: str = formats.FALLBACK) -> str:
    return formats.local_timestamp(moment, locale) if moment else ''


def version_card(
    check: UpdateCheck | None, status: UpdateStatus, on_check, on_update, locale: str = formats.FALLBACK
) -> None:
    with ui.card().classes('w-full max-w-3xl'):
        ui.label(_('Version')).classes('text-lg font-semibold')
        current = check.current_version if check else current_version()
        with ui.row().classes('gap-8 items-baseline'):
            with ui.column().classes('gap-0'):
                ui.label(_('Installed')).classes('text-xs opacity-70')
                ui.label(current).classes('text-xl font-semibold').mark('update-current')
            with ui.column().classes('gap-0'):
                ui.label(_('Latest')).classes('text-xs opacity-70')
                latest = check.latest_version if check and not check.error else '—'
                ui.label(latest).classes('text-xl font-semibold').mark('update-latest')
        if check is None:
            ui.label(_('Not checked yet.')).classes('text-sm opacity-70').mark('update-summary')
        elif check.error:
            ui.label(_('Cannot check for updates: {error}', error=check.error)).classes('text-sm text-negative').mark(
                'update-summary'
            )
        elif check.update_available:
            ui.label(
                _('Version {version} is available ({release}).', version=check.latest_version, release=check.release)
            ).classes('text-sm text-positive font-medium').mark('update-summary')
        else:
            ui.label(_('You run the latest version.')).classes('text-sm').mark('update-summary')
        if check:
            checked = _when(check.checked_at, locale)
            ui.label(
                _('{source} · checked {when}', source=check.source, when=checked)
                if check.source
                else _('checked {when}', when=checked)
            ).classes('text-xs opacity-60')
        busy = status.active
        with ui.row().classes('gap-2'):
            ui.button(_('Check now'), icon='refresh', on_click=on_check).props('outline').mark('update-check')
            if check and check.update_available:
                button = ui.button(
                    _('Update to {version}', version=check.latest_version), icon='system_update', on_click=on_update
                )
                button.mark('update-start')
                if busy:
                    button.disable()
        ui.label(
            _(
                'The update backs up the database first, verifies the new version in a test server, then restarts. '
                'Any failure puts the previous version and data back.'
            )
        ).classes('text-xs opacity-70')


def notes_card(check: UpdateCheck | None) -> None:
    if not check or not check.notes:
        return
    with ui.card().classes('w-full max-w-3xl').mark('update-notes'):
        ui.label(_("What's new")).classes('text-lg font-semibold')
        for entry in check.notes:
            heading = entry.version + (f' · {entry.date}' if entry.date else '')
            ui.label(heading).classes('font-semibold')
            ui.markdown(entry.notes).classes('text-sm')


def progress_card(status: UpdateStatus, locale: str = formats.FALLBACK) -> None:
    if status.state == 'idle':
        return
    with ui.card().classes('w-full max-w-3xl').mark('update-progress-card'):
        title = _('Update {old} → {new}', old=status.from_version, new=status.to_version)
        with ui.row().classes('w-full items-center justify-between'):
            ui.label(title).classes('text-lg font-semibold')
            ui.label(_when(status.started_at, locale)).classes('text-xs opacity-60')
        state = status.state
        said = STATE_TEXT.get(state)
        text = _(said) if said is not None else state
        if state == 'failed' and status.rolled_back:
            text = _(
                'The update failed and was rolled back: {version} runs with its data as before.',
                version=status.from_version,
            )
        color = {'succeeded': 'text-positive', 'failed': 'text-negative'}.get(state, '')
        ui.label(text).classes(f'font-medium {color}').mark('update-state')
        progress = status.progress / 100
        bar = ui.linear_progress(value=progress, show_value=False, size='12px').mark('update-progress')
        tone = {'failed': 'negative', 'succeeded': 'positive'}.get(state, 'primary')
        bar.props(f'rounded color={tone}')
        if status.active:
            bar.props('stripe')
        ui.label(formats.percent(status.progress, locale)).classes('text-xs opacity-70 -mt-2')
        if status.error:
            # in the page's language when the update said it as sentences; an older version's record: English
            error = ' '.join(said.message().render() for said in status.error_said) or status.error
            with ui.row().classes('items-start gap-2 w-full'):
                ui.icon('error', color='negative')
                ui.label(error).classes('text-sm text-negative flex-1 break-all').mark('update-error')
        with ui.column().classes('gap-1 w-full').mark('update-steps'):
            for step in status.steps:
                icon, tint = STEP_ICONS.get(step.state, STEP_ICONS['pending'])
                with ui.row().classes('items-center gap-2 no-wrap'):
                    spin = ' animate-spin' if step.state == 'running' else ''
                    ui.icon(icon, color=tint).classes('text-xl' + spin)
                    label = _(step.label)  # an msgid (updates.STEPS)
                    shown = {
                        'skipped': _('{step} (nothing to do)', step=label),
                        'failed': _('{step} — failed', step=label),
                    }.get(step.state, label)
                    weight = ' font-semibold' if step.state == 'running' else ''
                    ui.label(shown).classes('text-sm' + weight)
        opened = status.active or state == 'failed'
        with (
            ui.expansion(_('Log'), icon='notes', value=opened).classes('w-full'),
            ui.scroll_area().classes('h-56 w-full rounded bg-black/5 dark:bg-white/5').mark('update-log') as log_area,
        ):
            for line in status.log:
                time = line.time.strftime('%H:%M:%S') if line.time else ''
                tint = {'error': 'text-negative', 'warning': 'text-warning'}.get(line.level, '')
                said = line.said.message().render() if line.said else line.message
                ui.label(f'{time}  {said}').classes(f'font-mono text-xs break-all {tint}')
        ui.timer(0.2, lambda: log_area.scroll_to(percent=1.0), once=True)  # the newest line in view


async def update_tab(user: User) -> None:
    # Two small JSON files under data/: read directly, they never wait on the database or the network.
    check = updates.cached_check()
    status = updates.read_status()
    shown: dict[str, Any] = {'check': check, 'status': status}

    @ui.refreshable
    def body() -> None:
        version_card(shown['check'], shown['status'], check_now, confirm_update, user.locale)
        progress_card(shown['status'], user.locale)
        notes_card(shown['check'])

    def checked(result: UpdateCheck) -> None:
        shown['check'] = result
        if result.error:
            ui.notify(_('Cannot check for updates: {error}', error=result.error), type='warning')
        body.refresh()

    async def check_now() -> None:
        await call_service(updates.check, after=checked)

    def follow() -> None:
        poll()
        timer.activate()

    def poll() -> None:
        latest = updates.read_status()
        if latest != shown['status']:
            shown['status'] = latest
            if latest.state == 'succeeded':
                shown['check'] = updates.cached_check()
            body.refresh()
        if not latest.active:
            timer.deactivate()

    async def start(**shown) -> None:
        await call_service(updates.start, success=_('Update started; follow it below.'), **shown)
        follow()  # started, or refused because one runs: either way the page shows its progress

    def confirm_update() -> None:
        with dialogs:
            confirm(
                _('Update now?'),
                _(
                    'A backup is made first. The server restarts at the end: open pages reconnect by themselves. '
                    'If anything fails, the previous version and its data are put back.'
                ),
                confirm=_('Update'),
                icon='system_update',
                color='primary',
                marks=Marks('update-dialog', 'update-cancel', 'update-confirm'),
                on_confirm=start,
            )

    dialogs = ui.element()
    body()
    timer = ui.timer(1.0, poll, active=status.active)
    settings = get_settings()
    if settings.update_check and (check is None or check.stale):
        background_tasks.create(check_now(), name='update check')


# --- the header badge -------------------------------------------------------------------------------

_background_check = {'running': False}


async def _refresh_check() -> None:
    _background_check['running'] = True
    try:
        await run.io_bound(updates.check, force=False)
    finally:
        _background_check['running'] = False


def update_badge(user: User) -> None:
    """For administrators, when UPDATE_CHECK is on: a badge when a newer version is out (checked daily)."""
    settings = get_settings()
    if not user.is_admin or not settings.update_check:
        return
    check = updates.cached_check(settings)
    if (check is None or check.stale) and not _background_check['running']:
        background_tasks.create(_refresh_check(), name='daily update check')
    if not check or not check.update_available or check.current_version != current_version():
        return
    with (
        ui.button(icon='system_update', on_click=lambda: ui.navigate.to('/settings?tab=update'))
        .props('flat round color=white')
        .mark('update-badge') as badge
    ):
        badge.props['aria-label'] = _('An update is available')
        ui.badge('1', color='orange').props('floating rounded')
        ui.tooltip(_('Version {version} is available', version=check.latest_version))
