"""The expense form's location: the browser's position, a small map to set it by hand, the place name and
the suggestions of known places (nearest first when the position is known, most visited otherwise).

    location = LocationField(user, on_place_chosen=fill_category_and_payment_method)
    ...
    await location.start(capture=user.capture_location)   # once the dialog is open
    ...
    save(latitude=location.latitude, longitude=location.longitude, place=location.place)

The browser gives a position only to pages served over HTTPS or from localhost, and only when the person
allows it; each refusal gets its own short message, and the expense can always be saved without one.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from functools import partial

from nicegui import ui
from nicegui.elements.leaflet.leaflet_layer import Layer

from app.i18n import N_, _, ngettext
from app.models import User
from app.pages.components.actions import call_service
from app.services import formats, places, users
from app.services.errors import Invalid
from app.services.geometry import normalize_longitude

log = logging.getLogger(__name__)

GEOLOCATION_TIMEOUT_MS = 10_000
MARKER_STYLE = {'radius': 9, 'color': '#4f46e5', 'weight': 3, 'fillColor': '#818cf8', 'fillOpacity': 0.8}

# One line, starting with a tag that tests recognise. Resolves to {latitude, longitude, accuracy} or {error}.
GEOLOCATE_JS = (
    '/*wis-geolocate*/ new Promise((resolve) => {'
    " if (!window.isSecureContext) { resolve({error: 'insecure', host: location.hostname}); return; }"
    " if (!('geolocation' in navigator)) { resolve({error: 'unsupported'}); return; }"
    ' navigator.geolocation.getCurrentPosition('
    ' (p) => resolve({latitude: p.coords.latitude, longitude: p.coords.longitude, accuracy: p.coords.accuracy}),'
    " (e) => resolve({error: e.code === 1 ? 'denied' : e.code === 2 ? 'unavailable' : 'timeout'}),"
    f' {{enableHighAccuracy: true, timeout: {GEOLOCATION_TIMEOUT_MS}, maximumAge: 0}});'
    ' })'
)

# English msgids, shown with `_(message, host=..., seconds=...)` (message = MESSAGES[code]).
MESSAGES = {
    'denied': N_(
        'Location is blocked for this site. Allow it in the browser (the icon left of the address), '
        'or set the position on the map.'
    ),
    'unavailable': N_(
        'Your device could not find where it is (no GPS or network position). '
        'Try again, or set the position on the map.'
    ),
    'timeout': N_('No position after {seconds} seconds. Try again, or set it on the map.'),
    'insecure': N_(
        'Browsers share the position only with pages served over HTTPS or from localhost, and this '
        'page comes over plain HTTP from {host}. Serve What I Spend over HTTPS, or set the position on the map.'
    ),
    'unsupported': N_('This browser cannot share its position. Set it on the map instead.'),
}


def _one_decimal(value: float, locale: str) -> str:
    return f'{value:.1f}'.replace('.', formats.decimal_sign(locale))


def distance_text(metres: float | None, locale: str = formats.FALLBACK) -> str:
    if metres is None:
        return ''
    if metres < 1000:
        return _('{metres} m', metres=f'{round(metres / 10) * 10:.0f}') if metres >= 20 else _('here')
    return _('{km} km', km=_one_decimal(metres / 1000, locale))


def visits_text(visits: int) -> str:
    return ngettext('{n} visit', '{n} visits', visits)


def accuracy_text(metres: float, locale: str = formats.FALLBACK) -> str:
    """How precise a browser's position is: '±12 m', '±1,5 km'."""
    if metres < 1000:
        return _('±{metres} m', metres=f'{metres:.0f}')
    return _('±{km} km', km=_one_decimal(metres / 1000, locale))


def place_caption(place: places.Place, locale: str = formats.FALLBACK) -> str:
    parts = [distance_text(place.distance_m, locale), visits_text(place.visits)]
    usual = ' › '.join(part for part in (place.category, place.subcategory) if part)
    if usual:
        parts.append(usual)
    if place.payment_method:
        parts.append(place.payment_method)
    return ' · '.join(part for part in parts if part)


def place_item(
    place: places.Place, caption: str, on_click: Callable[[], object], *markers: str, dense: bool = False
) -> ui.item:
    """A place in a list: its icon, its label and a caption. Open it again (`with`) to add a side section."""
    with ui.item(on_click=on_click).props('clickable dense' if dense else 'clickable').mark(*markers) as item:
        with ui.item_section().props('avatar'):
            ui.icon('storefront' if place.name else 'place').classes('text-primary')
        with ui.item_section():
            ui.item_label(place.label).classes('' if dense else 'font-medium')
            ui.item_label(caption).props('caption')
    return item


def _icon_button(icon: str, label: str, on_click: Callable[[], object]) -> ui.button:
    """A round icon button named (for screen readers) and explained (tooltip) by `label`."""
    button = ui.button(icon=icon, on_click=on_click).props('flat round dense').tooltip(label)
    button.props['aria-label'] = label
    return button


PlaceChosen = Callable[[places.Place], Awaitable[None] | None]


class LocationField:
    """Renders where it is created. Read `latitude`, `longitude` and `place` when saving."""

    def __init__(
        self,
        user: User,
        *,
        latitude: float | None = None,
        longitude: float | None = None,
        place: str = '',
        on_place_chosen: PlaceChosen | None = None,
    ) -> None:
        self.user = user
        self.on_place_chosen = on_place_chosen
        # told the position after each change (None when cleared), e.g. to rank the quick picks by it
        self.on_moved: Callable[[tuple[float, float] | None], Awaitable[None] | None] | None = None
        self.latitude: float | None = None
        self.longitude: float | None = None
        self.accuracy_m: float | None = None
        self.source = ''
        self.suggestions: list[places.Place] = []
        self.busy = False
        self._map: ui.leaflet | None = None
        self._marker: Layer | None = None
        self._started = False

        with ui.column().classes('w-full gap-1').mark('location') as self.container:
            self.place_input = (
                ui.input(_('Place (optional)'), value=place, autocomplete=[])
                .props('outlined dense clearable maxlength=120')
                .classes('w-full')
                .mark('place-name')
            )
            with ui.row().classes('w-full items-center gap-1 no-wrap'):
                ui.icon('place').classes('text-primary')
                self.status = ui.label().classes('text-sm grow').mark('location-status')
                self.spinner = ui.spinner(size='sm')
                self.capture_button = _icon_button('my_location', _('Use my position'), self.capture)
                self.capture_button.mark('location-capture')
                _icon_button('map', _('Set the position on a map'), self.toggle_map).mark('location-pick')
                self.clear_button = _icon_button('location_off', _('Clear the position'), self.clear)
                self.clear_button.mark('location-clear')
            self.message = ui.label().classes('text-sm text-negative').mark('location-message')
            self.map_box = ui.column().classes('w-full gap-1')
            self.map_box.visible = False
            self.suggestions_box = ui.column().classes('w-full gap-0').mark('place-suggestions')
            ui.switch(
                _('Locate me when I add an expense'), value=bool(user.capture_location), on_change=self._save_setting
            ).props('dense').classes('text-sm opacity-80').mark('capture-location-setting')

        if latitude is not None and longitude is not None:
            self._set(latitude, longitude, source='saved')
        self._show_status()
        self.message.visible = False

    # --- what the form reads ---------------------------------------------------------------------------

    @property
    def place(self) -> str:
        return ' '.join((self.place_input.value or '').split())

    @property
    def gone(self) -> bool:
        """The dialog holding the block was deleted (saved or closed) while something was awaited."""
        return self.container.is_deleted

    @property
    def position(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return self.latitude, self.longitude

    # --- actions -------------------------------------------------------------------------------------

    async def start(self, *, capture: bool = False) -> None:
        """Load the suggestions and the known place names; locate first when `capture` (new expenses).

        Runs as a background task inside `container` (so that call_service finds the page), and may still be
        running when the dialog is saved and deleted: every step after an await checks that it is still there.
        """
        self._started = True
        names = await call_service(places.place_names, self.user)
        if self.gone:
            return
        self.place_input.set_autocomplete(names or [])
        if capture and self.position is None:
            await self.capture()
        else:
            await self.refresh_suggestions()

    async def capture(self) -> None:
        """Ask the browser for its position."""
        if self.busy:
            return
        self._say('')
        self.busy = True
        self._show_status(_('Finding your position…'))
        try:
            client = self.container.client  # not ui.run_javascript: this may run in a background task
            result = await client.run_javascript(GEOLOCATE_JS, timeout=GEOLOCATION_TIMEOUT_MS / 1000 + 5)
        except TimeoutError:
            result = {'error': 'timeout'}
        finally:
            self.busy = False
        if result is None or self.gone:  # the page or the dialog was closed meanwhile
            return
        if not isinstance(result, dict) or ('error' not in result and 'latitude' not in result):
            result = {'error': 'unavailable'}
        if 'error' in result:
            message = MESSAGES[result['error'] if result['error'] in MESSAGES else 'unavailable']
            self._show_status()
            host = str(result.get('host') or _('this address'))[:80]
            self._say(_(message, host=host, seconds=GEOLOCATION_TIMEOUT_MS // 1000))
            return
        try:
            accuracy = float(result['accuracy']) if result.get('accuracy') is not None else None
        except (TypeError, ValueError):
            accuracy = None
        if self._set(result.get('latitude'), result.get('longitude'), source='gps', accuracy=accuracy):
            await self.refresh_suggestions()
        else:
            self._show_status()

    async def clear(self) -> None:
        """Forget the position (the place name stays: it can be cleared on its own)."""
        self.latitude = self.longitude = self.accuracy_m = None
        self.source = ''
        self._say('')
        self._show_status()
        self._draw_marker()
        await self.refresh_suggestions()

    async def set_position(self, latitude: object, longitude: object, *, source: str = 'map') -> bool:
        if self._set(latitude, longitude, source=source):
            self._say('')
            await self.refresh_suggestions()
            return True
        return False

    async def choose(self, place: places.Place) -> None:
        """Take a suggested place: its position and name, then let the form pre-select its usual choices."""
        self._set(place.latitude, place.longitude, source='place')
        if place.name:
            self.place_input.set_value(place.name)
        self._say('')
        if self.on_place_chosen is not None:
            result = self.on_place_chosen(place)
            if inspect.isawaitable(result):
                await result
        await self.refresh_suggestions()

    async def refresh_suggestions(self) -> None:
        position = self.position
        found = await call_service(
            places.suggest_places, self.user, *(position or (None, None)), limit=places.SUGGESTIONS
        )
        if found is None or self.gone:  # refused (and said so), or the dialog was saved or closed meanwhile
            return
        self.suggestions = found
        self._render_suggestions()
        if self.on_moved is not None:
            result = self.on_moved(position)
            if inspect.isawaitable(result):
                await result

    async def toggle_map(self) -> None:
        self.map_box.visible = not self.map_box.visible
        if self.map_box.visible and self._map is None:
            self._build_map()

    # --- rendering -----------------------------------------------------------------------------------

    def _set(self, latitude: object, longitude: object, *, source: str, accuracy: float | None = None) -> bool:
        try:
            position = places.parse_position(latitude, longitude)
        except Invalid as exc:
            self._say(_('That position cannot be used: {reason}', reason=exc.message))
            return False
        if position is None:
            return False
        self.latitude, self.longitude = position
        self.accuracy_m = accuracy
        self.source = source
        self._show_status()
        self._draw_marker()
        return True

    def _show_status(self, text: str | None = None) -> None:
        self.spinner.visible = self.busy
        self.capture_button.enabled = not self.busy
        self.clear_button.visible = self.position is not None
        if text is None:
            if self.position is None:
                text = _('No position')
            else:
                parts = [f'{self.latitude:.5f}, {self.longitude:.5f}']
                if self.source == 'gps' and self.accuracy_m is not None:
                    parts.append(accuracy_text(self.accuracy_m, self.user.locale))
                elif self.source == 'map':
                    parts.append(_('set on the map'))
                elif self.source == 'place':
                    parts.append(_('known place'))
                text = ' · '.join(parts)
        self.status.set_text(text)

    def _say(self, text: str) -> None:
        self.message.set_text(text)
        self.message.visible = bool(text)

    def _render_suggestions(self) -> None:
        self.suggestions_box.clear()
        with self.suggestions_box:
            if not self.suggestions:
                if self.position is not None:
                    ui.label(_('No known place within 1 km yet.')).classes('text-xs opacity-60')
                return
            title = _('Places near you') if self.position is not None else _('Frequent places')
            ui.label(title).classes('text-xs uppercase tracking-wide opacity-60 pt-1')
            with ui.list().props('dense separator').classes('w-full rounded-borders'):
                for index, place in enumerate(self.suggestions):
                    place_item(
                        place,
                        place_caption(place, self.user.locale),
                        partial(self.choose, place),
                        'place-suggestion',
                        f'place-suggestion-{index}',
                    )

    def _build_map(self) -> None:
        from app.config import get_settings

        settings = get_settings()
        center = self.position or (
            (self.suggestions[0].latitude, self.suggestions[0].longitude) if self.suggestions else (46.6, 2.4)
        )
        zoom = 16 if (self.position or self.suggestions) else 5
        with self.map_box:
            ui.label(_('Tap the map where the expense happened.')).classes('text-xs opacity-60')
            self._map = ui.leaflet(center=center, zoom=zoom).classes('w-full h-56 rounded').mark('location-map')
            self._map.clear_layers()
            self._map.tile_layer(
                url_template=settings.map_tile_url,
                options={'attribution': settings.map_attribution, 'maxZoom': 19},
            )
            self._map.on('map-click', self._map_clicked)
        self._draw_marker()

    async def _map_clicked(self, event) -> None:
        latlng = (event.args or {}).get('latlng') or {}
        try:
            lat, lon = float(latlng['lat']), normalize_longitude(float(latlng['lng']))
        except (KeyError, TypeError, ValueError):
            return
        await self.set_position(lat, lon, source='map')

    def _draw_marker(self) -> None:
        if self._map is None:
            return
        if self._marker is not None:
            self._map.remove_layer(self._marker)
            self._marker = None
        if self.position is not None:
            self._marker = self._map.generic_layer(name='circleMarker', args=[list(self.position), MARKER_STYLE])
            self._map.set_center(self.position)

    async def _save_setting(self, event) -> None:
        await call_service(
            users.update_preferences,
            self.user,
            capture_location=bool(event.value),
            success=_('Your position will be asked for each new expense.')
            if event.value
            else _('Your position will be asked only when you press the location button.'),
        )
