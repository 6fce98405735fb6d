"""The small mark beside an expense that a recurring rule created: an icon linking to its rule, in the
expenses table (a cell slot) and in the phone cards. Only the rule's id travels to the browser."""

from __future__ import annotations

from html import escape
from typing import Any

from nicegui import run, ui

from app.i18n import _
from app.models import User
from app.pages.components import addresses
from app.services import recurring

# the description cell, with the link before the text; __RULE__ is the link's label in the page's language
DESCRIPTION_SLOT = r"""
<q-td :props="props">
  <a v-if="props.row.rule_id" :href="'__BASE__/expenses/recurring?rule=' + props.row.rule_id" @click.stop
     class="q-mr-xs text-primary" aria-label="__RULE__" title="__RULE__" data-recurring="1"
     ><q-icon name="event_repeat" size="16px" /></a>__MARKS__{{ props.value }}
</q-td>
"""
# the same link, for the phone card (inserted before its category)
PHONE_MARK = (
    '<a v-if="props.row.rule_id" :href="\'__BASE__/expenses/recurring?rule=\' + props.row.rule_id" @click.stop '
    'class="q-mr-xs text-primary" aria-label="__RULE__" data-recurring="1"><q-icon name="event_repeat" '
    'size="16px" /></a>'
)


def with_label(template: str) -> str:
    """The link's label in the page's language, and its address under the app's sub-path (a raw <a> in a slot:
    NiceGUI does not prefix it; the prefix has a plain shape, app/web/prefix.py)."""
    template = template.replace('__BASE__', addresses.base())
    return template.replace('__RULE__', escape(_('Recorded by a recurring expense: open it')))


def add_slots(table: ui.table, phone_item: str, *, others: str = '') -> None:
    """The phone card (its template holds __RECURRING__ where the mark goes) and the description cell;
    `others`: more marks after this one in the description cell (a receipt's: receipt_marks)."""
    table.add_slot('item', phone_item.replace('__RECURRING__', with_label(PHONE_MARK)))
    table.add_slot('body-cell-description', with_label(DESCRIPTION_SLOT).replace('__MARKS__', others))


async def marked(user: User, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The table's rows, each with the id of the rule that recorded it (`rule_id`, None for most)."""
    rules = await run.io_bound(recurring.occurrence_rules, user, [row['id'] for row in rows]) or {}
    return [{**row, 'rule_id': rules.get(row['id'])} for row in rows]


def page_button() -> None:
    """On the expenses page, beside Import: the way to Expenses › Recurring (on a phone, the menu has it)."""
    ui.button(_('Recurring'), icon='event_repeat', on_click=lambda: ui.navigate.to('/expenses/recurring')).props(
        'outline no-caps'
    ).classes('max-sm:hidden').mark('open-recurring')
