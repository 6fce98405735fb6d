"""The expenses page: a month of expenses in a server-side paginated table, with add / edit / delete,
a text filter, sorting, the month's total and count, and CSV / XLSX exports.

Only one page of rows is ever in the browser (Quasar's server-side pagination): a month of thousands of
expenses costs the same as a month of fifty.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from html import escape
from typing import Any
from uuid import uuid4

from nicegui import ui

from app.i18n import N_, _, current
from app.models import User
from app.pages.components import receipt_marks, recurring_marks
from app.pages.components.actions import call_service, show_service_error
from app.pages.components.added import after_add
from app.pages.components.addresses import replace_address
from app.pages.components.bulk_actions import BulkBar
from app.pages.components.currency_amount import amount_text
from app.pages.components.expense_dialog import ExpenseChoices, expense_dialog
from app.pages.components.expense_search_box import SearchControls, export_filters
from app.pages.components.month_picker import month_label, month_picker
from app.pages.components.recurring_dialog import make_recurring_button
from app.pages.components.undo_notification import notify_with_undo
from app.services import access, categories, exports, formats, payment_methods, splits, tags
from app.services import expenses as expense_service
from app.services.clock import today
from app.services.errors import Invalid
from app.services.expenses import DeletedExpense, ExpenseRow
from app.services.money import format_money
from app.services.months import Month, parse_month
from app.services.timestamps import iso_utc

ROWS_PER_PAGE = 25
UNDO_EVENT = 'undo_expense_delete'
COLUMNS: list[dict[str, Any]] = [
    {'name': 'date', 'label': N_('Date'), 'field': 'day', 'align': 'left', 'sortable': True},
    {'name': 'amount', 'label': N_('Amount'), 'field': 'amount_text', 'align': 'right', 'sortable': True},
    {'name': 'category', 'label': N_('Category'), 'field': 'category_text', 'align': 'left', 'sortable': True},
    {
        'name': 'payment_method',
        'label': N_('Payment'),
        'field': 'payment_method',
        'align': 'left',
        'sortable': True,
        'classes': 'gt-xs',
        'headerClasses': 'gt-xs',
    },
    {
        'name': 'description',
        'label': N_('Description'),
        'field': 'description',
        'align': 'left',
        'sortable': True,
        'classes': 'ellipsis max-w-[16rem]',
    },
    {
        'name': 'tags',
        'label': N_('Tags'),
        'field': 'tags',
        'align': 'left',
        'classes': 'gt-sm',
        'headerClasses': 'gt-sm',
    },
    {
        'name': 'created_by',
        'label': N_('By'),
        'field': 'created_by',
        'align': 'left',
        'sortable': True,
        'classes': 'gt-sm',
        'headerClasses': 'gt-sm',
    },
    {'name': 'actions', 'label': '', 'field': 'id', 'align': 'right'},
]
# The slots' aria-labels are __EDIT__ and __DELETE__, filled in the page's language by `_slot`.
# Plain icons rather than q-btn: a page holds up to 200 rows, and 400 buttons cost the browser
# a noticeable part of the page's time (see docs/PERFORMANCE.md); they stay focusable and keyboard-driven.
ACTIONS_SLOT = r"""
<q-td :props="props" auto-width>
  <span class="cursor-pointer q-mx-xs" role="button" tabindex="0" aria-label="__EDIT__"
        @click.stop="() => $parent.$emit('edit', props.row)"
        @keydown.enter.stop="() => $parent.$emit('edit', props.row)"><q-icon name="edit" size="20px" /></span>
  <span class="cursor-pointer q-mx-xs text-negative" role="button" tabindex="0" aria-label="__DELETE__"
        @click.stop="() => $parent.$emit('delete', props.row)"
        @keydown.enter.stop="() => $parent.$emit('delete', props.row)"><q-icon name="delete" size="20px" /></span>
</q-td>
"""
CATEGORY_SLOT = r"""
<q-td :props="props">
  <span class="inline-block w-2 h-2 rounded-full mr-2" :style="{background: props.row.category_color}"></span>
  {{ props.value }}
</q-td>
"""

# Tags as chips; Vue writes them as text (never HTML), whatever a tag holds.
TAGS_SLOT = r"""
<q-td :props="props">
  <q-chip v-for="tag in props.value" :key="tag" dense square outline color="primary" :label="tag" />
</q-td>
"""

# The selection's checkboxes, named for screen readers (Quasar's own have no name).
HEADER_SELECTION_SLOT = '<q-checkbox v-model="props.selected" dense aria-label="__SELECT_ALL__" />'
BODY_SELECTION_SLOT = '<q-checkbox v-model="props.selected" dense aria-label="__SELECT__" />'

# On a phone the table becomes a list of compact cards (Quasar's grid mode), one per expense.
PHONE_ITEM_SLOT = r"""
<div class="q-px-none q-py-xs col-12">
  <q-card flat bordered class="q-px-sm q-py-xs cursor-pointer" @click="() => $parent.$emit('edit', props.row)">
    <div class="row items-center no-wrap">
      <span class="inline-block w-2 h-2 rounded-full mr-2" :style="{background: props.row.category_color}"></span>
      <q-checkbox dense size="sm" v-model="props.selected" @click.stop aria-label="__SELECT__" class="q-mr-xs" />
      __RECURRING__<div class="col ellipsis">{{ props.row.category_text }}</div>
      <div class="text-weight-bold q-ml-sm">{{ props.row.amount_text }}</div>
    </div>
    <div class="row items-center no-wrap text-caption">
      <div class="col ellipsis opacity-70">
        {{ props.row.day }} · {{ props.row.payment_method }}<span v-if="props.row.description"> · {{
        props.row.description }}</span><span v-for="tag in props.row.tags" :key="tag"> · #{{ tag }}</span>
      </div>__MARKS__
      <q-btn flat dense round size="sm" icon="delete" color="negative" aria-label="__DELETE__"
             @click.stop="() => $parent.$emit('delete', props.row)" />
    </div>
  </q-card>
</div>
"""


def _slot(template: str) -> str:
    """A slot's template with its aria-labels in the page's language (escaped: they sit in HTML attributes)."""
    template = template.replace('__SELECT__', escape(_('Select'))).replace('__SELECT_ALL__', escape(_('Select all')))
    template = template.replace('__EDIT__', escape(_('Edit'))).replace('__DELETE__', escape(_('Delete')))
    return recurring_marks.with_label(template)


def _columns() -> list[dict[str, Any]]:
    """The table's columns, their headings in the page's language."""
    return [{**column, 'label': _(heading) if (heading := column['label']) else ''} for column in COLUMNS]


def load_choices(user: User, keep: tuple[int | None, ...] = ()) -> ExpenseChoices:
    return ExpenseChoices(
        categories=categories.category_tree(user),
        payment_methods=payment_methods.list_payment_methods(user),
        me=user.id,
        keep={i for i in keep if i is not None},
        tag_names=tags.tag_names(user),
    )


def display_row(row: ExpenseRow, user: User) -> dict:
    """The table's row: the expense as the browser's table holds it (text only), and what the cells show."""
    category = row.category or ''
    return {
        **asdict(row),
        'date': row.date.isoformat(),
        'created_at': iso_utc(row.created_at),
        'updated_at': iso_utc(row.updated_at),
        'day': formats.short_date(row.date, user.locale, today=today(user.timezone)),
        'amount_text': amount_text(row, user.locale),  # converted, and its own currency beside it (issue 20)
        'category_text': f'{category} › {row.subcategory}' if row.subcategory else category,
        'payment_method': row.payment_method or '',
        'created_by': row.created_by or '',
        'receipt_label': receipt_marks.label(len(row.receipts)),
    }


@dataclass
class _PageState:
    """One open page's state. The month lives in the picker alone (picker.month): the label, the address
    and the table follow it."""

    search: str = ''
    pagination: dict[str, Any] = field(
        default_factory=lambda: {'sortBy': 'date', 'descending': True, 'page': 1, 'rowsPerPage': ROWS_PER_PAGE}
    )
    deleted: DeletedExpense | None = None
    scope: str = 'everyone'
    loads: int = 0  # the latest refresh; an older one finishing later must not overwrite the table
    opening: bool = False  # a dialog is being prepared: a second click does not open a second one


async def expenses_page(user: User, month: str = '', search: str = '') -> None:
    this_month = Month.of(today(user.timezone))
    try:
        chosen = parse_month(month, default=this_month.first_day)
    except Invalid as exc:
        show_service_error(exc)
        chosen = this_month
    del search  # read with the other filters from the address by SearchControls
    state = _PageState()
    shared = bool(await call_service(access.linked_user_ids, user))

    with ui.row().classes('w-full items-center gap-2'):
        with ui.element('div') as picker_box:
            picker = month_picker(chosen, lambda new: month_changed(new), today=this_month, locale=user.locale)
        search_box = SearchControls(user, dict(ui.context.client.request.query_params), lambda: first_page())
        search_box.summary_row()
        ui.space()
        with ui.button(_('Export'), icon='download').props('outline no-caps').mark('export'), ui.menu():
            month_items = [
                ui.menu_item(_('CSV of this month'), lambda: export('csv', True)).mark('export-csv'),
                ui.menu_item(_('Excel (XLSX) of this month'), lambda: export('xlsx', True)).mark('export-xlsx'),
            ]
            result_items = [
                ui.menu_item(_('CSV of these results'), lambda: export('csv', True)).mark('export-csv-results'),
                ui.menu_item(_('Excel (XLSX) of these results'), lambda: export('xlsx', True)).mark(
                    'export-xlsx-results'
                ),
            ]
            ui.separator()
            ui.menu_item(_('CSV of everything'), lambda: export('csv', False)).mark('export-csv-all')
            ui.menu_item(_('Excel (XLSX) of everything'), lambda: export('xlsx', False)).mark('export-xlsx-all')
        import_button = ui.button(_('Import'), icon='upload_file', on_click=lambda: ui.navigate.to('/expenses/import'))
        import_button.props('outline no-caps').mark('import')
        recurring_marks.page_button()
        add_button = (
            ui.button(_('Add expense'), icon='add', on_click=lambda: add()).props('no-caps').mark('add-expense')
        )

    with ui.row().classes('w-full items-end gap-6'):
        with ui.column().classes('gap-0'):
            ui.label(_('Total')).classes('text-xs uppercase opacity-70')
            total_label = ui.label().classes('text-2xl font-semibold').mark('month-total')
        with ui.column().classes('gap-0'):
            ui.label(_('Expenses')).classes('text-xs uppercase opacity-70')
            count_label = ui.label().classes('text-2xl font-semibold').mark('month-count')
        ui.space()
        if shared:
            ui.toggle(
                {'everyone': _('Everyone'), 'mine': _('Only mine')},
                value='everyone',
                on_change=lambda e: scope_changed(e.value),
            ).props('no-caps dense').tooltip(_('Your expenses, or also those of the accounts linked to yours')).mark(
                'expense-scope'
            )
        search_box.box()
    await search_box.panel(shared)

    table = (
        ui.table(columns=_columns(), rows=[], row_key='id', pagination={**state.pagination, 'rowsNumber': 0})
        .props(
            'flat bordered binary-state-sort :rows-per-page-options="[25,50,100,200]" :grid="window.innerWidth < 600"'
            ' selection=multiple'
        )
        .classes('w-full')
        .mark('expenses-table')
    )
    table.props['rows-per-page-label'] = _('Rows')
    table.add_slot('body-cell-actions', _slot(ACTIONS_SLOT))
    table.add_slot('body-cell-category', CATEGORY_SLOT)
    table.add_slot('body-cell-tags', TAGS_SLOT)
    table.add_slot('header-selection', _slot(HEADER_SELECTION_SLOT))
    table.add_slot('body-selection', _slot(BODY_SELECTION_SLOT))
    receipt_marks.add_slots(table, _slot(PHONE_ITEM_SLOT), user)
    with table.add_slot('no-data'):
        empty = ui.label(_('No expenses this month. Add one with the button above.')).classes(
            'w-full text-center opacity-70 p-4'
        )
    bulk = BulkBar(user, table, refresh=lambda: refresh(), choices=search_box.choices)
    bulk.bar.move(target_index=table.parent_slot.children.index(table) if table.parent_slot else -1)  # above it

    async def refresh() -> None:
        state.loads += 1
        load = state.loads
        pagination = state.pagination
        sort = pagination.get('sortBy') or 'date'
        if pagination.get('descending'):
            sort = '-' + sort
        rows_per_page = int(pagination.get('rowsPerPage') or ROWS_PER_PAGE)
        page = max(int(pagination.get('page') or 1), 1)
        result = await search_box.fetch(picker.month, state.scope, sort, (page - 1) * rows_per_page, rows_per_page)
        if result is None or load != state.loads:
            return  # refused (and said so), or a later refresh (another month, page or filter) owns the table
        if not result.expenses and result.count and page > 1:
            state.pagination = {**pagination, 'page': 1}
            await refresh()
            return
        rows = await recurring_marks.marked(user, [display_row(row, user) for row in result.expenses])
        if load != state.loads:
            return
        table.rows = rows
        table.pagination = {**pagination, 'rowsNumber': result.count}
        total_label.set_text(format_money(result.total_cents, user.currency, user.locale))
        count_label.set_text(formats.number(result.count, user.locale, digits=0))
        search_box.show(result, picker_box, empty, picker.month)
        for item in month_items:
            item.set_visibility(not search_box.narrowed)
        for item in result_items:
            item.set_visibility(search_box.narrowed)

    async def on_request(event) -> None:
        requested = event.args.get('pagination', {}) if isinstance(event.args, dict) else {}
        state.pagination = {
            'sortBy': requested.get('sortBy') or 'date',
            'descending': bool(requested.get('descending')),
            'page': requested.get('page') or 1,
            'rowsPerPage': requested.get('rowsPerPage') or ROWS_PER_PAGE,
        }
        await refresh()

    table.on('request', on_request)

    async def month_changed(new: Month) -> None:
        """The picker moved (its arrows, its menu, or `show_month`): the address and the table follow."""
        state.pagination = {**state.pagination, 'page': 1}
        replace_address(f'/expenses?month={new}')
        await refresh()

    async def show_saved(expense: ExpenseRow) -> None:
        """After a save: stay on this month, or follow the expense to the month it is dated in."""
        dated = Month.of(expense.date)
        if dated == picker.month:
            await refresh()
            return
        ui.notify(_('It is dated in {month}: showing that month.', month=month_label(dated, user.locale)), type='info')
        await picker.set_month(dated)

    after_add(show_saved)  # the frame's add button, on this page

    async def first_page() -> None:
        """The search or a filter changed: its results from their first page."""
        state.pagination = {**state.pagination, 'page': 1}
        await refresh()

    async def scope_changed(scope: str) -> None:
        state.scope = scope if scope in access.SCOPES else 'everyone'
        state.pagination = {**state.pagination, 'page': 1}
        await refresh()

    async def add() -> None:
        form = await call_service(load_add_form, user, picker.month, busy=add_button)
        if form is None:
            return
        choices, initial = form
        if not choices.categories or not choices.payment_methods:
            ui.notify(
                _('Create a category and a payment method first (menu: Categories, Payment methods).'),
                type='warning',
            )
            return
        request_id = uuid4().hex  # one per dialog: however often its Save reaches the server, one expense

        def create(values: dict) -> ExpenseRow:
            return expense_service.create_expense(user, values, request_id=request_id)

        expense_dialog(
            choices,
            initial,
            create,
            title=_('Add an expense'),
            user=user,
            locate=user.capture_location,
            after=show_saved,
            success=_('Expense added.'),
            another=add,
        )

    async def edit(row: dict) -> None:
        expense_id = row.get('id')
        if not expense_id or state.opening:
            return
        state.opening = True
        try:  # the row comes from the browser: read the expense again, as this user may see it
            form = await call_service(load_edit_form, user, expense_id)
        finally:
            state.opening = False
        if form is None:
            await refresh()  # it is gone: so is its row
            return
        choices, initial = form

        def update(values: dict) -> ExpenseRow:
            return expense_service.update_expense(user, expense_id, values)

        expense_dialog(
            choices,
            initial,
            update,
            title=_('Edit the expense'),
            user=user,
            after=show_saved,
            extra=lambda dialog: make_recurring_button(user, expense_id, dialog, initial['date'], refresh),
        )

    async def delete(event) -> None:
        row = event.args if isinstance(event.args, dict) else {}
        with ui.dialog() as confirm, ui.card().mark('confirm-delete'):
            ui.label(_('Delete this expense?')).classes('text-lg font-semibold')
            ui.label(
                f'{row.get("amount_text", "")} · {row.get("category_text", "")} · {row.get("day", "")}'
                + (f' · {row["description"]}' if row.get('description') else '')
            ).classes('opacity-80')
            with ui.row().classes('w-full justify-end'):
                ui.button(_('Cancel'), on_click=confirm.close).props('flat').mark('cancel-delete')
                ui.button(_('Delete'), color='negative', on_click=lambda: confirm.submit(True)).mark(
                    'confirm-delete-yes'
                )
        confirmed = await confirm
        confirm.delete()
        if not confirmed:
            return

        def deleted(snapshot: DeletedExpense) -> None:
            state.deleted = snapshot
            notify_with_undo(_('Expense deleted.'), UNDO_EVENT)

        snapshot = await call_service(
            expense_service.delete_expense, user, row.get('id'), refresh=refresh, after=deleted
        )
        if snapshot is None:
            await refresh()  # already gone, or no longer shared: the table shows what is there now

    async def undo() -> None:
        snapshot, state.deleted = state.deleted, None
        if snapshot is None:
            return
        await call_service(
            expense_service.restore_expense, user, snapshot, refresh=refresh, success=_('Expense restored.')
        )

    ui.on(UNDO_EVENT, undo)
    table.on('edit', lambda event: edit(event.args if isinstance(event.args, dict) else {}))
    table.on('delete', delete)
    table.on('rowClick', lambda event: edit(_clicked_row(event.args)))

    async def export(kind: str, this_month: bool) -> None:
        filters = None
        if this_month and search_box.narrowed:  # "these results"
            filters = await call_service(export_filters, user, dict(search_box.values), state.scope)
            if filters is None:
                return
        await call_service(
            exports.export_to_file,
            user,
            picker.month if this_month else None,
            kind,
            scope=state.scope,
            language=current(),  # the XLSX in the page's language (call_service runs it in a worker thread)
            filters=filters,
            after=lambda found: ui.download.file(*found),
        )

    await refresh()


def load_add_form(user: User, month: Month) -> tuple[ExpenseChoices, dict]:
    """The add dialog's choices and first values: the last category and payment method used (each standing
    as the chooser's own when a linked user's of the same name was used), and a date in the shown month."""
    choices = load_choices(user)
    last = expense_service.last_choices(user)
    category_id = choices.shown_category(last.category_id)
    initial: dict[str, object] = {
        'category_id': category_id,
        'subcategory_id': choices.shown_subcategory(category_id, last.subcategory_id),
        'payment_method_id': choices.shown_payment_method(last.payment_method_id),
        'amount': '',
        'description': '',
    }
    day = today(user.timezone)
    if not month.contains(day):
        day = month.first_day if month < Month.of(day) else day
    initial['date'] = day.isoformat()
    initial['split_form'] = splits.split_form(user, None)
    return choices, initial


def load_edit_form(user: User, expense_id: object) -> tuple[ExpenseChoices, dict]:
    """The edit dialog's choices and values; the expense's own category and payment method stay choosable
    even when a same-named one of the chooser's would otherwise stand for them."""
    current = expense_service.get_expense(user, expense_id)
    choices = load_choices(user, (current.category_id, current.subcategory_id, current.payment_method_id))
    initial = {
        'id': current.id,
        'receipts': current.receipts,
        'amount': formats.amount_for_input(current.amount_cents, user.locale, current.currency or user.currency),
        'date': current.date.isoformat(),
        'category_id': current.category_id,
        'subcategory_id': current.subcategory_id,
        'payment_method_id': current.payment_method_id,
        'description': current.description or '',
        'latitude': current.latitude,
        'longitude': current.longitude,
        'place': current.place or '',
        'tags': list(current.tags),
        'split_form': splits.split_form(user, current),
        'currency': current.currency,
    }
    return choices, initial


def _clicked_row(args) -> dict:
    """rowClick sends (event, row, index); keep the row."""
    return args[1] if isinstance(args, list) and len(args) > 1 and isinstance(args[1], dict) else {}
