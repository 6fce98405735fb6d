"""Helpers for the Settings page tests: what the user sees after a click, waited for boundedly (service
calls run in worker threads, so the outcome arrives a moment later; tests/polling.py waits)."""

from __future__ import annotations

from nicegui.testing import User

from tests.polling import until


async def see(user: User, *args, **kwargs) -> None:
    """should_see with patience for a loaded machine (10 s at most)."""
    await user.should_see(*args, retries=100, **kwargs)


async def toasted(user: User, text: str) -> None:
    """A notification containing `text` appeared (not merely some element with that text)."""
    await until(lambda: any(text in message for message in user.notify.messages))


def rows(user: User, marker: str) -> list[dict]:
    """The rows a table shows, as the browser receives them."""
    return user.find(marker=marker).elements.pop().rows
