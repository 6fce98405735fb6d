"""A notification with an Undo button. `ui.notify` cannot carry a JavaScript handler for its actions, so
this one is created by Quasar directly; its button emits a page event that `ui.on(event)` receives."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from nicegui import ui

from app.i18n import _


def notify_with_undo(message: str, event: str, *, timeout_ms: int = 8000) -> None:
    """Show `message` with an Undo button for `timeout_ms`; pressing it emits `event` (see `ui.on`)."""
    # dark grey with white text: Quasar's `info` type (white on light cyan) is about 2:1, unreadable
    look = {'color': 'grey-9', 'textColor': 'white', 'icon': 'delete_outline'}
    options = json.dumps({'message': message, 'timeout': timeout_ms, 'progress': True, **look})
    undo = json.dumps(_('Undo'))
    ui.run_javascript(
        f'Quasar.Notify.create({{...{options}, actions: [{{label: {undo}, color: "white", '
        f'handler: () => emitEvent({json.dumps(event)})}}]}})'
    )


class UndoOffers:
    """Each deletion gets its own Undo: a notification per deletion, and pressing one restores only the
    snapshot it announced (a second press, or one after another Undo, does nothing).

    `restore(snapshot)` runs through `call_service`, then `refresh` redraws the list and `restored(item)`
    says what came back."""

    def __init__(
        self,
        event_name: str,
        restore: Callable[[Any], Any],
        *,
        refresh: Callable[[], Any],
        restored: Callable[[Any], str],
    ) -> None:
        self._event_name = event_name  # with an {id} placeholder: one page event per deleted item
        self._restore = restore
        self._refresh = refresh
        self._restored = restored
        self._pending: dict[str, Any] = {}
        self._listening: set[str] = set()

    def offer(self, item_id: int, name: str, snapshot: Any) -> None:
        event = self._event_name.format(id=item_id)
        self._pending[event] = snapshot
        if event not in self._listening:
            self._listening.add(event)
            ui.on(event, lambda: self._undo(event))
        notify_with_undo(_('{name} deleted.', name=name), event)

    async def _undo(self, event: str) -> None:
        from app.pages.components.actions import call_service

        snapshot = self._pending.pop(event, None)
        if snapshot is not None:
            await call_service(self._restore, snapshot, refresh=self._refresh, success=self._restored)
