"""Settings › Notifications: where budget alerts are sent (Apprise URLs: ntfy, Gotify, e-mail, Matrix,
Telegram...), a test for each, and the day-before warning for large recurring expenses.

Markers: `notification-url`, `add-notification-url`, `notification-urls`, `no-notification-urls`,
`notification-url-<id>`, `test-notification-url-<id>`, `delete-notification-url-<id>`, `large-recurring`,
`save-large-recurring`."""

from __future__ import annotations

from nicegui import run, ui

from app.i18n import _
from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.entry_row import entry_row
from app.services import formats, notify


async def notifications_tab(user: User) -> None:
    with ui.card().classes('w-full max-w-2xl'):
        ui.label(_('Notification URLs')).classes('text-lg font-semibold')
        ui.label(
            _(
                'Budget alerts are shown here in the app; to receive them on your phone or by e-mail as well, add '
                'one or more notification URLs, such as ntfy://my-topic, gotify://host/token or '
                'mailto://user:password@example.com (any service Apprise knows).'
            )
        ).classes('text-sm opacity-80')
        url, add_button = entry_row(
            _('Notification URL'),
            props='maxlength=1000 autocomplete=off',
            mark='notification-url',
            button=_('Add'),
            button_mark='add-notification-url',
            on_submit=lambda: add(),
        )
        rows = ui.column().classes('w-full gap-0').mark('notification-urls')

    async def show() -> None:
        views = await run.io_bound(notify.list_urls, user)
        if views is None:
            return
        rows.clear()
        with rows:
            if not views:
                ui.label(_('No notification URL yet.')).classes('opacity-70').mark('no-notification-urls')
            for view in views:
                with (
                    ui.row()
                    .classes('w-full items-center justify-between no-wrap border-b border-gray-500/30 py-1')
                    .mark(f'notification-url-{view.id}')
                ):
                    ui.label(view.shown).classes('font-mono text-sm break-all min-w-0')
                    with ui.row().classes('items-center gap-0 no-wrap'):
                        test = ui.button(_('Send a test'), on_click=lambda v=view: send_test(v.id))
                        test.props('flat no-caps dense').mark(f'test-notification-url-{view.id}')
                        remove = ui.button(icon='delete', on_click=lambda v=view: delete(v.id))
                        remove.props('flat round dense color=negative').mark(f'delete-notification-url-{view.id}')
                        remove.props['aria-label'] = _('Remove this notification URL')

    async def add() -> None:
        def emptied(_view: object) -> None:
            url.value = ''

        await call_service(
            notify.add_url,
            user,
            url.value or '',
            fields={'url': url},
            busy=add_button,
            after=emptied,
            refresh=show,
            success=_('Notification URL added.'),
        )

    async def send_test(url_id: int) -> None:
        # a short network call the person is waiting for, in a worker thread: the page stays responsive
        await call_service(notify.send_test, user, url_id, success=_('Test sent.'))

    async def delete(url_id: int) -> None:
        await call_service(notify.delete_url, user, url_id, refresh=show, success=_('Notification URL removed.'))

    ui.timer(0, show, once=True)
    await large_recurring_card(user)


async def large_recurring_card(user: User) -> None:
    """The day-before warning for large recurring expenses (issue 17, item 3)."""
    with ui.card().classes('w-full max-w-2xl'):
        ui.label(_('Large recurring expenses')).classes('text-lg font-semibold')
        ui.label(_('Warn me the day before a recurring expense of at least this amount (empty: never).')).classes(
            'text-sm opacity-80'
        )
        cents = await run.io_bound(notify.large_recurring, user) or 0
        amount, save_button = entry_row(
            _('Amount'),
            props='maxlength=40 inputmode=decimal',
            mark='large-recurring',
            button=_('Save'),
            button_mark='save-large-recurring',
            on_submit=lambda: save(),
        )
        amount.value = formats.amount_for_input(cents, user.locale, user.currency) if cents else ''

    async def save() -> None:
        await call_service(
            notify.set_large_recurring,
            user,
            amount.value or '',
            fields={'large_recurring': amount},
            busy=save_button,
            success=_('Saved.'),
        )
