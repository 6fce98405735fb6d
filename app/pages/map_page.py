"""The map: where the month's money went. One marker per expense, or one per group of expenses that would
overlap on screen at the current zoom; a popup with amount, category, date and description; the list of
the same expenses beside the map on wide screens (under it on phones); a month picker and a category filter.

Tiles come from MAP_TILE_URL with MAP_ATTRIBUTION shown in the corner. Markers are drawn by the app, so
they show even when the tile server cannot be reached.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial
from html import escape

from nicegui import ui

from app.config import get_settings
from app.i18n import _, ngettext
from app.models import User
from app.pages.components.actions import call_service, show_service_error
from app.pages.components.addresses import replace_address
from app.pages.components.location import place_item, visits_text
from app.pages.components.month_picker import month_picker
from app.pages.map_projection import Bounds, estimated_zoom, fit_bounds, leaflet_longitude, metres_per_pixel
from app.services import formats, places
from app.services.clock import today
from app.services.errors import Invalid
from app.services.geometry import mean_position
from app.services.money import format_money
from app.services.months import Month, parse_month
from app.services.places_map import MapExpense, MapMonth, group_markers, month_map

GROUP_PIXELS = 40  # markers closer than this on screen are drawn as one
MAX_ZOOM = 18
POPUP_ROWS = 8
PLACES_LISTED = 100
PRIMARY = '#4f46e5'

# Bind the popups and count labels that markers carry in their options (run after markers are added).
BIND_JS = (
    '(layer) => { const o = layer.options || {};'
    ' if (o.wisPopup) { layer.unbindPopup(); layer.bindPopup(o.wisPopup, {maxWidth: 300}); }'
    " if (o.wisCount) { layer.unbindTooltip(); layer.bindTooltip(String(o.wisCount), {permanent: true, direction: 'center', className: 'wis-count'}); }"  # noqa: E501
    ' }'
)

STYLE = """<style>
.leaflet-tooltip.wis-count{background:transparent;border:none;box-shadow:none;color:#fff;font-weight:700;
font-size:12px;padding:0}
.leaflet-tooltip.wis-count::before{display:none}
.wis-popup{font-size:13px;line-height:1.35}
.wis-popup .amount{font-weight:700;font-size:14px}
.wis-popup .muted{opacity:.7}
.wis-popup table{border-collapse:collapse;width:100%}
.wis-popup td{padding:2px 4px;vertical-align:top}
.wis-popup td.num{text-align:right;white-space:nowrap;font-weight:600}
.wis-map{height:min(64vh,640px);min-height:340px}
@media (max-width:600px){.wis-map{height:52vh;min-height:280px}}
</style>"""


def _category_text(expense: MapExpense) -> str:
    return f'{expense.category} › {expense.subcategory}' if expense.subcategory else expense.category


def _day_text(expense: MapExpense, locale: str) -> str:
    return formats.short_date(expense.day, locale)


def popup_html(group: Sequence[MapExpense], currency: str, locale: str) -> str:
    """The popup of a marker; every piece of user text escaped."""
    if len(group) == 1:
        e = group[0]
        lines = [
            f'<div class="amount">{escape(format_money(e.amount_cents, currency, locale))}</div>',
            f'<div>{escape(_category_text(e))}</div>',
            f'<div class="muted">{escape(_day_text(e, locale))}'
            + (f' · {escape(e.payment_method)}' if e.payment_method else '')
            + '</div>',
        ]
        if e.place:
            lines.append(f'<div><b>{escape(e.place)}</b></div>')
        if e.description:
            lines.append(f'<div>{escape(e.description)}</div>')
        return '<div class="wis-popup">' + ''.join(lines) + '</div>'
    total = sum(e.amount_cents for e in group)
    names = sorted({e.place for e in group if e.place}, key=lambda n: -sum(e.place == n for e in group))
    head = escape(', '.join(names[:2]) + (' …' if len(names) > 2 else '') if names else _('Here'))
    rows = []
    for e in group[:POPUP_ROWS]:
        what = escape(e.description or _category_text(e))
        rows.append(
            f'<tr><td class="muted">{escape(formats.short_date(e.day, locale))}</td><td>{what}</td>'
            f'<td class="num">{escape(format_money(e.amount_cents, currency, locale))}</td></tr>'
        )
    more = len(group) - POPUP_ROWS
    tail = ''
    if more > 0:
        tail = '<div class="muted">' + escape(ngettext('and {n} more', 'and {n} more', more)) + '</div>'
    count = escape(ngettext('{n} expense', '{n} expenses', len(group)))
    return (
        f'<div class="wis-popup"><div><b>{head}</b> · {count}</div>'
        f'<div class="amount">{escape(format_money(total, currency, locale))}</div>'
        f'<table>{"".join(rows)}</table>{tail}</div>'
    )


class MapView:
    def __init__(self, user: User, month: Month, category_id: int | None) -> None:
        self.user = user
        self.month = month
        self.category_id = category_id
        self.data: MapMonth | None = None
        self.bounds: Bounds | None = None
        self.zoom: float = 3
        self.center: tuple[float, float] = (30.0, 0.0)
        self.layers: list = []
        self.groups: list[list[MapExpense]] = []
        self.signature: tuple = ()

    async def load(self) -> bool:
        data = await call_service(month_map, self.user, self.month, self.category_id)
        if data is None:
            return False
        self.data = data
        self.bounds = fit_bounds([(e.latitude, e.longitude) for e in data.expenses])
        return True

    async def build(self) -> None:
        ui.add_head_html(STYLE)
        if not await self.load():
            return
        settings = get_settings()
        await self._frame()
        with ui.row().classes('w-full items-center gap-3'):
            month_picker(
                self.month, self.change_month, today=Month.of(today(self.user.timezone)), locale=self.user.locale
            )
            self.category_select = (
                ui.select(self._category_options(), value=self.category_id or 0, on_change=self.change_category)
                .props('outlined dense options-dense')
                .classes('min-w-[14rem]')
                .mark('map-category')
            )
            ui.space()
            self.summary = ui.label().classes('text-sm opacity-80').mark('map-summary')
        with ui.element('div').classes('w-full grid gap-4 grid-cols-1 lg:grid-cols-[1fr_20rem]'):
            with ui.card().classes('p-0 overflow-hidden w-full'):
                self.map = (
                    ui.leaflet(center=self.center, zoom=round(self.zoom), options={'worldCopyJump': False})
                    .classes('w-full wis-map')
                    .mark('map')
                )
                self.map.clear_layers()
                self.map.tile_layer(
                    url_template=settings.map_tile_url,
                    options={'attribution': settings.map_attribution, 'maxZoom': 19},
                )
                self.map.on('init', self._on_init)
                self.map.on('map-zoomend', self._on_zoom)
            with ui.card().classes('p-0 w-full gap-0'):
                with ui.tabs().props('dense no-caps align=justify').classes('w-full') as tabs:
                    this_month = ui.tab('expenses', _('This month')).mark('map-tab-expenses')
                    ui.tab('places', _('Places')).mark('map-tab-places')
                tabs.set_value(this_month)
                with ui.tab_panels(tabs, value=this_month).props('animated=false').classes('w-full'):
                    with ui.tab_panel('expenses').classes('p-0'):
                        self.list_box = ui.column().classes('w-full gap-0 lg:max-h-[min(58vh,590px)] overflow-auto')
                    with ui.tab_panel('places').classes('p-0'):
                        self.places_box = (
                            ui.column().classes('w-full gap-0 lg:max-h-[min(58vh,590px)] overflow-auto').mark('places')
                        )
        await self.show(fit=False)
        await self.show_places()

    def _category_options(self) -> dict[int, str]:
        options = {0: _('All categories')}
        assert self.data is not None
        for category in self.data.categories:
            options[category.id] = f'{category.name} ({category.count})'
        if self.category_id and self.category_id not in options:
            options[self.category_id] = _('Category without expenses this month')
        return options

    async def change_month(self, month: Month) -> None:
        self.month = month
        if await self.load():
            self.category_select.set_options(self._category_options(), value=self.category_id or 0)
            await self.show(fit=True)

    async def change_category(self, event) -> None:
        self.category_id = int(event.value or 0) or None
        if await self.load():
            await self.show(fit=True)

    async def _frame(self) -> None:
        """Centre and zoom for the data: the month's bounds, else the most visited place, else the world."""
        bounds = self.bounds
        if bounds is not None:
            (south, west), (north, east) = bounds
            self.center = ((south + north) / 2, (west + east) / 2)
            self.zoom = estimated_zoom(bounds)
        else:
            frequent = await call_service(places.frequent_places, self.user, 1) or []
            self.center = (frequent[0].latitude, frequent[0].longitude) if frequent else (30.0, 0.0)
            self.zoom = 13 if frequent else 2

    def url(self) -> str:
        """The address of what is shown, so that a reload or a bookmark comes back to it."""
        return f'/map?month={self.month}' + (f'&category={self.category_id}' if self.category_id else '')

    async def show(self, *, fit: bool) -> None:
        if fit:
            await self._frame()
            replace_address(self.url())
        self._summary()
        self._draw(force=True)
        self._list()
        if fit:
            self._fit()

    def _summary(self) -> None:
        assert self.data is not None
        data = self.data
        money = format_money(data.total_cents, self.user.currency, self.user.locale)
        count = len(data.expenses)
        parts = [ngettext('{n} expense on the map', '{n} expenses on the map', count), money]
        if data.unlocated:
            parts.append(ngettext('{n} without a position', '{n} without a position', data.unlocated))
        self.summary.set_text(' · '.join(parts))

    def _draw(self, *, force: bool = False) -> None:
        assert self.data is not None
        expenses = self.data.expenses
        radius = GROUP_PIXELS * metres_per_pixel(self.zoom, self.center[0])
        groups = group_markers(expenses, radius)
        signature = tuple(tuple(e.id for e in g) for g in groups)
        if signature == self.signature and not force:
            return
        for layer in self.layers:
            self.map.remove_layer(layer)
        self.layers = []
        self.groups = groups
        self.signature = signature
        bounds = self.bounds
        currency, locale = self.user.currency, self.user.locale
        for group in groups:
            lat, lon = mean_position((e.latitude, e.longitude, 1.0) for e in group)
            lon = leaflet_longitude(lon, bounds)
            popup = popup_html(group, currency, locale)
            if len(group) == 1:
                options = {
                    'radius': 8,
                    'color': '#ffffff',
                    'weight': 2,
                    'fillColor': group[0].color,
                    'fillOpacity': 0.95,
                    'wisPopup': popup,
                }
            else:
                options = {
                    'radius': min(12 + 2 * math.log2(len(group)), 24),
                    'color': '#ffffff',
                    'weight': 2,
                    'fillColor': PRIMARY,
                    'fillOpacity': 0.9,
                    'wisPopup': popup,
                    'wisCount': len(group),
                }
            self.layers.append(self.map.generic_layer(name='circleMarker', args=[[lat, lon], options]))
        if self.map.is_initialized:
            self.map.run_map_method(':eachLayer', BIND_JS)

    def _fit(self) -> None:
        bounds = self.bounds
        if not self.map.is_initialized:
            return
        if bounds is None:
            self.map.run_map_method('setView', list(self.center), self.zoom)
        else:
            self.map.run_map_method('fitBounds', bounds, {'padding': [32, 32], 'maxZoom': 17})

    def _on_init(self) -> None:
        self.map.run_map_method(':eachLayer', BIND_JS)
        self._fit()

    def _on_zoom(self, event) -> None:
        args = event.args or {}
        try:
            self.zoom = float(args['zoom'])
            self.center = (float(args['center'][0]), float(args['center'][1]))
        except (KeyError, TypeError, ValueError, IndexError):
            return
        self._draw()

    def _list(self) -> None:
        assert self.data is not None
        self.list_box.clear()
        with self.list_box:
            if not self.data.expenses:
                month = formats.month_year(self.month, self.user.locale)
                if self.category_id:
                    text = _(
                        'No expense of this category in {month} has a position. '
                        'The location button of the expense form records where you are.',
                        month=month,
                    )
                else:
                    text = _(
                        'No expense in {month} has a position. '
                        'The location button of the expense form records where you are.',
                        month=month,
                    )
                ui.label(text).classes('p-4 text-sm opacity-70').mark('map-empty')
                return
            with ui.list().props('separator').classes('w-full'):
                for expense in self.data.expenses:
                    with (
                        ui.item(on_click=lambda e=expense: self.focus(e))
                        .props('clickable dense')
                        .mark('map-item', f'map-item-{expense.id}')
                    ):
                        with ui.item_section().props('avatar'):
                            ui.icon(expense.icon).style(f'color:{expense.color}')
                        with ui.item_section():
                            ui.item_label(expense.place or expense.description or _category_text(expense))
                            ui.item_label(f'{_day_text(expense, self.user.locale)} · {_category_text(expense)}').props(
                                'caption'
                            )
                        with ui.item_section().props('side'):
                            ui.item_label(format_money(expense.amount_cents, self.user.currency, self.user.locale))

    async def show_places(self) -> None:
        """The household's places of all time, most visited first, each with a rename button."""
        found = await call_service(places.frequent_places, self.user, PLACES_LISTED)
        if found is None:
            return
        self.places_box.clear()
        with self.places_box:
            if not found:
                ui.label(
                    _(
                        'No place yet: places appear once expenses have a position. Positions within 150 m of one '
                        'another are one place.'
                    )
                ).classes('p-4 text-sm opacity-70')
                return
            with ui.list().props('separator').classes('w-full'):
                for index, place in enumerate(found):
                    item = place_item(
                        place,
                        self._place_caption(place),
                        partial(self.focus_place, place),
                        'place-item',
                        f'place-item-{index}',
                        dense=True,
                    )
                    with item, ui.item_section().props('side'):
                        rename = ui.button(icon='edit', on_click=lambda p=place: self.rename_dialog(p))
                        rename.props('flat round dense').props['aria-label'] = _('Name this place')
                        rename.on('click.stop', lambda: None).mark(f'rename-place-{index}')

    def _place_caption(self, place: places.Place) -> str:
        parts = [visits_text(place.visits), format_money(place.total_cents, self.user.currency, self.user.locale)]
        usual = ' › '.join(part for part in (place.category, place.subcategory) if part)
        if usual:
            parts.append(usual)
        if place.last_visit:
            parts.append(_('last {date}', date=formats.short_date(place.last_visit, self.user.locale)))
        return ' · '.join(parts)

    def focus_place(self, place: places.Place) -> None:
        if self.map.is_initialized:
            self.map.run_map_method('setView', [place.latitude, place.longitude], 17)

    def rename_dialog(self, place: places.Place) -> None:
        with ui.dialog() as dialog, ui.card().classes('w-full max-w-sm').mark('rename-place-dialog'):
            ui.label(_('Name this place')).classes('text-lg font-semibold')
            ui.label(
                ngettext(
                    '{n} expense around {position} takes the name.',
                    '{n} expenses around {position} take the name.',
                    place.visits,
                    position=f'{place.latitude:.5f}, {place.longitude:.5f}',
                )
            ).classes('text-sm opacity-80')
            name = (
                ui.input(_('Name'), value=place.name)
                .props('outlined autofocus maxlength=120')
                .classes('w-full')
                .mark('place-new-name')
            )

            async def reload() -> None:
                if await self.load():
                    await self.show(fit=False)
                await self.show_places()

            async def save() -> None:
                await call_service(
                    places.rename_place,
                    self.user,
                    place.latitude,
                    place.longitude,
                    name.value,
                    fields={'name': name},
                    dialog=dialog,
                    busy=save_button,
                    refresh=reload,
                    success=lambda renamed: ngettext(
                        'Renamed: {name} ({n} expense).',
                        'Renamed: {name} ({n} expenses).',
                        renamed.visits,
                        name=renamed.name,
                    ),
                )

            name.on('keydown.enter', save)
            with ui.row().classes('w-full justify-end'):
                ui.button(_('Cancel'), on_click=dialog.close).props('flat').mark('cancel-place-name')
                save_button = ui.button(_('Save'), on_click=save).mark('save-place-name')
        dialog.on('hide', lambda: dialog.delete())
        dialog.open()

    def focus(self, expense: MapExpense) -> None:
        """Zoom on an expense of the list and open its popup."""
        self.zoom = 17
        self.center = (expense.latitude, expense.longitude)
        self._draw()
        if not self.map.is_initialized:
            return
        lon = leaflet_longitude(expense.longitude, self.bounds)
        self.map.run_map_method('setView', [expense.latitude, lon], 17)
        for group, layer in zip(self.groups, self.layers):
            if any(e.id == expense.id for e in group):
                layer.run_method('openPopup')
                break


async def map_page(user: User, month: str = '', category: str = '') -> None:
    try:
        selected = parse_month(month, default=today(user.timezone))
    except Invalid as exc:
        show_service_error(exc)
        selected = parse_month('', default=today(user.timezone))
    category_id = int(category) if category.isdigit() else None
    await MapView(user, selected, category_id).build()
