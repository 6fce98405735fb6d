"""A notification with an Undo button. `ui.notify` cannot carry a JavaScript handler for its actions, so
this one is created by Quasar directly; its button emits a page event that `ui.on(event)` receives."""

from __future__ import annotations

import json

from nicegui import ui


def notify_with_undo(message: str, event: str, *, timeout_ms: int = 8000) -> None:
    """Show `message` with an Undo button for `timeout_ms`; pressing it emits `event` (see `ui.on`)."""
    # dark grey with white text: Quasar's `info` type (white on light cyan) is about 2:1, unreadable
    look = {'color': 'grey-9', 'textColor': 'white', 'icon': 'delete_outline'}
    options = json.dumps({'message': message, 'timeout': timeout_ms, 'progress': True, **look})
    ui.run_javascript(
        f'Quasar.Notify.create({{...{options}, actions: [{{label: "Undo", color: "white", '
        f'handler: () => emitEvent({json.dumps(event)})}}]}})'
    )
