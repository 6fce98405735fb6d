"""A month picker: previous / month label / next, and on the label a menu of years and months.

The picker owns the month its page shows. `MonthPicker.month` is the one source of truth: the label, the
menu and the page's `on_change` (which moves the table and the address) all follow `set_month`, so a page
that moves to another month by itself (an expense dated elsewhere) calls `set_month` too, and the label,
the address and the table cannot disagree. (Before, the page kept its own copy: the label stayed behind
and › then counted from the stale month.)
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from nicegui import ui
from nicegui.events import ValueChangeEventArguments

from app.i18n import _
from app.services import formats
from app.services.months import MAX_YEAR, MIN_YEAR, Month

MonthChanged = Callable[[Month], Awaitable[None] | None]


def month_label(month: Month, locale: str = formats.FALLBACK) -> str:
    """'December 2026', 'Décembre 2026': a title, so it starts with a capital in every language."""
    text = formats.month_year(month, locale)
    return text[:1].upper() + text[1:]


class MonthPicker:
    """Markers: `month-picker`, `month-previous`, `month-next`, `month-label` (opens the menu), and in the
    menu `month-menu-year`, `month-menu-previous-year`, `month-menu-next-year`, `month-menu-1`..`-12`,
    `month-menu-today`."""

    def __init__(
        self, month: Month, on_change: MonthChanged, *, today: Month | None = None, locale: str = formats.FALLBACK
    ) -> None:
        self._month = month
        self._locale = locale
        self._on_change = on_change
        self._today = today
        self._year = month.year  # the year the menu shows; the month changes only when one is chosen
        with ui.row().classes('items-center gap-1 no-wrap').mark('month-picker'):
            previous = ui.button(icon='chevron_left', on_click=lambda: self._step(-1)).props('flat round dense')
            previous.props['aria-label'] = _('Previous month')
            previous.mark('month-previous')
            with (
                ui.button()
                .props('flat no-caps icon-right=arrow_drop_down')
                .classes('min-w-[10.5rem]')
                .mark('month-label-button') as self.label_button
            ):
                self.label = ui.label().classes('text-base font-medium').mark('month-label')
                with ui.menu().on_value_change(self._menu_toggled) as self.menu, ui.column().classes('p-2 gap-1 w-64'):
                    self._menu()
            following = ui.button(icon='chevron_right', on_click=lambda: self._step(1)).props('flat round dense')
            following.props['aria-label'] = _('Next month')
            following.mark('month-next')
        self._show_label()

    @property
    def month(self) -> Month:
        return self._month

    async def set_month(self, month: Month, *, notify: bool = True) -> None:
        """Show `month` everywhere the picker does, then let the page follow (`notify`)."""
        if not MIN_YEAR <= month.year <= MAX_YEAR:
            return
        self._month = month
        self._year = month.year
        self._show_label()
        self._menu.refresh()
        if notify:
            result = self._on_change(month)
            if inspect.isawaitable(result):
                await result

    def _show_label(self) -> None:
        text = month_label(self._month, self._locale)
        self.label.set_text(text)
        self.label_button.props['aria-label'] = _('{month}: choose another month or year', month=text)

    async def _step(self, months: int) -> None:
        # The target is counted here, when the move runs, not when the click is received: two quick clicks
        # queue two moves, and the second must count from the month the first one reached.
        await self.set_month(self._month.next() if months > 0 else self._month.previous())

    # --- the menu ------------------------------------------------------------------------------------

    @ui.refreshable_method
    def _menu(self) -> None:
        with ui.row().classes('w-full items-center no-wrap'):
            earlier = ui.button(icon='chevron_left', on_click=lambda: self._show_year(self._year - 1))
            earlier.props('flat round dense').props['aria-label'] = _('Previous year, {year}', year=self._year - 1)
            earlier.mark('month-menu-previous-year').set_enabled(self._year > MIN_YEAR)
            ui.label(str(self._year)).classes('grow text-center text-base font-semibold').mark('month-menu-year')
            later = ui.button(icon='chevron_right', on_click=lambda: self._show_year(self._year + 1))
            later.props('flat round dense').props['aria-label'] = _('Next year, {year}', year=self._year + 1)
            later.mark('month-menu-next-year').set_enabled(self._year < MAX_YEAR)
        with ui.element('div').classes('grid grid-cols-3 gap-1 w-full'):
            for number in range(1, 13):
                target = Month(self._year, number)
                chosen = target == self._month
                button = ui.button(
                    formats.month_abbr(number, self._locale),
                    color='primary' if chosen else None,
                    on_click=lambda t=target: self._choose(t),
                ).props('no-caps dense')
                button.props['aria-label'] = month_label(target, self._locale)
                button.props('unelevated aria-current=date' if chosen else 'flat').mark(f'month-menu-{number}')
                if target == self._today:
                    button.classes('font-bold underline')
        if self._today is not None:
            ui.button(_('This month'), icon='today', color=None, on_click=lambda: self._choose(self._today)).props(
                'flat dense no-caps'
            ).classes('w-full').mark('month-menu-today')

    def _show_year(self, year: int) -> None:
        self._year = min(max(year, MIN_YEAR), MAX_YEAR)
        self._menu.refresh()

    def _menu_toggled(self, event: ValueChangeEventArguments) -> None:
        # Reset when the menu closes, not when it opens: the browser reports 'show' only once the opening
        # transition ends, so a quick click on "previous year" was undone by the late 'show' (seen in CI).
        if not event.value and self._year != self._month.year:  # browsed other years without choosing
            self._year = self._month.year
            self._menu.refresh()

    async def _choose(self, month: Month) -> None:
        self.menu.close()
        if month != self._month:
            await self.set_month(month)


def month_picker(
    month: Month, on_change: MonthChanged, *, today: Month | None = None, locale: str = formats.FALLBACK
) -> MonthPicker:
    """Render the picker for `month`; `on_change(new_month)` runs after every move (sync or async).
    `today` adds a "This month" entry to the menu and marks that month in it."""
    return MonthPicker(month, on_change, today=today, locale=locale)
