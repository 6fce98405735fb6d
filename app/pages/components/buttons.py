"""Small buttons shared by the list pages."""

from __future__ import annotations

from nicegui import ui


def icon_button(icon: str, label: str, mark: str) -> ui.button:
    """A round icon button whose name for screen readers is its tooltip (the label may hold a user's
    string, so it is set as a property value, never parsed as props text)."""
    button = ui.button(icon=icon).props('flat round dense').tooltip(label).mark(mark)
    button.props['aria-label'] = label
    return button
