"""Settings › Audit (administrators): who logged in, failed to, changed a password or a token, and from where."""

from __future__ import annotations

from dataclasses import asdict

from nicegui import run, ui

from app.i18n import N_, _
from app.models import User
from app.services import audit, formats

PAGE_SIZE = 50
COLUMNS = [
    {'name': 'at', 'label': N_('When'), 'field': 'at', 'align': 'left', 'style': 'white-space: nowrap'},
    {'name': 'label', 'label': N_('Event'), 'field': 'label', 'align': 'left'},
    {'name': 'username', 'label': N_('User'), 'field': 'username', 'align': 'left'},
    {'name': 'ip', 'label': N_('Address'), 'field': 'ip', 'align': 'left'},
    {'name': 'detail', 'label': N_('Detail'), 'field': 'detail', 'align': 'left'},
]
# On a phone each event is a card (Quasar's grid mode below 600 px) instead of a table cut off at the right.
EVENT_CARD = r"""
<div class="q-pa-xs col-12">
  <q-card flat bordered>
    <q-card-section class="q-py-sm">
      <div class="row items-baseline justify-between no-wrap q-gutter-x-sm">
        <div class="text-weight-medium">{{ props.row.label }}</div>
        <div class="text-caption" style="white-space:nowrap">{{ props.row.at }}</div>
      </div>
      <div class="text-caption" style="overflow-wrap:anywhere">
        {{ props.row.username || '—' }}<span v-if="props.row.ip"> · {{ props.row.ip }}</span>
      </div>
      <div v-if="props.row.detail" class="text-caption" style="overflow-wrap:anywhere">{{ props.row.detail }}</div>
    </q-card-section>
  </q-card>
</div>
"""


async def audit_tab(user: User) -> None:
    state = {'page': 0}
    with ui.card().classes('w-full'):
        ui.label(_('Audit log')).classes('text-lg font-semibold')
        with ui.row().classes('w-full items-center gap-2'):
            event = (
                ui.select(
                    {'': _('All events'), **{name: _(label) for name, label in audit.EVENTS.items()}},
                    value='',
                    label=_('Event'),
                )
                .props('outlined dense')
                .classes('min-w-56')
                .mark('audit-event')
            )
            username = ui.input(_('User')).props('outlined dense clearable').mark('audit-user')
        table = (
            ui.table(
                columns=[{**c, 'label': _(label)} for c in COLUMNS for label in [c['label']]], rows=[], row_key='id'
            )
            .props(':grid="Quasar.Screen.lt.sm" flat dense wrap-cells hide-pagination')
            .classes('w-full bg-transparent')
            .mark('audit-table')
        )
        table.add_slot('item', EVENT_CARD)
        table.pagination = {'rowsPerPage': 0}
        with ui.row().classes('w-full items-center justify-between no-wrap'):
            previous = ui.button(_('Newer'), icon='chevron_left').props('flat').mark('audit-newer')
            status = ui.label().classes('text-sm opacity-80 whitespace-nowrap').mark('audit-status')
            following = ui.button(_('Older'), icon='chevron_right').props('flat').mark('audit-older')

    async def load() -> None:
        result = await run.io_bound(
            audit.list_events,
            user,
            limit=PAGE_SIZE,
            offset=state['page'] * PAGE_SIZE,
            event=event.value or '',
            username=(username.value or '').strip(),
        )
        if result is None:  # the page went away meanwhile
            return
        views, total = result
        table.rows = [
            {
                **asdict(view),
                'label': _(view.label),
                'at': formats.local_timestamp(view.at, user.locale, user.timezone),
            }
            for view in views
        ]
        table.update()
        first = state['page'] * PAGE_SIZE
        status.text = (
            _('{first}–{last} of {total}', first=first + 1, last=first + len(views), total=total)
            if views
            else _('No event.')
        )
        previous.set_enabled(state['page'] > 0)
        following.set_enabled(first + len(views) < total)

    async def filter_changed() -> None:
        state['page'] = 0
        await load()

    async def move(step: int) -> None:
        state['page'] = max(0, state['page'] + step)
        await load()

    event.on_value_change(filter_changed)
    username.on('keydown.enter', filter_changed)
    username.on('blur', filter_changed)
    username.on('clear', filter_changed)
    previous.on_click(lambda: move(-1))
    following.on_click(lambda: move(1))
    ui.timer(0, load, once=True)  # after the page is sent: the other tabs are not kept waiting
