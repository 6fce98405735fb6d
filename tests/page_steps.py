"""Steps the user-fixture tests of the categories and payment methods pages share."""

from __future__ import annotations

import importlib

import pytest
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from tests.builders import basics
from tests.conftest import api_login, make_user
from tests.polling import until


async def logged_in_alice(user: User, *, admin: bool = False) -> dict:
    """alice with Food (Groceries, Restaurants), Transport, Card and Cash (`basics`), logged in on the
    simulated user's HTTP client: `{'alice': alice, 'food': ..., ...}`."""
    alice = make_user('alice', admin=admin)
    things = basics(alice)
    await api_login(user)
    return {'alice': alice, **things}


async def open_page(user: User, path: str) -> dict:
    """`logged_in_alice`, then `path` opened."""
    world = await logged_in_alice(user)
    await user.open(path)
    return world


async def open_as(user: User, username: str, path: str) -> None:
    """Log in as `username` (password: PASSWORD) and open `path`."""
    await api_login(user, username)
    await user.open(path)


def one(user: User, marker: str):
    found = user.find(marker=marker).elements
    assert len(found) == 1, f'{len(found)} elements marked {marker}'
    return next(iter(found))


def record_undo_toasts(monkeypatch: pytest.MonkeyPatch, page_module: str) -> list[tuple[str, str]]:
    """The Undo notification is created by Quasar in the browser (the simulated user does not run it):
    record what it would show and which event its button emits. The module is patched by name once `user`
    loaded the app: NiceGUI's fixture imports page modules afresh for every test. `page_module` is kept for
    the callers; every page's Undo goes through `undo_notification.UndoOffers`."""
    shown: list[tuple[str, str]] = []
    module = importlib.import_module('app.pages.components.undo_notification')  # the one the app uses now
    monkeypatch.setattr(module, 'notify_with_undo', lambda message, event: shown.append((message, event)))
    return shown


async def press_undo(user: User, toasts: list[tuple[str, str]]) -> None:
    """Press Undo in the last notification, once it was shown."""
    await until(lambda: toasts)
    UserInteraction(user, {user.client.layout}, None).trigger(toasts[-1][1])
