"""The Expenses page's search (issue 18): the box, the filters, and what the page says about the results.

Without a search or a filter the page is the month view, as before. With one, the list covers every month:
the month picker gives way to "Across all time: 14 expenses, 191,86 €" and a button back to the month, an
empty result says "Nothing matches" (not "No expenses this month"), the exports offer the results, and the
address carries the filters (`/expenses?search=netflix&tag=abo`), so that a search can be bookmarked or
sent to a linked user.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import urlencode

from nicegui import ui

from app.i18n import _
from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.addresses import replace_address
from app.pages.components.expense_filters import (
    FilterChoices,
    FilterPanel,
    clean_values,
    load_filter_choices,
    summary,
)
from app.services import expense_search
from app.services.expense_search import ExpenseFilters
from app.services.expenses_types import ExpensePage
from app.services.months import Month
from app.services.search_terms import MAX_SEARCH


def list_page(
    user: User,
    values: Mapping[str, str],
    month: Month,
    scope: str,
    sort: str,
    offset: int,
    limit: int,
) -> ExpensePage:
    """One page of the month, or of the search when `values` holds any filter (run in a worker thread)."""
    filters = expense_search.parse_filters(user, values, month=None if values else month, scope=scope)
    return expense_search.list_expenses(user, filters.month, filters=filters, sort=sort, offset=offset, limit=limit)


def export_filters(user: User, values: Mapping[str, str], scope: str) -> ExpenseFilters:
    return expense_search.parse_filters(user, values, scope=scope)


class SearchControls:
    """The search box (built where the page calls it), the filter panel (`panel()`), the summary in the
    picker's row (`summary_row()`), and `fetch` / `show` for the page's refresh."""

    def __init__(self, user: User, query: Mapping[str, str], on_change: Callable[[], Awaitable[None]]) -> None:
        self.user = user
        self.values = clean_values(query)
        self._on_change = on_change
        self._panel: FilterPanel | None = None
        self._was_narrowed = False

    def box(self) -> None:
        """The search box, where the page calls it."""
        self.search_input = (
            ui.input(_('Search all expenses'), value=self.values.get('search', ''))
            .props(f'outlined dense clearable debounce=400 maxlength={MAX_SEARCH} hide-bottom-space')
            .classes('w-full sm:w-80')
            .mark('expense-search')
        )
        self.search_input.tooltip(_('Words, amounts (>50, 10..20, 12,50) or dates (2025, 2025-03, since:2025-01-01)'))
        with self.search_input.add_slot('prepend'):
            ui.icon('search')
        self.search_input.on_value_change(lambda e: self._changed('search', e.value))

    @property
    def narrowed(self) -> bool:
        return bool(self.values)

    async def _changed(self, name: str, value: object) -> None:
        text = str(value or '').strip()
        if text:
            self.values[name] = text
        else:
            self.values.pop(name, None)
        await self._on_change()

    async def _panel_changed(self) -> None:
        search = self.values.get('search')
        self.values = {**(self._panel.values if self._panel else {}), **({'search': search} if search else {})}
        await self._on_change()

    def summary_row(self) -> None:
        """Where the month picker stands: the results' scope and count, and the way back to the month."""
        with ui.row().classes('items-center gap-2').mark('search-summary') as self.summary:
            self.summary_label = ui.label().classes('text-lg font-semibold').mark('search-summary-text')
            ui.button(_('Back to the month'), icon='event', on_click=self.back).props('flat dense no-caps').mark(
                'search-back'
            )
        self.summary.set_visibility(False)

    async def panel(self, shared: bool) -> None:
        """The filters, with the household's categories, payment methods, tags and members to choose from."""
        choices = await call_service(load_filter_choices, self.user) or FilterChoices()
        self._panel = FilterPanel(choices, self.values, self._panel_changed, shared=shared)

    async def choices(self) -> FilterChoices | None:
        return await call_service(load_filter_choices, self.user)

    async def back(self) -> None:
        self.values = {}
        if self._panel is not None:
            self._panel.clear()
        self.search_input.set_value('')  # its change event refreshes the page
        await self._on_change()

    @property
    def fields(self) -> dict[str, object]:
        """Where a refusal is shown: under the box or the filter it names."""
        return {'search': self.search_input, **(self._panel.elements if self._panel else {})}

    async def fetch(self, month: Month, scope: str, sort: str, offset: int, limit: int) -> ExpensePage | None:
        return await call_service(
            list_page, self.user, dict(self.values), month, scope, sort, offset, limit, fields=self.fields
        )

    def show(self, result: ExpensePage, picker: ui.element, empty: ui.label, month: Month) -> None:
        """Say what the table holds: the month, or the search across all time; the address follows."""
        narrowed = self.narrowed
        picker.set_visibility(not narrowed)
        self.summary.set_visibility(narrowed)
        if narrowed:
            self.summary_label.set_text(summary(result.count, result.total_cents, self.user))
            empty.set_text(_('Nothing matches this search. Change or clear it to see more.'))
        else:
            empty.set_text(_('No expenses this month. Add one with the button above.'))
        if narrowed or self._was_narrowed:
            replace_address(self.address(month))
        self._was_narrowed = narrowed

    def address(self, month: Month) -> str:
        return '/expenses?' + urlencode(self.values) if self.narrowed else f'/expenses?month={month}'
