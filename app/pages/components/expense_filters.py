"""The Expenses page's filters (issue 18): dates, category, payment method, tag, amounts, creator, receipt.

The values are kept under the query parameters' names (`expense_search.FILTER_FIELDS`), so the page's
address, the API and the service read the same words; the page puts them in its URL, which makes a search
bookmarkable and shareable with a linked user. Changing any of them calls `on_change`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from nicegui import ui

from app.i18n import _, ngettext
from app.models import User
from app.services import categories, formats, links, payment_methods, tags
from app.services.expense_search import FILTER_FIELDS
from app.services.money import format_money


@dataclass(frozen=True, slots=True)
class FilterChoices:
    categories: dict[int, str] = field(default_factory=dict)
    payment_methods: dict[int, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    creators: dict[int, str] = field(default_factory=dict)


def load_filter_choices(user: User) -> FilterChoices:
    """What the selects offer (run in a worker thread: services only)."""
    tree = categories.category_tree(user)
    named: dict[int, str] = {}
    for node in tree:
        named[node.id] = node.name
        for child in node.children:
            named[child.id] = f'{node.name} › {child.name}'
    return FilterChoices(
        categories=named,
        payment_methods={m.id: m.name for m in payment_methods.list_payment_methods(user)},
        tags=tags.tag_names(user),
        creators=dict(sorted(links.owner_labels(user).items(), key=lambda item: item[1].casefold())),
    )


def clean_values(values: Mapping[str, Any]) -> dict[str, str]:
    """Only the filters' own names, as stripped text; empty ones left out."""
    out = {}
    for name in FILTER_FIELDS:
        value = values.get(name)
        text = '' if value is None else str(value).strip()
        if text:
            out[name] = text[:10_000]
    return out


def summary(count: int, total_cents: int, user: User) -> str:
    """ "Across all time: 14 expenses, 191,86 €": what a search covers, said where the month was."""
    return ngettext(
        'Across all time: {count} expense, {total}',
        'Across all time: {count} expenses, {total}',
        count,
        count=formats.number(count, user.locale, digits=0),
        total=format_money(total_cents, user.currency, user.locale),
    )


class FilterPanel:
    """The filters under an expansion; `values` holds the current ones (search excluded: the page's box)."""

    def __init__(
        self,
        choices: FilterChoices,
        values: Mapping[str, str],
        on_change: Callable[[], Awaitable[None] | None],
        *,
        shared: bool,
    ) -> None:
        self.values: dict[str, str] = {k: v for k, v in clean_values(values).items() if k != 'search'}
        self._on_change = on_change
        self._elements: dict[str, Any] = {}
        self._quiet = False
        self._choices, self._shared = choices, shared
        opened = bool(self.values)
        with (
            ui.expansion(_('Filters'), icon='filter_list', value=opened)
            .classes('w-full')
            .props('dense header-class="px-1"')
            .mark('expense-filters') as self.expansion
        ):
            self._grid = ui.element('div').classes('w-full grid gap-2 grid-cols-1 sm:grid-cols-2 lg:grid-cols-4')
        # built when first opened: a closed panel adds no fields (nor their labels) to the page
        self.expansion.on_value_change(lambda e: self._build() if e.value else None)
        if opened:
            self._build()

    def _build(self) -> None:
        if self._elements:
            return
        choices = self._choices
        with self._grid:
            self._date('from', _('From'))
            self._date('to', _('To'))
            self._select('category_id', _('Category'), choices.categories)
            self._select('payment_method_id', _('Payment method'), choices.payment_methods)
            self._select('tag', _('Tag'), {name: name for name in choices.tags})
            self._amount('min', _('Minimum amount'))
            self._amount('max', _('Maximum amount'))
            if self._shared:
                self._select('created_by', _('Created by'), choices.creators)
            self._select('has_receipt', _('Receipt'), {'true': _('With a receipt'), 'false': _('Without a receipt')})

    @property
    def elements(self) -> dict[str, Any]:
        """The inputs by filter name: the page shows a refusal under the one it names."""
        return self._elements

    def _changed(self, name: str, value: Any) -> Awaitable[None] | None:
        if self._quiet:
            return None
        text = '' if value is None else str(value).strip()
        if text:
            self.values[name] = text
        else:
            self.values.pop(name, None)
        return self._on_change()

    def _date(self, name: str, label: str) -> None:
        element = (
            ui.input(label, value=self.values.get(name, ''))
            .props('outlined dense type=date stack-label clearable hide-bottom-space')
            .mark(f'filter-{name}')
        )
        element.on_value_change(lambda e, name=name: self._changed(name, e.value))
        self._elements[name] = element

    def _amount(self, name: str, label: str) -> None:
        element = (
            ui.input(label, value=self.values.get(name, ''))
            .props('outlined dense inputmode=decimal clearable debounce=400 maxlength=20 hide-bottom-space')
            .mark(f'filter-{name}')
        )
        element.on_value_change(lambda e, name=name: self._changed(name, e.value))
        self._elements[name] = element

    def _select(self, name: str, label: str, options: Mapping[Any, str]) -> None:
        current: Any = self.values.get(name)
        keyed: dict[Any, str] = dict(options)
        if current is not None and current.isdigit() and int(current) in keyed:
            current = int(current)
        elif current is not None and current not in keyed:
            keyed[current] = current  # a value from the address that the lists do not hold: shown as it is
        element = (
            ui.select(keyed, value=current, label=label, clearable=True)
            .props('outlined dense options-dense hide-bottom-space')
            .mark(f'filter-{name}')
        )
        element.on_value_change(lambda e, name=name: self._changed(name, e.value))
        self._elements[name] = element

    def clear(self) -> None:
        """Every filter off, with one change for the page instead of one per input."""
        self._quiet = True
        try:
            for element in self._elements.values():
                element.set_value(None)
        finally:
            self._quiet = False
        self.values.clear()
