"""Colours and the dark-mode decision shared by every page."""

from __future__ import annotations

import copy

from nicegui import ui

PRIMARY = '#4f46e5'
SECONDARY = '#7c3aed'


def theme_to_dark(theme: str) -> bool | None:
    return {'dark': True, 'light': False}.get(theme)


def apply_theme(theme: str) -> ui.dark_mode:
    """Render the page already in the user's theme (no flash of light) and return the switch."""
    client = ui.context.client
    client.page = copy.copy(client.page)  # per-client, so one user's theme never leaks into another's page
    client.page.dark = theme_to_dark(theme)
    ui.colors(primary=PRIMARY, secondary=SECONDARY, accent='#8b5cf6', positive='#10b981', negative='#e11d48')
    return ui.dark_mode(theme_to_dark(theme))
