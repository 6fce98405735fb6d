"""The mark beside an expense that has receipts, in the expenses table (the description cell) and in the phone
cards (a round button beside Delete, a finger's size away from the card's checkbox): a receipt icon that opens
them full size, as the expense dialog does (issue 18).

The rows already carry their receipts (`ExpenseRow.receipts`, loaded for the whole page at once); the browser
only sends back the expense's id, and the receipts shown are read again for this user, so a row kept open after
an unlink or a deletion shows nothing it should not."""

from __future__ import annotations

from html import escape

from nicegui import ui

from app.i18n import _
from app.models import User
from app.pages.components import recurring_marks
from app.pages.components.actions import call_service
from app.pages.components.receipts_box import show_receipts
from app.services import expenses

# __RECEIPT__ is the mark's label in the page's language; the file names never reach the template
MARK = (
    '<span v-if="props.row.receipts && props.row.receipts.length" class="cursor-pointer q-mr-xs text-primary" '
    'role="button" tabindex="0" aria-label="__RECEIPT__" title="__RECEIPT__" data-receipt="1" '
    '@click.stop="() => $parent.$emit(\'receipt\', props.row.id)" '
    '@keydown.enter.stop="() => $parent.$emit(\'receipt\', props.row.id)"'
    '><q-icon name="receipt_long" size="16px" /></span>'
)

# the phone card's (its template holds __MARKS__ before the Delete button)
PHONE_MARK = (
    '<q-btn v-if="props.row.receipts && props.row.receipts.length" flat dense round size="sm" icon="receipt_long" '
    'color="primary" aria-label="__RECEIPT__" data-receipt="1" '
    '@click.stop="() => $parent.$emit(\'receipt\', props.row.id)" />'
)


def with_label(template: str) -> str:
    return template.replace('__RECEIPT__', escape(_('Receipt attached: show it')))


def add_slots(table: ui.table, phone_item: str, user: User) -> None:
    """The table's description cell and phone card with the recurring and receipt marks, and what a click on
    the receipt mark does. `phone_item` holds __RECURRING__ (at the start of the card) and __MARKS__ (before
    its Delete button)."""
    recurring_marks.add_slots(table, phone_item.replace('__MARKS__', with_label(PHONE_MARK)), others=with_label(MARK))

    async def show(event) -> None:
        client = ui.context.client
        found = await call_service(expenses.get_expense, user, event.args)
        if found is not None and found.receipts and not client.is_deleted:
            with client.layout:  # not inside the table, whatever part of the page holds it
                show_receipts(found.receipts)

    table.on('receipt', show)
