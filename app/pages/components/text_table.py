"""A small read-only table of texts (the import's preview and invalid rows): every cell a text element, never
HTML, in a box that scrolls sideways on a phone and can be focused to scroll with the keyboard."""

from __future__ import annotations

from collections.abc import Sequence

from nicegui import ui


def text_table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, label: str, mark: str) -> ui.element:
    box = ui.element('div').classes('w-full overflow-x-auto border rounded').mark(mark)
    box.props(f'tabindex=0 role=region aria-label="{label}"')
    with box, ui.element('table').classes('text-xs w-full border-collapse'):
        with ui.element('thead'), ui.element('tr'):
            for header in headers:
                with ui.element('th').classes('text-left px-2 py-1 font-semibold border-b whitespace-nowrap'):
                    ui.label(header)
        with ui.element('tbody'):
            for row in rows:
                with ui.element('tr').classes('border-b'):
                    for cell in row:
                        with ui.element('td').classes('px-2 py-1 align-top max-w-64 break-words'):
                            ui.label('' if cell is None else str(cell))
    return box
