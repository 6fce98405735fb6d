"""The dialog shown when something in use is deleted: say how many expenses use it, offer to move them."""

from __future__ import annotations

from nicegui import ui


async def ask_move_target(message: str, options: dict[int, str], *, what: str) -> int | None:
    """Show `message` and a choice among `options`; the chosen id, or None when cancelled."""
    with ui.dialog() as dialog, ui.card().classes('w-full max-w-md').mark('move-dialog'):
        ui.label(f'This {what} is in use').classes('text-lg font-semibold')
        ui.label(message).classes('opacity-80').mark('move-message')
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
            ui.button('Cancel', on_click=lambda: dialog.submit(None)).props('flat').mark('cancel-move')
            if options:

                def submit() -> None:
                    if target.value is None:
                        target.error = f'Choose a {what} to move the expenses to.'
                        return
                    dialog.submit(target.value)

                ui.button('Move and delete', color='negative', on_click=submit).mark('move-and-delete')
    choice = await dialog
    dialog.delete()
    return choice
