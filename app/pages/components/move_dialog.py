"""The dialogs of deleting something: confirm when nothing uses it, or choose where its expenses go first.

Both hand their action a `dialog` and a `busy` button (and the move dialog its `fields`) for
`actions.call_service`, so a refusal shows in the dialog and a success closes it from the page's root.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from app.i18n import N_, _

Action = Callable[..., Awaitable[Any]]

# What the move dialog says, per kind of thing (whole sentences: French agrees them with the noun's gender):
# its title, the hint when there is nowhere to move to, and the error when no target is chosen.
_MOVE_TEXTS = {
    'category': (
        N_('This category is in use'),
        N_('Create another category first, to move the expenses to it.'),
        N_('Choose a category to move the expenses to.'),
    ),
    'payment method': (
        N_('This payment method is in use'),
        N_('Create another payment method first, to move the expenses to it.'),
        N_('Choose a payment method to move the expenses to.'),
    ),
}


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
            ui.button(_('Cancel'), on_click=lambda: close_and_delete(dialog)).props('flat').mark('cancel-delete')
            button = ui.button(_('Delete'), color='negative', icon='delete').mark('confirm-delete-yes')
            button.on_click(lambda: on_confirm(dialog=dialog, busy=button))
    dialog.open()
    return dialog


def move_and_delete(message: str, options: dict[int, str], *, what: str, field: str, on_move: Action) -> ui.dialog:
    """Show `message` and a choice among `options`; Move and delete runs
    `on_move(target, fields={field: select}, dialog=..., busy=...)` once a target is chosen.
    `what`: 'category' or 'payment method' (the key of its texts)."""
    title, none_left, choose = _MOVE_TEXTS[what]
    with ui.dialog() as dialog, ui.card().classes('w-full max-w-md').mark('move-dialog'):
        ui.label(_(title)).classes('text-lg font-semibold')
        ui.label(message).classes('opacity-80').mark('move-message')
        target = None
        if options:
            target = (
                ui.select(options, label=_('Move its expenses to'), value=None)
                .props('outlined options-dense')
                .classes('w-full')
                .mark('move-to')
            )
        else:
            ui.label(_(none_left)).classes('text-sm')
        with ui.row().classes('w-full justify-end'):
            ui.button(_('Cancel'), on_click=lambda: close_and_delete(dialog)).props('flat').mark('cancel-move')
            if target is not None:
                button = ui.button(_('Move and delete'), color='negative').mark('move-and-delete')

                async def submit() -> None:
                    if target.value is None:
                        target.error = _(choose)
                        return
                    await on_move(target.value, fields={field: target}, dialog=dialog, busy=button)

                button.on_click(submit)
    dialog.open()
    return dialog
