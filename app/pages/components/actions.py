"""The one way a page calls a service: off the event loop, refusals under their field, and on success
close, refresh and confirm in an order that cannot run inside a deleted element.

Why this exists: a handler that deleted its dialog and then called `ui.notify` or a refresh from inside
the dialog's slot raised "The parent element this slot belongs to has been deleted"; the data was saved
but the user saw nothing and tried again. Here every visible consequence of a success runs in the page's
root layout, which outlives any dialog, and the dialog is deleted last.

Saving is also made safe to repeat: the busy element (the Save button) is disabled while the call runs,
and a second trigger of the same action (double click, double Enter) is ignored until the first ends.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar, cast

from nicegui import run, ui
from nicegui.elements.mixins.disableable_element import DisableableElement

from app.i18n import Message, render
from app.services.errors import ServiceError

log = logging.getLogger(__name__)
T = TypeVar('T')

# Elements whose action is running: a second trigger while one runs is dropped, not queued.
_running: set[int] = set()


def show_service_error(exc: ServiceError, fields: Mapping[str, Any] | None = None) -> None:
    """Under the field the refusal names when the form has it; as a notification otherwise.

    In the page's language: this runs in the page's task (after the worker thread), where it is current."""
    target = (fields or {}).get(exc.field or '')
    if target is not None:
        target.error = exc.render()
        return
    ui.notify(exc.render(), type='negative', multi_line=True)


def clear_errors(fields: Mapping[str, Any] | None) -> None:
    for element in (fields or {}).values():
        with contextlib.suppress(AttributeError):
            element.error = None


async def call_service(
    call: Callable[..., T],
    *args: Any,
    fields: Mapping[str, Any] | None = None,
    dialog: ui.dialog | None = None,
    busy: DisableableElement | None = None,
    refresh: Callable[[], Any] | None = None,
    success: str | Message | Callable[[T], str | Message | None] | None = None,
    after: Callable[[T], Awaitable[Any] | Any] | None = None,
    **kwargs: Any,
) -> T | None:
    """Run `call(*args, **kwargs)` in a worker thread and show the outcome.

    Returns the call's result, or None when it was refused (the message is already shown), when the same
    `busy` element's action is still running, or when the page went away. On success, in this order and
    in the page's root layout: close `dialog`, run `refresh`, run `after(result)`, show `success` (a text,
    a lazy Message, or a function of the result giving one; rendered in the page's language), then delete
    the dialog.
    """
    key = id(busy) if busy is not None else None
    if key is not None:
        if key in _running:
            return None
        _running.add(key)
    client = ui.context.client
    if busy is not None:
        busy.disable()
    try:
        clear_errors(fields)
        try:
            # io_bound gives None also when the app shuts down mid-call; a service may return None itself,
            # so None cannot be told apart here and is passed on as the service's result
            result = cast(T, await run.io_bound(call, *args, **kwargs))
        except ServiceError as exc:
            with client.layout:
                show_service_error(exc, fields)
            return None
        if client.is_deleted:  # the page was closed while the call ran
            return result
        with client.layout:
            if dialog is not None:
                dialog.close()
            if refresh is not None:
                await _maybe_await(refresh())
            if after is not None:
                await _maybe_await(after(result))
            message = success(result) if callable(success) else success
            if message:
                ui.notify(render(message), type='positive')
            if dialog is not None and not dialog.is_deleted:
                dialog.delete()
        return result
    finally:
        if key is not None:
            _running.discard(key)
        if busy is not None and not busy.is_deleted:
            busy.enable()


async def _maybe_await(value: Any) -> Any:
    if inspect.isawaitable(value):
        return await value
    return value
