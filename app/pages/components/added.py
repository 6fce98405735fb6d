"""What a page does after an expense was added from the frame's add button (the floating button, the header's
button, the `n` key): a page that shows expenses registers it (the dashboard reloads its figures, the
expenses page shows the month of the new expense); other pages only confirm. Per open page (client)."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from nicegui import Client, ui

AfterAdd = Callable[[Any], Any]
_AFTER: weakref.WeakKeyDictionary[Client, AfterAdd] = weakref.WeakKeyDictionary()


def after_add(callback: AfterAdd) -> None:
    """Call while building a page: `callback(expense_row)` runs after each expense added on it."""
    _AFTER[ui.context.client] = callback


def after_add_of(client: Client) -> AfterAdd | None:
    return _AFTER.get(client)
