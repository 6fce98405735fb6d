"""A placeholder for content that later work fills in."""

from nicegui import ui


def coming_soon(what: str) -> None:
    with ui.card().classes('w-full'):
        ui.label(f'{what.capitalize()} will appear here.').classes('opacity-70')
