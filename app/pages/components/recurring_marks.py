"""The small mark beside an expense that a recurring rule created: an icon linking to its rule, in the
expenses table (a cell slot) and in the phone cards. Only the rule's id travels to the browser."""

from __future__ import annotations

from html import escape

from app.i18n import _

# the description cell, with the link before the text; __RULE__ is the link's label in the page's language
DESCRIPTION_SLOT = r"""
<q-td :props="props">
  <a v-if="props.row.rule_id" :href="'/expenses/recurring?rule=' + props.row.rule_id" @click.stop
     class="q-mr-xs text-primary" aria-label="__RULE__" title="__RULE__" data-recurring="1"
     ><q-icon name="event_repeat" size="16px" /></a>{{ props.value }}
</q-td>
"""
# the same link, for the phone card (inserted before its category)
PHONE_MARK = (
    '<a v-if="props.row.rule_id" :href="\'/expenses/recurring?rule=\' + props.row.rule_id" @click.stop '
    'class="q-mr-xs text-primary" aria-label="__RULE__" data-recurring="1"><q-icon name="event_repeat" '
    'size="16px" /></a>'
)


def with_label(template: str) -> str:
    return template.replace('__RULE__', escape(_('Recorded by a recurring expense: open it')))
