"""The one way tests wait for an outcome they cannot await: poll a condition, boundedly, and fail clearly.

Pages run service calls in worker threads and refresh in tasks, servers start in subprocesses: the
outcome arrives a moment later, sooner or later depending on how loaded the machine is. A fixed sleep is
either too short (flaky) or too long (slow); these poll often and give up only after a generous bound.

- `await until(condition)` in async tests (NiceGUI's simulated user): yields to the event loop between
  polls, so the page's tasks and callbacks keep running.
- `wait_until(condition)` in sync tests (real servers, subprocesses, threads): blocks between polls.

Both return the condition's first truthy value, so `answer = wait_until(lambda: fetch() or None)` works,
and raise AssertionError naming `failure` (or the condition's source line) when the bound passes. A
condition that raises AssertionError (an element not on the page yet) counts as "not yet", except at the
last poll, whose error is then the one reported.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar('T')

SECONDS = 10.0  # generous: a loaded CI machine is slow; a passing test never waits this long


def _poll(condition: Callable[[], T], *, last: bool) -> T | None:
    try:
        return condition()
    except AssertionError:
        if last:
            raise
        return None


def _failure(condition: Callable[[], object], seconds: float, failure: str | Callable[[], str] | None) -> str:
    if callable(failure):
        failure = failure()
    if failure is None:
        try:
            failure = inspect.getsource(condition).strip()
        except (OSError, TypeError):
            failure = repr(condition)
    return f'not true within {seconds:g} s: {failure}'


async def until(
    condition: Callable[[], T],
    seconds: float = SECONDS,
    *,
    every: float = 0.01,
    failure: str | Callable[[], str] | None = None,
) -> T:
    """Poll `condition` on the event loop until it is truthy; AssertionError after `seconds`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        last = loop.time() >= deadline
        value = _poll(condition, last=last)
        if value:
            return value
        if last:
            raise AssertionError(_failure(condition, seconds, failure))
        await asyncio.sleep(every)


def wait_until(
    condition: Callable[[], T],
    seconds: float = SECONDS,
    *,
    every: float = 0.05,
    failure: str | Callable[[], str] | None = None,
) -> T:
    """Poll `condition` from a plain thread until it is truthy; AssertionError after `seconds`."""
    pause = threading.Event()  # never set: its wait() is an interruptible pause between polls
    deadline = time.monotonic() + seconds
    while True:
        last = time.monotonic() >= deadline
        value = _poll(condition, last=last)
        if value:
            return value
        if last:
            raise AssertionError(_failure(condition, seconds, failure))
        pause.wait(every)
