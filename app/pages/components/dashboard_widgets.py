"""The dashboard's pieces: key-figure cards and the ECharts options of each chart.

The option builders are plain functions of the figures that `app.services.stats` computed, the
user's currency and locale, and light or dark mode; they never query anything. Every amount a person
reads (tooltips, bar labels, the centre of the donut) is text from `format_money`, carried in the data
items as `text`; axes show compact numbers in the user's locale.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nicegui import ui

from app.services.money import format_money

# The canvas needs a real font list ('inherit' would make it fall back to 10px sans-serif): Quasar's Roboto.
FONT = 'Roboto, -apple-system, "Helvetica Neue", Helvetica, Arial, sans-serif'
MONTH_SHORT = ('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec')

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

    @classmethod
    def of(cls, dark: bool) -> Palette:
        if dark:
            return cls(
                text='#e2e8f0', muted='#94a3b8', axis='#475569', grid='#334155', tooltip='#1e293b', border='#334155'
            )
        return cls(text='#1e293b', muted='#64748b', axis='#cbd5e1', grid='#e2e8f0', tooltip='#ffffff', border='#e2e8f0')


@dataclass(frozen=True)
class Formats:
    currency: str
    locale: str

    def money(self, cents: int) -> str:
        return format_money(int(cents), self.currency, self.locale)

    def percent(self, value: float) -> str:
        text = f'{value:.1f}\u00a0%'
        return text.replace('.', ',') if ',' in format_money(1, 'EUR', self.locale) else text

    def axis_formatter(self) -> str:
        """Compact axis numbers in the user's locale (1.2k, 1,2 k)."""
        locale = json.dumps(self.locale)
        return f'v => new Intl.NumberFormat({locale}, {{notation: "compact", maximumFractionDigits: 1}}).format(v)'


def short_date(iso: str) -> str:
    year, month, day = (int(part) for part in iso.split('-'))
    return f'{MONTH_SHORT[month - 1]} {day}'


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


# Tooltip of an axis-triggered chart: one line per series, with the formatted amount of each point.
AXIS_TOOLTIP = (
    'ps => ps[0].axisValueLabel + "<br>" + ps.filter(p => p.data && p.data.text)'
    '.map(p => p.marker + p.seriesName + ": <b>" + p.data.text + "</b>").join("<br>")'
)
ITEM_TOOLTIP = 'p => p.marker + p.name + ": <b>" + p.data.text + "</b>" + (p.data.note ? "<br>" + p.data.note : "")'


def daily_options(days: list[dict], formats: Formats, dark: bool) -> dict[str, Any]:
    """A line of the total of each day and the running total of the month (right axis)."""
    palette = Palette.of(dark)
    per_day = [{'value': d['total'], 'text': formats.money(d['total_cents'])} for d in days]
    running = [{'value': d['cumulative'], 'text': formats.money(d['cumulative_cents'])} for d in days]
    labels = [short_date(d['date']) for d in days]
    options = _base(palette)
    options['tooltip'].update({'trigger': 'axis', ':formatter': AXIS_TOOLTIP})
    options.update(
        {
            'legend': {'top': 0, 'textStyle': {'color': palette.text}, 'data': ['Per day', 'Running total']},
            'grid': {'left': 8, 'right': 8, 'top': 36, 'bottom': 8, 'containLabel': True},
            'xAxis': _category_axis(palette, labels, boundaryGap=False),
            'yAxis': [
                _value_axis(palette, formats),
                _value_axis(palette, formats, splitLine={'show': False}),
            ],
            'series': [
                {
                    'name': 'Per day',
                    'type': 'line',
                    'data': per_day,
                    'color': '#6366f1',
                    'symbolSize': 5,
                    'lineStyle': {'width': 2},
                },
                {
                    'name': 'Running total',
                    'type': 'line',
                    'yAxisIndex': 1,
                    'data': running,
                    'color': '#10b981',
                    'showSymbol': False,
                    'lineStyle': {'width': 2},
                    'areaStyle': {'opacity': 0.12},
                },
            ],
        }
    )
    return options


def donut_options(slices: list[dict], centre: str, caption: str, formats: Formats, dark: bool) -> dict[str, Any]:
    """A donut of `slices` (categories, or one category's subcategories) with the total in its centre."""
    palette = Palette.of(dark)
    options = _base(palette)
    options['tooltip'].update({'trigger': 'item', ':formatter': ITEM_TOOLTIP})
    data = [
        {
            'name': s['name'],
            'value': s['total'],
            'text': formats.money(s['total_cents']),
            'note': formats.percent(s['percent']),
            'itemStyle': {'color': s['color']},
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


def weekly_options(weeks: list[dict], formats: Formats, dark: bool) -> dict[str, Any]:
    """A bar per ISO week of the month; partial weeks at the edges are labelled by their dates."""
    palette = Palette.of(dark)
    options = _base(palette)
    options['tooltip'].update({'trigger': 'item', ':formatter': ITEM_TOOLTIP})
    data = [
        {
            'value': w['total'],
            'text': formats.money(w['total_cents']),
            'note': (
                f'{short_date(w["start"])} – {short_date(w["end"])} · {w["count"]} expense{"s" * (w["count"] != 1)}'
            ),
        }
        for w in weeks
    ]
    options.update(
        {
            'grid': {'left': 8, 'right': 8, 'top': 24, 'bottom': 8, 'containLabel': True},
            'xAxis': _category_axis(
                palette,
                [w['label'] for w in weeks],
                axisLabel={
                    'color': palette.muted,
                    'interval': 0,
                    'fontSize': 11,
                    'hideOverlap': False,
                },
            ),
            'yAxis': _value_axis(palette, formats),
            'series': [
                {
                    'type': 'bar',
                    'name': 'Week',
                    'data': data,
                    'color': '#6366f1',
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


def payment_options(methods: list[dict], formats: Formats, dark: bool) -> dict[str, Any]:
    """Horizontal bars, the largest on top, each labelled with its amount."""
    palette = Palette.of(dark)
    options = _base(palette)
    options['tooltip'].update({'trigger': 'item', ':formatter': ITEM_TOOLTIP})
    ordered = list(reversed(methods))  # ECharts draws the first category at the bottom
    data = [
        {
            'value': m['total'],
            'text': formats.money(m['total_cents']),
            'note': f'{m["count"]} expense{"s" * (m["count"] != 1)}',
        }
        for m in ordered
    ]
    options.update(
        {
            'grid': {'left': 8, 'right': 96, 'top': 8, 'bottom': 8, 'containLabel': True},
            'xAxis': _value_axis(palette, formats, axisLabel={'show': False}),
            'yAxis': _category_axis(
                palette,
                [m['name'] for m in ordered],
                axisLabel={
                    'color': palette.text,
                    'width': 110,
                    'overflow': 'truncate',
                },
            ),
            'series': [
                {
                    'type': 'bar',
                    'name': 'Payment method',
                    'data': data,
                    'color': '#8b5cf6',
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


def year_options(year: dict, formats: Formats, dark: bool) -> dict[str, Any]:
    """The 12 months as bars with the categories stacked; the tooltip adds the month's total."""
    palette = Palette.of(dark)
    options = _base(palette)
    totals = json.dumps([formats.money(c) for c in year['totals_cents']])
    options['tooltip'].update(
        {
            'trigger': 'axis',
            'axisPointer': {'type': 'shadow'},
            ':formatter': (
                f'ps => ps[0].axisValueLabel + " · <b>" + {totals}[ps[0].dataIndex] + "</b><br>" + '
                'ps.filter(p => p.value > 0).reverse()'
                '.map(p => p.marker + p.seriesName + ": " + p.data.text).join("<br>")'
            ),
        }
    )
    series = [
        {
            'name': c['name'],
            'type': 'bar',
            'stack': 'month',
            'color': c['color'],
            'barMaxWidth': 36,
            'emphasis': {'focus': 'series'},
            'data': [{'value': v, 'text': formats.money(cents)} for v, cents in zip(c['totals'], c['totals_cents'])],
        }
        for c in year['categories']
    ]
    options.update(
        {
            'legend': {
                'type': 'scroll',
                'bottom': 0,
                'textStyle': {'color': palette.text},
                'pageTextStyle': {'color': palette.muted},
                'pageIconColor': palette.text,
                'pageIconInactiveColor': palette.axis,
            },
            'grid': {'left': 8, 'right': 8, 'top': 16, 'bottom': 40, 'containLabel': True},
            'xAxis': _category_axis(palette, list(MONTH_SHORT)),
            'yAxis': _value_axis(palette, formats),
            'series': series,
        }
    )
    return options


# --- cards -----------------------------------------------------------------------------------------

# Spending more than the month before is shown in red, less in green; the number of expenses is neutral.
_TONES = {('up', True): 'text-negative', ('down', True): 'text-positive'}  # brand colours follow the theme


def change_text(change: dict, previous_label: str) -> str:
    if change['percent'] is None:
        return f'nothing in {previous_label}' if change['direction'] != 'same' else f'as in {previous_label}'
    if change['direction'] == 'same':
        return f'same as {previous_label}'
    arrow = '▲' if change['direction'] == 'up' else '▼'
    return f'{arrow} {abs(change["percent"]):.0f} % vs {previous_label}'


def figure_card(
    label: str,
    value: str,
    change: dict,
    previous_label: str,
    *,
    marker: str,
    caption: str = '',
    spending: bool = True,
) -> None:
    """A key figure with how it compares with the previous month."""
    with ui.card().classes('p-3 gap-1 min-w-0').mark(marker):
        ui.label(label).classes('text-xs uppercase tracking-wide opacity-70')
        ui.label(value).classes('text-xl sm:text-2xl font-semibold break-words').mark(f'{marker}-value')
        if caption:
            ui.label(caption).classes('text-xs opacity-70 truncate w-full').mark(f'{marker}-caption')
        tone = _TONES.get((change['direction'], spending), 'opacity-70')
        ui.label(change_text(change, previous_label)).classes(f'text-xs {tone}').mark(f'{marker}-change')


def chart_card(title: str, *, marker: str, extra: Callable[[], None] | None = None):
    """A card with a title row (and optional controls on its right) for a chart; use as a context."""
    card = ui.card().classes('w-full p-3 gap-2 min-w-0').mark(marker)
    with card, ui.row().classes('w-full items-center justify-between no-wrap min-h-[2rem]'):
        ui.label(title).classes('text-base font-semibold')
        if extra:
            extra()
    return card
