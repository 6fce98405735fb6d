"""The polling helper every test waits with: it returns what the condition gave, is bounded, and says what
never became true."""

from __future__ import annotations

import itertools

import pytest

from tests.polling import until, wait_until


def _true_on_third_poll():
    polls = itertools.count(1)
    return lambda: 'ready' if next(polls) >= 3 else None


async def test_until_returns_the_first_truthy_value() -> None:
    assert await until(_true_on_third_poll(), every=0) == 'ready'


def test_wait_until_returns_the_first_truthy_value() -> None:
    assert wait_until(_true_on_third_poll(), every=0) == 'ready'


async def test_until_fails_after_its_bound_naming_the_condition() -> None:
    with pytest.raises(AssertionError, match=r"not true within 0\.05 s: .*'never' == 'now'"):
        await until(lambda: 'never' == 'now', 0.05)


def test_wait_until_fails_with_the_message_given() -> None:
    with pytest.raises(AssertionError, match='not true within 0.05 s: the server never answered'):
        wait_until(lambda: False, 0.05, every=0.01, failure=lambda: 'the server never answered')


async def test_an_assertion_inside_the_condition_means_not_yet_until_the_last_poll() -> None:
    polls = itertools.count(1)

    def element_shown() -> bool:
        assert next(polls) >= 3, 'not on the page yet'
        return True

    assert await until(element_shown, every=0) is True

    def never_shown() -> bool:
        raise AssertionError('not on the page yet')

    with pytest.raises(AssertionError, match='not on the page yet'):
        await until(never_shown, 0.05)


def test_another_error_stops_polling_at_once() -> None:
    polls = itertools.count(1)

    def server_exited() -> bool:
        next(polls)
        raise RuntimeError('the server exited')

    with pytest.raises(RuntimeError):
        wait_until(server_exited, 5)
    assert next(polls) == 2  # polled once
