"""The dialogs of deleting something: confirm when nothing uses it, or choose where its expenses go first.

Both hand their action a `dialog` and a `busy` button (and the move dialog its `fields`) for
`actions.call_service`, so a refusal shows in the dialog and a success closes it from the page's root.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

Action = Callable[..., Awaitable[Any]]


def close_and_delete(dialog: ui.dialog) -> None:
    """Cancel: the dialog goes, and its elements with it (a page may open many over its life)."""
    dialog.close()
    dialog.delete()


def confirm_delete(question: str, detail: str, on_confirm: Action) -> ui.dialog:
    """Ask `question`; Delete runs `on_confirm(dialog=..., busy=...)`, Cancel closes without a change."""
    with ui.dialog() as dialog, ui.card().classes('w-full max-w-md').mark('confirm-delete'):
        ui.label(question).classes('text-lg font-semibold').mark('confirm-question')
        ui.label(detail).classes('opacity-80')
        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=lambda: close_and_delete(dialog)).props('flat').mark('cancel-delete')
            button = ui.button('Delete', color='negative', icon='delete').mark('confirm-delete-yes')
            button.on_click(lambda: on_confirm(dialog=dialog, busy=button))
    dialog.open()
    return dialog


def move_and_delete(message: str, options: dict[int, str], *, what: str, field: str, on_move: Action) -> ui.dialog:
    """Show `message` and a choice among `options`; Move and delete runs
    `on_move(target, fields={field: select}, dialog=..., busy=...)` once a target is chosen."""
    with ui.dialog() as dialog, ui.card().classes('w-full max-w-md').mark('move-dialog'):
        ui.label(f'This {what} is in use').classes('text-lg font-semibold')
        ui.label(message).classes('opacity-80').mark('move-message')
        target = None
        if options:
            target = (
                ui.select(options, label='Move its expenses to', value=None)
                .props('outlined options-dense')
                .classes('w-full')
                .mark('move-to')
            )
        else:
            ui.label(f'Create another {what} first, to move the expenses to it.').classes('text-sm')
        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=lambda: close_and_delete(dialog)).props('flat').mark('cancel-move')
            if target is not None:
                button = ui.button('Move and delete', color='negative').mark('move-and-delete')

                async def submit() -> None:
                    if target.value is None:
                        target.error = f'Choose a {what} to move the expenses to.'
                        return
                    await on_move(target.value, fields={field: target}, dialog=dialog, busy=button)

                button.on_click(submit)
    dialog.open()
    return dialog
