"""One tap to the expense form from every page: a floating add button on phones, a button in the header on
larger screens, the `n` key anywhere outside a field, and `/?add=1` (the installed app's "Add an expense"
shortcut) on any page. The form is the add dialog of the expenses page, opened in place; the page then does
what it registered with `added.after_add` (refresh its figures), and "Save and add another" opens the next."""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode
from uuid import uuid4

from nicegui import Client, events, ui
from nicegui.elements.mixins.disableable_element import DisableableElement

from app.i18n import _
from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.added import after_add_of
from app.pages.components.addresses import replace_address
from app.pages.components.expense_dialog import ExpenseChoices, expense_dialog
from app.pages.components.quick_pick_chips import QuickPickChips
from app.pages.expenses import load_add_form
from app.services import expenses as expense_service
from app.services import shared_files
from app.services.clock import today
from app.services.expenses import ExpenseRow
from app.services.months import Month
from app.services.quick_picks import QuickPick, quick_picks

ADD_QUERY = 'add'
_OPEN: weakref.WeakKeyDictionary[Client, ui.dialog] = weakref.WeakKeyDictionary()


def _dialog_open(client: Client) -> bool:
    dialog = _OPEN.get(client)
    return dialog is not None and not dialog.is_deleted and bool(dialog.value)


async def open_add_dialog(user: User, busy: DisableableElement | None = None, shared: str = '') -> None:
    """The add dialog on the current page (once: a second tap or `n` while it is open does nothing). `shared`:
    the token of a file shared into the app, attached as a receipt once the expense is saved."""
    client = ui.context.client
    if _dialog_open(client):
        return
    form = await call_service(_load, user, shared, busy=busy)
    if form is None or _dialog_open(client):
        return
    choices, initial, picks, file_name = form
    if not choices.categories or not choices.payment_methods:
        ui.notify(
            _('Create a category and a payment method first (menu: Categories, Payment methods).'), type='warning'
        )
        return
    request_id = uuid4().hex  # one per dialog: however often its Save reaches the server, one expense

    def create(values: dict) -> ExpenseRow:
        return expense_service.create_expense(user, values, request_id=request_id)

    _OPEN[client] = expense_dialog(
        choices,
        initial,
        create,
        title=_('Add an expense'),
        user=user,
        locate=user.capture_location,
        after=_with_receipt(user, shared, after_add_of(client)) if file_name is not None else after_add_of(client),
        success=_('Expense added.'),
        another=lambda: open_add_dialog(user),
        picks=lambda fill: _top(user, picks, fill, file_name),
    )


def _top(user: User, picks: list[QuickPick], fill: Callable[[dict], None], file_name: str | None) -> QuickPickChips:
    """Above the quick picks, the file shared into the app, which the saved expense will keep."""
    if file_name is not None:
        with ui.row().classes('items-center gap-1 text-sm').mark('shared-file'):
            ui.icon('attach_file').classes('text-primary')
            ui.label(_('Receipt to attach: {name}', name=file_name or _('shared file')))
    return QuickPickChips(user, picks, fill)


def _with_receipt(user: User, token: str, after: Callable[[Any], Any] | None) -> Callable[[ExpenseRow], Any]:
    async def attach(row: ExpenseRow) -> None:
        await call_service(shared_files.attach_to, user, token, row.id, success=_('Receipt attached.'))
        if after is not None:
            result = after(row)
            if inspect.isawaitable(result):
                await result

    return attach


def _load(user: User, shared: str = '') -> tuple[ExpenseChoices, dict, list[QuickPick], str | None]:
    """The form's choices and first values, the quick picks of this moment (no position yet), and the name of
    the shared file waiting to be attached (None when there is none)."""
    choices, initial = load_add_form(user, Month.of(today(user.timezone)))
    waiting = shared_files.waiting(user, shared) if shared else None
    return choices, initial, quick_picks(user), waiting.filename if waiting is not None else None


def add_buttons(user: User) -> None:
    """In the header: the desktop button (hidden on phones, where the floating button is)."""
    button = ui.button(icon='add').props('flat no-caps dense color=white')
    button.classes('max-lg:hidden').mark('add-expense-header')
    button.props['aria-label'] = _('New expense')
    with button:  # its words from 1536 pixels: below, the French navigation's labels fill the header
        ui.label(_('New expense')).classes('q-ml-sm max-2xl:hidden')
    button.on_click(lambda: open_add_dialog(user, busy=button))
    button.tooltip(_('Add an expense (key: N)'))


def add_fab(user: User) -> None:
    """The floating add button of phones and tablets, and the `n` key."""
    with ui.page_sticky(position='bottom-right', x_offset=16, y_offset=16).classes('lg:hidden z-10'):
        fab = ui.button(icon='add').props('fab color=primary').mark('add-expense-fab')
        fab.props['aria-label'] = _('New expense')
        fab.on_click(lambda: open_add_dialog(user, busy=fab))

    async def key(event: events.KeyEventArguments) -> None:
        modifiers = event.modifiers
        plain = not (modifiers.ctrl or modifiers.alt or modifiers.meta)
        if event.action.keydown and not event.action.repeat and event.key.name in ('n', 'N') and plain:
            await open_add_dialog(user)

    ui.keyboard(on_key=key, ignore=['input', 'select', 'button', 'textarea'])


def open_if_asked(user: User) -> None:
    """`?add=1` in the address: the dialog opens as the page does (then the address loses it, so a reload does
    not open it again)."""
    client = ui.context.client
    request = client.request
    if request is None or request.query_params.get(ADD_QUERY) != '1':
        return
    shared = request.query_params.get('share', '')[:64]
    refused = request.query_params.get('share_error') == '1'

    asked = (ADD_QUERY, 'share', 'share_error')
    rest = urlencode([(name, value) for name, value in request.query_params.multi_items() if name not in asked])

    async def open_now() -> None:
        replace_address(request.url.path + (f'?{rest}' if rest else ''))
        if refused:
            ui.notify(
                _('The shared file is not a photo or a PDF, or it is too large: nothing was kept.'), type='warning'
            )
        await open_add_dialog(user, shared=shared)

    ui.timer(0.05, open_now, once=True)
