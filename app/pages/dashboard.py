"""The dashboard: where the money went in a month, and the year around it.

Every figure comes from one call to `stats.dashboard` (the same service as /sysapi/dashboard-data);
this module only lays them out. Markers used by tests: `figure-total`, `figure-count`,
`figure-average`, `figure-highest` (each with `-value`, `-change`), `chart-daily`, `chart-categories`,
`category-row-<id>`, `category-back`, `chart-weekly`, `chart-payment-methods`, `top-expenses`,
`top-expense-<id>`, `chart-year`, `dashboard-empty`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from nicegui import run, ui

from app.i18n import _
from app.models import User
from app.pages.components import dashboard_cards as cards
from app.pages.components import dashboard_widgets as w
from app.pages.components.actions import call_service, show_service_error
from app.pages.components.added import after_add
from app.pages.components.addresses import replace_address
from app.pages.components.chart_colors import safe_color, shades
from app.pages.components.currency_amount import original_amount, top_amount
from app.pages.components.currency_note import currency_note
from app.pages.components.dashboard_budgets import budgets_section
from app.pages.components.dashboard_view import view_choices, view_note
from app.pages.components.month_picker import MonthPicker, month_picker
from app.pages.components.rate_missing_note import rate_missing_note
from app.pages.components.upcoming_card import upcoming_card
from app.pages.theme import theme_to_dark
from app.services import access, clock, links, rates, stats, stats_views
from app.services.errors import Invalid
from app.services.months import Month, parse_month

CHART_HEIGHT = 'height: 300px'


class Dashboard:
    """The state of one open dashboard: its month, its figures, dark mode and the donut's drill-down."""

    def __init__(self, user: User, month: Month) -> None:
        self.user = user
        self.month = month
        self.data: stats.Dashboard | None = None
        self.dark = bool(theme_to_dark(user.theme))
        self.category_id: int | None = None  # the category whose subcategories the donut shows
        self.wanted = month  # the month the last move asked for
        self.loads = 0  # reads started: only the last one's figures are shown
        self.formats = w.Formats(user.currency, user.locale, clock.today(user.timezone))
        self.scope = 'everyone'  # or 'mine': only the user's own expenses
        self.shared = False  # whether the account is linked, so the scope and view toggles are worth showing
        self.view = stats_views.DEFAULT_VIEW  # share | paid | household: how the figures count
        self.default_view = stats_views.DEFAULT_VIEW  # the one the page opens on (not repeated in the address)
        self.root = ui.column().classes('w-full gap-4')  # stays while its content is refreshed
        self.picker: MonthPicker | None = None  # built once by `header`, the month the page shows
        self.followers: list[Callable[[Month], Awaitable[None]]] = []  # sections that show the same month

    async def load(self, month: Month) -> bool:
        """Fetch the figures of `month`; False when a later move or choice made them stale (quick clicks:
        the month, the view or the scope may change while an earlier read is still running)."""
        self.wanted = month
        self.loads += 1
        ticket = self.loads
        data = await call_service(stats.dashboard, self.user, month, self.scope, view=self.view)
        if data is None or ticket != self.loads:
            return False
        self.month, self.data, self.category_id = month, data, None
        return True

    async def go(self, month: Month) -> None:
        # called from elements that the refresh below replaces: work in the stable root's context
        with self.root:
            if await self.load(month):
                view = f'&view={self.view}' if self.view != self.default_view else ''
                replace_address(f'/?month={month}{view}')
                self.content.refresh()
                for follow in self.followers:
                    await follow(month)

    @property
    def shown_month(self) -> Month:
        """The month the picker shows: the one the last move asked for, even while its figures load."""
        return self.picker.month if self.picker else self.wanted

    async def show_month(self, month: Month) -> None:
        """Move to `month` through the picker, so that its label follows (the year chart's bars)."""
        if self.picker:
            await self.picker.set_month(month)
        else:
            await self.go(month)

    async def set_scope(self, scope: str) -> None:
        self.scope = scope if scope in access.SCOPES else 'everyone'
        await self.go(self.shown_month)

    async def set_view(self, view: str) -> None:
        self.view = view if view in stats_views.VIEWS else self.default_view
        await self.go(self.shown_month)

    def set_dark(self, dark: bool) -> None:
        if bool(dark) != self.dark:
            self.dark = bool(dark)
            self.content.refresh()

    def drill(self, category_id: int | None) -> None:
        self.category_id = category_id
        self.categories.refresh()

    @property
    def figures(self) -> stats.Dashboard:
        """The month's figures: the charts below are drawn only once `load` has brought them."""
        if self.data is None:
            raise RuntimeError('the dashboard draws its charts only after loading its figures')
        return self.data

    # --- layout ------------------------------------------------------------------------------------

    def header(self) -> None:
        """The month picker and the view toggles, built once and kept while the figures below are redrawn:
        a click on a control that a refresh had just replaced was lost (quick clicks, seen in CI)."""
        with ui.row().classes('w-full items-center justify-between gap-2'):
            self.picker = month_picker(self.month, self.go, locale=self.user.locale)
            if self.shared:
                view_choices(self.view, self.scope, self.set_view, self.set_scope)

    @ui.refreshable_method
    def content(self) -> None:
        data = self.data
        if data is None:
            return
        if self.shared:
            view_note(data.view)
        if data.stats.count == 0:
            self.empty_state()
        else:
            self.key_figures(data.stats)
            with ui.element('div').classes('grid grid-cols-1 lg:grid-cols-2 gap-4 w-full'):
                self.daily_chart()
                self.categories()
                self.weekly_chart()
                self.payment_chart()
            self.top_list()
        if data.year_overview.total_cents > 0:
            self.year_chart()

    def empty_state(self) -> None:
        with ui.card().classes('w-full items-center text-center py-10 gap-2').mark('dashboard-empty'):
            ui.icon('savings', size='3rem').classes('text-primary opacity-80')
            month = self.formats.month_year(self.month.year, self.month.month)
            ui.label(_('Nothing spent in {month}', month=month)).classes('text-lg font-semibold')
            ui.label(_('Expenses you add for this month will show up here as figures and charts.')).classes(
                'opacity-70'
            )
            ui.button(_('Add an expense'), icon='add', on_click=lambda: ui.navigate.to('/expenses')).props(
                'unelevated no-caps'
            ).mark('dashboard-add-expense')

    def key_figures(self, figures: stats.Summary) -> None:
        previous = self.formats.month_name(self.month.previous().month)
        money = self.formats.money
        highest = figures.highest
        caption = ''
        if highest:
            what = highest.description or w.shown(highest.subcategory or highest.category)
            caption = f'{what} · {self.formats.short_date(highest.date)}'
            original = original_amount(highest, self.formats)  # the original beside a converted one (issue 20)
            caption += f' · {original}' if original else ''
        with ui.element('div').classes('grid grid-cols-2 lg:grid-cols-4 gap-3 w-full'):
            change = figures.change
            cards.figure_card(
                _('Total spent'),
                money(figures.total_cents),
                change.total,
                previous,
                self.formats,
                marker='figure-total',
            )
            cards.figure_card(
                _('Expenses'),
                self.formats.count(figures.count),
                change.count,
                previous,
                self.formats,
                marker='figure-count',
                spending=False,
            )
            cards.figure_card(
                _('Average per expense'),
                money(figures.average_cents),
                change.average,
                previous,
                self.formats,
                marker='figure-average',
            )
            cards.figure_card(
                _('Highest expense'),
                money(highest.amount_cents if highest else 0),
                change.highest,
                previous,
                self.formats,
                marker='figure-highest',
                caption=caption,
            )

    def daily_chart(self) -> None:
        with cards.chart_card(_('Day by day'), marker='card-daily'):
            options = w.daily_options(self.figures.daily_evolution, self.formats, self.dark)
            ui.echart(options).style(CHART_HEIGHT).classes('w-full').mark('chart-daily')

    @ui.refreshable_method
    def categories(self) -> None:
        categories = self.figures.category_distribution
        chosen = next((c for c in categories if c.category_id == self.category_id), None)
        slices: tuple[stats.CategoryShare | stats.SubcategoryShare, ...] = categories
        if chosen:  # subcategories in shades of their category's colour, each slice apart
            colors = shades(chosen.color, len(chosen.subcategories))
            slices = tuple(replace(part, color=color) for part, color in zip(chosen.subcategories, colors))
        total_cents = chosen.total_cents if chosen else self.figures.stats.total_cents

        def back() -> None:
            ui.button(_('All categories'), icon='arrow_back', on_click=lambda: self.drill(None)).props(
                'flat dense no-caps'
            ).mark('category-back')

        title = _('{category} by subcategory', category=w.shown(chosen.name)) if chosen else _('By category')
        with cards.chart_card(title, marker='card-categories', extra=back if chosen else None):

            def clicked(event) -> None:
                if chosen is None and 0 <= event.data_index < len(categories):
                    self.drill(categories[event.data_index].category_id)

            caption = w.shown(chosen.name) if chosen else _('this month')
            options = w.donut_options(slices, self.formats.money(total_cents), caption, self.formats, self.dark)
            with ui.row().classes('w-full items-center no-wrap max-sm:flex-wrap gap-2'):
                ui.echart(options, on_point_click=clicked).style('height: 240px').classes(
                    'w-full sm:w-1/2 min-w-0'
                ).mark('chart-categories')
                with ui.column().classes('w-full sm:w-1/2 gap-0 min-w-0'):
                    for part in slices:
                        self.category_row(part)

    def category_row(self, part: stats.CategoryShare | stats.SubcategoryShare) -> None:
        """A line of the list beside the donut: a category opens its subcategories; a subcategory is the end."""
        row = ui.row().classes('w-full items-center no-wrap gap-2 py-1 px-1 rounded')
        if isinstance(part, stats.CategoryShare):
            key = part.category_id
            row.classes('cursor-pointer hover:bg-gray-500/10').on('click', lambda key=key: self.drill(key))
            row.mark(f'category-row-{key}')
        else:
            row.mark(f'subcategory-row-{part.subcategory_id if part.subcategory_id is not None else "none"}')
        with row:
            ui.element('span').classes('inline-block w-3 h-3 rounded-full shrink-0').style(
                f'background: {safe_color(part.color)}'
            )
            ui.label(w.shown(part.name)).classes('truncate grow text-sm')
            ui.label(self.formats.percent(part.percent, fixed=True)).classes('text-xs opacity-60 shrink-0')
            ui.label(self.formats.money(part.total_cents)).classes('text-sm font-medium shrink-0 text-right')
            if isinstance(part, stats.CategoryShare) and part.subcategories:
                ui.icon('chevron_right', size='1rem').classes('opacity-50 shrink-0')

    def weekly_chart(self) -> None:
        with cards.chart_card(_('Week by week'), marker='card-weekly'):
            options = w.weekly_options(self.figures.weekly_comparison, self.formats, self.dark)
            ui.echart(options).style(CHART_HEIGHT).classes('w-full').mark('chart-weekly')

    def payment_chart(self) -> None:
        methods = self.figures.payment_method_stats
        with cards.chart_card(_('By payment method'), marker='card-payment-methods'):
            height = max(300, 48 * len(methods) + 24)  # as tall as the weekly chart beside it, or taller
            options = w.payment_options(methods, self.formats, self.dark)
            ui.echart(options).style(f'height: {height}px').classes('w-full').mark('chart-payment-methods')

    def top_list(self) -> None:
        with cards.chart_card(_('Top 5 expenses'), marker='top-expenses'), ui.column().classes('w-full gap-0'):
            for rank, expense in enumerate(self.figures.top_expenses, start=1):
                what = expense.description or w.shown(expense.subcategory or expense.category)
                category = ' › '.join(w.shown(name) for name in (expense.category, expense.subcategory) if name)
                details = f'{self.formats.short_date(expense.date)} · {category} · {w.shown(expense.payment_method)}'
                if expense.owner:
                    details += f' · {expense.owner}'
                with (
                    ui.row()
                    .classes('w-full items-center no-wrap gap-3 py-2 border-b border-gray-500/20')
                    .mark(f'top-expense-{expense.id}')
                ):
                    ui.label(str(rank)).classes(
                        'w-6 h-6 rounded-full bg-primary text-white text-xs grid place-items-center shrink-0'
                    )
                    with ui.column().classes('gap-0 grow min-w-0'):
                        ui.label(what).classes('font-medium truncate w-full')
                        ui.label(details).classes('text-xs opacity-70 truncate w-full')
                    ui.label(top_amount(expense, self.formats)).classes('font-semibold shrink-0')

    def year_chart(self) -> None:
        year = self.figures.year_overview

        async def open_month(event) -> None:
            await self.show_month(Month(year.year, event.data_index + 1))

        with cards.chart_card(_('{year} month by month', year=year.year), marker='card-year'):
            options = w.year_options(year, self.formats, self.dark)
            chart = ui.echart(options, on_point_click=open_month).style('height: 320px').classes('w-full')
            chart.mark('chart-year')
            w.year_legend(
                year.categories,
                lambda name: chart.run_chart_method('dispatchAction', {'type': 'legendToggleSelect', 'name': name}),
            )


async def dashboard_page(user: User, month: str = '', view: str = '') -> None:
    today = clock.today(user.timezone)
    try:
        chosen = parse_month(month, default=today)
    except Invalid as exc:
        show_service_error(exc)
        chosen = parse_month('', default=today)
    default_view = await run.io_bound(stats_views.default_view, user) or stats_views.DEFAULT_VIEW
    try:
        chosen_view = stats_views.check_view(view) if view else default_view
    except Invalid as exc:
        show_service_error(exc)
        chosen_view = default_view
    currency_note(await run.io_bound(links.currency_differences, user) or [], banner=True)
    rate_missing_note(await run.io_bound(rates.waiting_count, user) or 0)  # issue 20
    show_budgets = budgets_section(user, chosen)
    dashboard = Dashboard(user, chosen)
    dashboard.followers.append(show_budgets)
    dashboard.shared = bool(await run.io_bound(access.linked_user_ids, user))
    dashboard.view, dashboard.default_view = chosen_view, default_view
    await dashboard.load(chosen)
    with dashboard.root:
        dashboard.header()
        dashboard.content()
    await upcoming_card(user)
    after_add(lambda _row: dashboard.go(dashboard.shown_month))  # an expense added with the frame's button counts

    client = ui.context.client
    ui.on('wis_dark', lambda e: dashboard.set_dark(bool(e.args)))
    client.on_connect(lambda: client.run_javascript(w.DARK_WATCH_JS))
