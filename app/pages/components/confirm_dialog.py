"""The settings' question dialogs: a title, a few words on what follows, Cancel and one button that acts.

The acting button hands `on_confirm` the `dialog` and itself as `busy`, for `actions.call_service`: a refusal
shows while the dialog stays open, and a success closes it from the page's root (a handler that notifies from
inside a deleted dialog shows nothing). A dialog closed by Cancel, Escape or a click outside goes, with its
elements: a page may open many over its life.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from nicegui import ui

from app.i18n import _

Action = Callable[..., Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class Marks:
    """The test markers of the dialog's card, its Cancel and its acting button."""

    dialog: str
    cancel: str
    confirm: str

    @classmethod
    def named(cls, name: str) -> Marks:
        """The usual three: `<name>-dialog`, `cancel-<name>`, `confirm-<name>`."""
        return cls(f'{name}-dialog', f'cancel-{name}', f'confirm-{name}')


@contextmanager
def confirm_dialog(
    title: str,
    text: str | None,
    *,
    confirm: str,
    marks: Marks,
    on_confirm: Action,
    cancel: str | None = None,
    color: str = 'negative',
    icon: str | None = None,
    width: str = 'max-w-md',
) -> Iterator[ui.dialog]:
    """Build and open the dialog; what the `with` block adds (a checkbox, a field) stands between the text
    and the buttons. `on_confirm(dialog=..., busy=...)` runs when the acting button is clicked."""
    with ui.dialog() as dialog, ui.card().classes(width).mark(marks.dialog):
        ui.label(title).classes('text-lg font-semibold')
        if text:
            ui.label(text).classes('text-sm')
        yield dialog
        with ui.row().classes('w-full justify-end'):
            ui.button(cancel or _('Cancel'), on_click=dialog.close).props('flat no-caps').mark(marks.cancel)
            button = ui.button(confirm, icon=icon).props(f'unelevated no-caps color={color}').mark(marks.confirm)
            button.on_click(lambda: on_confirm(dialog=dialog, busy=button))
    dialog.on_value_change(lambda e: None if e.value or dialog.is_deleted else dialog.delete())
    dialog.open()


def confirm(title: str, text: str, **options: Any) -> None:
    """A dialog with nothing between its text and its buttons; `options` as for `confirm_dialog`."""
    with confirm_dialog(title, text, **options):
        pass
