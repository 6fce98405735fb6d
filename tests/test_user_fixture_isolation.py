"""The simulated user runs main.py once per test; nothing main.py registers may pile up from test to test.

Regression: FastAPI wraps the app's lifespan once per `include_router`, NiceGUI's reset kept the wrappers,
and after a few hundred page tests in one worker the app's start-up hit RecursionError."""

from __future__ import annotations

import pytest
from nicegui import app

DEPTHS: list[int] = []


def lifespan_nesting() -> int:
    """How many of FastAPI's merged lifespans wrap the app's own (one per included router)."""
    depth, context = 0, app.router.lifespan_context
    while (merged := getattr(context, '__wrapped__', None)) is not None and merged.__closure__:
        cells = dict(zip(merged.__code__.co_freevars, merged.__closure__, strict=True))
        if 'original_context' not in cells:
            break
        depth, context = depth + 1, cells['original_context'].cell_contents
    return depth


@pytest.mark.parametrize('run', [1, 2, 3])
async def test_each_test_starts_the_app_as_deep_as_the_first(user, run: int) -> None:
    await user.open('/login')
    DEPTHS.append(lifespan_nesting())
    assert DEPTHS[0] > 0  # main.py includes routers: the measure sees them
    assert set(DEPTHS) == {DEPTHS[0]}, DEPTHS
