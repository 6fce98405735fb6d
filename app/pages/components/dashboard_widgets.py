"""The dashboard's charts: the ECharts options of each, and the year chart's legend (cards: dashboard_cards).

The option builders are plain functions of the figures that `app.services.stats` computed, the user's
currency and locale (through `app.services.formats`, Babel), and light or dark mode; they never query
anything. Every amount and date a person reads (tooltips, bar labels, axis labels of days and months, the
centre of the donut) is text formatted in Python; value axes show compact numbers through the browser's
Intl in the user's locale.

Tooltips are HTML: each is built here from escaped text and carried in the data item as `tip` (and
`head`), so a category named `<img onerror=...>` stays text; the JavaScript formatters only join them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape
from typing import Any

from nicegui import ui

from app.i18n import _, ngettext
from app.pages.components.chart_colors import safe_color
from app.services import formats as fmt
from app.services.stats import (
    STAND_INS,
    CategoryShare,
    Day,
    PaymentShare,
    SubcategoryShare,
    Week,
    YearCategory,
    YearOverview,
)

# The canvas needs a real font list ('inherit' would make it fall back to 10px sans-serif): Quasar's Roboto.
FONT = 'Roboto, -apple-system, "Helvetica Neue", Helvetica, Arial, sans-serif'
PAYMENT_COLOR = '#8b5cf6'

# Installs, once per page, an observer that tells the server when Quasar switches dark mode
# (the header toggle, or the system theme when the user's preference is "auto").
DARK_WATCH_JS = """
(() => {
  const report = () => emitEvent('wis_dark', document.body.classList.contains('body--dark'));
  if (!window.__wisDarkWatch) {
    window.__wisDarkWatch = new MutationObserver(report);
    window.__wisDarkWatch.observe(document.body, {attributes: true, attributeFilter: ['class']});
  }
  report();
})();
"""


@dataclass(frozen=True)
class Palette:
    text: str
    muted: str
    axis: str
    grid: str
    tooltip: str
    border: str
    per_day: str  # the bars, and the per-day axis named after them
    running: str  # the running total's area, and its own axis

    @classmethod
    def of(cls, dark: bool) -> Palette:
        return cls(**{role: dark_colour if dark else light for role, (light, dark_colour) in _PALETTE.items()})


# Each role's colour in light and in dark mode, side by side.
_PALETTE: dict[str, tuple[str, str]] = {
    'text': ('#1e293b', '#e2e8f0'),
    'muted': ('#64748b', '#94a3b8'),
    'axis': ('#cbd5e1', '#475569'),
    'grid': ('#e2e8f0', '#334155'),
    'tooltip': ('#ffffff', '#1e293b'),
    'border': ('#e2e8f0', '#334155'),
    'per_day': ('#4f46e5', '#818cf8'),
    'running': ('#047857', '#34d399'),
}


@dataclass(frozen=True)
class Formats:
    """The user's currency and locale, and today (which decides when a date needs its year)."""

    currency: str
    locale: str
    today: date = field(default_factory=date.today)

    def money(self, cents: int) -> str:
        return fmt.money(int(cents), self.currency, self.locale)

    def count(self, value: int) -> str:
        """A whole number with the locale's grouping: 1,234 / 1 234."""
        return fmt.number(int(value), self.locale, digits=0)

    def percent(self, value: float, *, fixed: bool = False) -> str:
        return fmt.percent(value, self.locale, fixed=fixed)

    def short_date(self, day: date | str) -> str:
        return fmt.short_date(day, self.locale, today=self.today)

    def long_date(self, day: date | str) -> str:
        return fmt.long_date(day, self.locale, today=self.today)

    def date_range(self, start: date | str, end: date | str) -> str:
        return fmt.date_range(start, end, self.locale, today=self.today)

    def day_of_month(self, day: date | str) -> str:
        """An axis tick of a month's chart: the month and day, never the year (the title has it)."""
        return fmt.short_date(day, self.locale, today=fmt.as_date(day))

    def month_year(self, year: int, month: int) -> str:
        return fmt.month_year(date(year, month, 1), self.locale)

    def month_name(self, month: int) -> str:
        return fmt.month_name(month, self.locale)

    def month_abbr(self, month: int) -> str:
        return fmt.month_abbr(month, self.locale)

    def axis_formatter(self) -> str:
        """Compact axis numbers in the user's locale (1.2K, 1,2 k); no user text reaches this code."""
        locale = json.dumps(self.locale)
        return f'v => new Intl.NumberFormat({locale}, {{notation: "compact", maximumFractionDigits: 1}}).format(v)'


def shown(name: str | None) -> str:
    """A name as the dashboard shows it: the user's own as it is; the stand-ins for a missing one
    ('Without subcategory', 'Deleted category', ...) in the page's language."""
    return _(name) if name in STAND_INS else (name or '')


def marker(color: str) -> str:
    """The coloured dot of a tooltip line (ECharts' own `p.marker`, with a colour we checked)."""
    return (
        '<span style="display:inline-block;margin-right:6px;border-radius:50%;width:10px;height:10px;'
        f'background-color:{safe_color(color)}"></span>'
    )


def tip(color: str, name: str, amount: str, note: str = '') -> str:
    """One tooltip line: dot, name, amount in bold, an optional second line; every text escaped."""
    line = f'{marker(color)}{escape(name)}: <b>{escape(amount)}</b>'
    return f'{line}<br>{escape(note)}' if note else line


def _base(palette: Palette) -> dict[str, Any]:
    return {
        'backgroundColor': 'transparent',
        'textStyle': {'color': palette.text, 'fontFamily': FONT},
        'animationDuration': 300,
        'tooltip': {
            'backgroundColor': palette.tooltip,
            'borderColor': palette.border,
            'textStyle': {'color': palette.text},
            'confine': True,
        },
    }


def _value_axis(palette: Palette, formats: Formats, **extra: Any) -> dict[str, Any]:
    return {
        'type': 'value',
        'axisLabel': {'color': palette.muted, ':formatter': formats.axis_formatter()},
        'splitLine': {'lineStyle': {'color': palette.grid}},
        **extra,
    }


def _category_axis(palette: Palette, labels: list[str], **extra: Any) -> dict[str, Any]:
    return {
        'type': 'category',
        'data': labels,
        'axisLine': {'lineStyle': {'color': palette.axis}},
        'axisTick': {'show': False},
        'axisLabel': {'color': palette.muted},
        **extra,
    }


def expenses_text(count: int) -> str:
    return ngettext('{n} expense', '{n} expenses', count)


# Tooltip of an axis-triggered chart: the head of the point (its date or month), then each series' line.
AXIS_TOOLTIP = (
    'ps => { const shown = ps.filter(p => p.data && p.data.tip); '
    'return shown.length ? [shown[0].data.head].concat(shown.map(p => p.data.tip)).join("<br>") : ""; }'
)
ITEM_TOOLTIP = 'p => p.data && p.data.tip ? p.data.tip : ""'


def _item_chart(dark: bool) -> tuple[Palette, dict[str, Any]]:
    """The palette and base options of a chart whose tooltip is the hovered item's own `tip`."""
    palette = Palette.of(dark)
    options = _base(palette)
    options['tooltip'].update({'trigger': 'item', ':formatter': ITEM_TOOLTIP})
    return palette, options


def _counted_bar(color: str, name: str, share: Week | PaymentShare, formats: Formats) -> dict[str, Any]:
    """A bar labelled with its amount, whose tooltip also says how many expenses it holds."""
    amount = formats.money(share.total_cents)
    return {'value': share.total, 'text': amount, 'tip': tip(color, name, amount, expenses_text(share.count))}


def daily_options(days: Sequence[Day], formats: Formats, dark: bool) -> dict[str, Any]:
    """Each day's total as a bar on the left axis, and the running total as an area on its own right
    axis; each axis is named and coloured like its series, so neither is read against the other's scale."""
    palette = Palette.of(dark)
    per_day_name, running_name = _('Per day'), _('Running total')
    per_day, running = [], []
    for d in days:
        head = escape(formats.long_date(d.date))
        per_day.append(
            {'value': d.total, 'head': head, 'tip': tip(palette.per_day, per_day_name, formats.money(d.total_cents))}
        )
        running.append(
            {
                'value': d.cumulative,
                'head': head,
                'tip': tip(palette.running, running_name, formats.money(d.cumulative_cents)),
            }
        )
    options = _base(palette)
    options['tooltip'].update({'trigger': 'axis', ':formatter': AXIS_TOOLTIP})

    def axis(name: str, color: str, position: str, **extra: Any) -> dict[str, Any]:
        return _value_axis(
            palette,
            formats,
            name=name,
            position=position,
            nameTextStyle={'color': color, 'fontWeight': 600, 'align': position},
            axisLabel={'color': color, ':formatter': formats.axis_formatter()},
            axisLine={'show': True, 'lineStyle': {'color': color}},
            **extra,
        )

    options.update(
        {
            'legend': {'bottom': 0, 'textStyle': {'color': palette.text}, 'data': [per_day_name, running_name]},
            'grid': {'left': 8, 'right': 8, 'top': 32, 'bottom': 32, 'containLabel': True},
            'xAxis': _category_axis(palette, [formats.day_of_month(d.date) for d in days]),
            'yAxis': [
                axis(per_day_name, palette.per_day, 'left'),
                axis(running_name, palette.running, 'right', splitLine={'show': False}, alignTicks=True),
            ],
            'series': [
                {
                    'name': per_day_name,
                    'type': 'bar',
                    'data': per_day,
                    'color': palette.per_day,
                    'barMaxWidth': 14,
                    'itemStyle': {'borderRadius': [3, 3, 0, 0]},
                },
                {
                    'name': running_name,
                    'type': 'line',
                    'yAxisIndex': 1,
                    'data': running,
                    'color': palette.running,
                    'showSymbol': False,
                    'lineStyle': {'width': 2},
                    'areaStyle': {'opacity': 0.15},
                    'z': 1,
                },
            ],
        }
    )
    return options


def donut_options(
    slices: Sequence[CategoryShare | SubcategoryShare], centre: str, caption: str, formats: Formats, dark: bool
) -> dict[str, Any]:
    """A donut of `slices` (categories, or one category's subcategories, each with the `color` to draw it
    in) with the total in its centre."""
    palette, options = _item_chart(dark)
    data = [
        {
            'name': shown(s.name),
            'value': s.total,
            'tip': tip(s.color, shown(s.name), formats.money(s.total_cents), formats.percent(s.percent)),
            'itemStyle': {'color': safe_color(s.color)},
        }
        for s in slices
    ]
    options.update(
        {
            'title': {
                'text': centre,
                'subtext': caption,
                'left': 'center',
                'top': 'middle',
                'itemGap': 6,
                'textStyle': {'color': palette.text, 'fontSize': 17, 'fontWeight': 600, 'lineHeight': 22},
                'subtextStyle': {'color': palette.muted, 'fontSize': 12, 'lineHeight': 16},
            },
            'series': [
                {
                    'type': 'pie',
                    'radius': ['52%', '80%'],
                    'center': ['50%', '50%'],
                    'avoidLabelOverlap': True,
                    'label': {'show': False},
                    'labelLine': {'show': False},
                    'itemStyle': {'borderColor': palette.tooltip, 'borderWidth': 2, 'borderRadius': 4},
                    'emphasis': {'scale': True, 'scaleSize': 6},
                    'data': data,
                }
            ],
        }
    )
    return options


def weekly_options(weeks: Sequence[Week], formats: Formats, dark: bool) -> dict[str, Any]:
    """A bar per ISO week of the month (up to today in the current month), labelled by its dates."""
    palette, options = _item_chart(dark)
    labels = [formats.date_range(w.start, w.end) for w in weeks]
    data = [_counted_bar(palette.per_day, label, w, formats) for w, label in zip(weeks, labels)]
    options.update(
        {
            'grid': {'left': 8, 'right': 8, 'top': 24, 'bottom': 8, 'containLabel': True},
            'xAxis': _category_axis(
                palette,
                labels,
                axisLabel={
                    'color': palette.muted,
                    'interval': 0,
                    'fontSize': 11,
                    'hideOverlap': False,
                    'width': 44,  # a phone's fifth of the chart: '28–30 sept.' breaks after its days
                    'overflow': 'break',
                    'lineHeight': 13,
                },
            ),
            'yAxis': _value_axis(palette, formats),
            'series': [
                {
                    'type': 'bar',
                    'name': _('Week'),
                    'data': data,
                    'color': palette.per_day,
                    'barMaxWidth': 48,
                    'itemStyle': {'borderRadius': [4, 4, 0, 0]},
                    'label': {
                        'show': True,
                        'position': 'top',
                        'color': palette.muted,
                        'fontSize': 11,
                        ':formatter': 'p => p.data.text',
                    },
                    'labelLayout': {'hideOverlap': True},
                }
            ],
        }
    )
    return options


def payment_options(methods: Sequence[PaymentShare], formats: Formats, dark: bool) -> dict[str, Any]:
    """Horizontal bars, the largest on top, each labelled with its amount."""
    palette, options = _item_chart(dark)
    ordered = list(reversed(methods))  # ECharts draws the first category at the bottom
    data = [_counted_bar(PAYMENT_COLOR, shown(m.name), m, formats) for m in ordered]
    options.update(
        {
            'grid': {'left': 8, 'right': 96, 'top': 8, 'bottom': 8, 'containLabel': True},
            'xAxis': _value_axis(palette, formats, axisLabel={'show': False}),
            'yAxis': _category_axis(
                palette,
                [shown(m.name) for m in ordered],
                axisLabel={
                    'color': palette.text,
                    'width': 110,
                    'overflow': 'truncate',
                },
            ),
            'series': [
                {
                    'type': 'bar',
                    'name': _('Payment method'),
                    'data': data,
                    'color': PAYMENT_COLOR,
                    'barMaxWidth': 28,
                    'itemStyle': {'borderRadius': [0, 4, 4, 0]},
                    'label': {
                        'show': True,
                        'position': 'right',
                        'color': palette.text,
                        'fontWeight': 600,
                        ':formatter': 'p => p.data.text',
                    },
                }
            ],
        }
    )
    return options


def year_options(year: YearOverview, formats: Formats, dark: bool) -> dict[str, Any]:
    """The 12 months as bars with the categories stacked; the tooltip's head has the month's total.

    The legend is not drawn on the canvas, where a phone cuts it or pages it: `year_legend` writes it
    as wrapping text under the chart."""
    palette = Palette.of(dark)
    options = _base(palette)
    heads = [
        f'{escape(formats.month_year(year.year, m + 1))} · <b>{escape(formats.money(cents))}</b>'
        for m, cents in enumerate(year.totals_cents)
    ]
    options['tooltip'].update(
        {
            'trigger': 'axis',
            'axisPointer': {'type': 'shadow'},
            ':formatter': (
                'ps => { const shown = ps.filter(p => p.value > 0).reverse(); '
                'return shown.length ? [shown[0].data.head].concat(shown.map(p => p.data.tip)).join("<br>") : ""; }'
            ),
        }
    )
    series = [
        {
            'name': shown(c.name),
            'type': 'bar',
            'stack': 'month',
            'color': safe_color(c.color),
            'barMaxWidth': 36,
            'emphasis': {'focus': 'series'},
            'data': [
                {'value': v, 'head': heads[m], 'tip': tip(c.color, shown(c.name), formats.money(cents))}
                for m, (v, cents) in enumerate(zip(c.totals, c.totals_cents))
            ],
        }
        for c in year.categories
    ]
    options.update(
        {
            'legend': {'show': False},
            'grid': {'left': 8, 'right': 8, 'top': 16, 'bottom': 8, 'containLabel': True},
            'xAxis': _category_axis(palette, [formats.month_abbr(m) for m in range(1, 13)]),
            'yAxis': _value_axis(palette, formats),
            'series': series,
        }
    )
    return options


def year_legend(categories: Sequence[YearCategory], on_toggle: Callable[[str], object]) -> None:
    """The year chart's legend as wrapping buttons: whole at any width; a click shows or hides a category."""
    with ui.row().classes('w-full gap-x-1 gap-y-0 justify-center').mark('year-legend'):
        for category in categories:
            name = shown(category.name)
            button = (
                ui.button(color=None)
                .props('flat dense no-caps size=sm aria-pressed=true')
                .classes('text-xs')
                .style('min-height: 24px')  # a touch target of at least 24 px (WCAG 2.5.8)
            )
            with button, ui.row().classes('items-center gap-1 no-wrap'):
                ui.element('span').classes('inline-block w-2.5 h-2.5 rounded-full shrink-0').style(
                    f'background: {safe_color(category.color)}'
                )
                ui.label(name)

            def toggle(button=button, name=name) -> None:
                shown = 'opacity-50' in button.classes
                if shown:
                    button.classes(remove='opacity-50 line-through')
                else:
                    button.classes('opacity-50 line-through')
                button.props(f'aria-pressed={"true" if shown else "false"}')
                on_toggle(name)

            button.on_click(toggle)
