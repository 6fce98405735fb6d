"""Helpers for the Settings page tests: bounded waits for what the user sees after a click (service calls
run in worker threads, so the outcome arrives a moment later)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from nicegui.testing import User


async def see(user: User, *args, **kwargs) -> None:
    """should_see with patience for a loaded machine (10 s at most)."""
    await user.should_see(*args, retries=100, **kwargs)


async def settle(condition: Callable[[], object], seconds: float = 10) -> None:
    """Poll until `condition` holds (the service call behind a click has finished); fail after `seconds`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not _holds(condition, last_chance=loop.time() >= deadline):
        assert loop.time() < deadline, 'the condition never became true'
        await asyncio.sleep(0.01)


def _holds(condition: Callable[[], object], *, last_chance: bool) -> bool:
    """The element a condition reads may not be on the page yet (a tab still loading): not yet, until the end."""
    try:
        return bool(condition())
    except AssertionError:
        if last_chance:
            raise
        return False


async def toasted(user: User, text: str) -> None:
    """A notification containing `text` appeared (not merely some element with that text)."""
    await settle(lambda: any(text in message for message in user.notify.messages))


def rows(user: User, marker: str) -> list[dict]:
    """The rows a table shows, as the browser receives them."""
    return user.find(marker=marker).elements.pop().rows
