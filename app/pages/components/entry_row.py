"""One field and the button that sends it, on one line: Enter in the field does what the button does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui


def entry_row(
    label: str,
    *,
    props: str,
    mark: str,
    button: str,
    button_mark: str,
    on_submit: Callable[[], Awaitable[Any]],
    icon: str | None = None,
) -> tuple[ui.input, ui.button]:
    """`props` are the field's (autocomplete, maxlength); `on_submit` may read the returned field and button."""
    with ui.row().classes('w-full items-center gap-2 no-wrap'):
        field = ui.input(label).props(f'outlined dense {props}').classes('grow').mark(mark)
        send = ui.button(button, icon=icon).props('no-caps').classes('shrink-0').mark(button_mark)
    field.on('keydown.enter', on_submit)
    send.on_click(on_submit)
    return field, send
