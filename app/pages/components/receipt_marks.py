"""The mark beside an expense that has receipts, in the expenses table (the description cell) and in the phone
cards (a round button beside Delete, a finger's size away from the card's checkbox): a receipt icon (with their
count when there are several) that opens them full size, as the expense dialog does (issue 18).

The rows already carry their receipts (`ExpenseRow.receipts`, loaded for the whole page at once); the browser
only sends back the expense's id, and the receipts shown are read again for this user, so a row kept open after
an unlink or a deletion shows nothing it should not."""

from __future__ import annotations

from nicegui import ui

from app.i18n import ngettext
from app.models import User
from app.pages.components import recurring_marks
from app.pages.components.actions import call_service
from app.pages.components.receipts_box import show_receipts
from app.services import expenses

# The mark's label is the row's own (`receipt_label`: "3 receipts attached: show them", in the page's language,
# computed here from the count), bound as data; the count is shown beside the icon when there are several.
MARK = (
    '<span v-if="props.row.receipts && props.row.receipts.length" class="cursor-pointer q-mr-xs text-primary '
    'text-no-wrap" role="button" tabindex="0" :aria-label="props.row.receipt_label" '
    ':title="props.row.receipt_label" data-receipt="1" '
    '@click.stop="() => $parent.$emit(\'receipt\', props.row.id)" '
    '@keydown.enter.stop="() => $parent.$emit(\'receipt\', props.row.id)"'
    '><q-icon name="receipt_long" size="16px" /><span v-if="props.row.receipts.length > 1" aria-hidden="true" '
    'class="text-caption text-weight-bold" data-receipt-count="1">{{ props.row.receipts.length }}</span></span>'
)

# the phone card's (its template holds __MARKS__ before the Delete button): the count as a badge on the button
PHONE_MARK = (
    '<q-btn v-if="props.row.receipts && props.row.receipts.length" flat dense round size="sm" icon="receipt_long" '
    'color="primary" :aria-label="props.row.receipt_label" data-receipt="1" '
    '@click.stop="() => $parent.$emit(\'receipt\', props.row.id)"><q-badge v-if="props.row.receipts.length > 1" '
    'floating rounded color="primary" aria-hidden="true" data-receipt-count="1" '
    ':label="props.row.receipts.length" /></q-btn>'
)


def label(count: int) -> str:
    """The mark's label for an expense with `count` receipts (empty without any: no mark is shown)."""
    if not count:
        return ''
    return ngettext('{n} receipt attached: show it', '{n} receipts attached: show them', count)


def add_slots(table: ui.table, phone_item: str, user: User) -> None:
    """The table's description cell and phone card with the recurring and receipt marks, and what a click on
    the receipt mark does. `phone_item` holds __RECURRING__ (at the start of the card) and __MARKS__ (before
    its Delete button)."""
    recurring_marks.add_slots(table, phone_item.replace('__MARKS__', PHONE_MARK), others=MARK)

    async def show(event) -> None:
        client = ui.context.client
        found = await call_service(expenses.get_expense, user, event.args)
        if found is not None and found.receipts and not client.is_deleted:
            with client.layout:  # not inside the table, whatever part of the page holds it
                show_receipts(found.receipts)

    table.on('receipt', show)
