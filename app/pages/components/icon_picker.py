"""The icon field of the category and payment method dialogs: a name input with a preview, and a searchable
grid of the known icons (`app.services.icons`) to choose from.

The input stays typeable so that an unknown name reaches the service and is refused there, under this
field, exactly as the API and the CLI refuse it; the grid is how most people choose.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from nicegui import ui

from app.i18n import _
from app.pages.components.move_dialog import close_and_delete
from app.services import icons

_HEX_COLOUR = re.compile(r'^#[0-9a-fA-F]{3,8}$')
# The current icon may be far down the grid: once the dialog has drawn it, bring it into view (the grid of a
# few hundred buttons takes a moment to appear, hence the bounded retries).
SCROLL_INTO_VIEW = """(function scroll(tries) {
    const button = getHtmlElement(%d);
    const grid = button && button.closest('.overflow-y-auto');
    if (grid && grid.clientHeight > 0) {
        const shown = button.getBoundingClientRect(), frame = grid.getBoundingClientRect();
        if (shown.height > 0 && shown.top >= frame.top && shown.bottom <= frame.bottom) return;
        button.scrollIntoView({block: 'center'});
    }
    if (tries > 0) setTimeout(() => scroll(tries - 1), 100);
})(50)"""
GRID_STYLE = 'grid-template-columns: repeat(auto-fill, minmax(44px, 1fr))'


def icon_field(value: str, *, default: str, mark: str, tint: ui.color_input | None = None) -> ui.input:
    """An input for an icon name showing the icon it names (in the colour of `tint` when given), with a
    button opening the picker.

    A stored name from before the list of known icons shows the default icon and a hint, and is kept as it
    is on save unless another one is chosen (the service accepts an unchanged icon)."""
    field = ui.input(_('Icon'), value=value or '').props('outlined maxlength=40').classes('w-full').mark(mark)
    if value and not icons.is_known(value):
        field.props['hint'] = _(
            '{icon} is not an icon we know; it shows as {default}. Choose another.', icon=value, default=default
        )
    with field.add_slot('prepend'):
        preview = ui.icon(icons.display_icon(value, default)).mark(f'{mark}-preview')
    if tint is not None:

        def recolour(colour: str | None) -> None:
            preview.style(replace=f'color: {colour}' if _HEX_COLOUR.match(colour or '') else '')

        recolour(tint.value)
        tint.on_value_change(lambda event: recolour(event.value))
    field.on_value_change(lambda event: preview.set_name(icons.display_icon((event.value or '').strip(), default)))
    with field.add_slot('append'):
        choose = ui.button(icon='apps', on_click=lambda: open_icon_picker(field.value, field.set_value))
        choose.props('flat round dense').props['aria-label'] = _('Choose an icon')
        choose.tooltip(_('Choose an icon')).mark(f'{mark}-choose')
    return field


def open_icon_picker(current: str | None, on_pick: Callable[[str], object]) -> ui.dialog:
    """A dialog with a search box over the grid of known icons, grouped by theme; picking one calls
    `on_pick(name)` and closes it. The current icon is highlighted."""
    current = (current or '').strip()
    buttons: dict[str, ui.button] = {}
    sections: list[tuple[ui.element, tuple[str, ...]]] = []
    shown: dict[str, bool] = {}

    with ui.dialog() as dialog, ui.card().classes('w-full max-w-xl p-0 gap-0').mark('icon-picker'):

        def pick(name: str) -> None:
            on_pick(name)
            dialog.close()
            dialog.delete()

        with ui.row().classes('w-full items-start no-wrap px-4 pt-3'):
            with ui.column().classes('gap-0 min-w-0'):
                ui.label(_('Choose an icon')).classes('text-lg font-semibold')
                if icons.is_known(current):
                    ui.label(_('Now: {icon}', icon=current)).classes('text-sm opacity-80 truncate').mark('icon-current')
            ui.space()
            close = ui.button(icon='close', on_click=lambda: close_and_delete(dialog)).props('flat round dense')
            close.props['aria-label'] = _('Close')
            close.mark('icon-picker-close')
        search = (
            ui.input(placeholder=_('Search: car, food, dog, card…'))
            .props('outlined dense clearable autofocus')
            .classes('w-full px-4 pt-2')
            .mark('icon-search')
        )
        search.props['aria-label'] = _('Search icons')
        with search.add_slot('prepend'):
            ui.icon('search')
        nothing = ui.label('').classes('px-4 pt-3 opacity-80').mark('icon-none')
        nothing.set_visibility(False)
        with ui.element('div').classes('w-full px-3 pb-3 pt-1 overflow-y-auto').style('max-height: min(60vh, 520px)'):
            for group in icons.GROUPS:
                with ui.element('section').classes('w-full') as section:
                    ui.label(_(group.title)).classes('text-sm font-medium opacity-80 pt-3 pb-1 px-1')
                    with ui.element('div').classes('grid gap-1').style(GRID_STYLE):
                        for name in group.names:
                            buttons[name] = _icon_button(name, name == current, pick)
                sections.append((section, group.names))

        def apply(query: str | None) -> None:
            matches = set(icons.search(query))
            for name, button in buttons.items():
                visible = name in matches
                if shown.get(name, True) != visible:
                    button.set_visibility(visible)
                    shown[name] = visible
            for section, names in sections:
                section.set_visibility(any(name in matches for name in names))
            nothing.set_text(
                _('No icon matches "{query}". Try another word, such as home or car.', query=(query or '').strip())
            )
            nothing.set_visibility(not matches)

        def pick_first() -> None:
            matches = icons.search(search.value)
            if matches:
                pick(matches[0])

        search.on_value_change(lambda event: apply(event.value))
        search.on('keydown.enter', pick_first)
    dialog.open()
    if current in buttons:
        ui.run_javascript(SCROLL_INTO_VIEW % buttons[current].id)
    return dialog


def _icon_button(name: str, selected: bool, pick: Callable[[str], None]) -> ui.button:
    label = name.replace('_', ' ')
    look = 'unelevated color=primary' if selected else 'flat'
    button = ui.button(icon=name, color=None, on_click=lambda: pick(name)).props(
        f'{look} square aria-label="{label}" title="{name}"'
    )
    if selected:
        button.props['aria-current'] = 'true'
    return button.classes('w-11 h-11').mark(f'icon-{name}')
