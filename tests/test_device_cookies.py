"""Issue 13 item 6: five wrong passwords from one address must not lock the owner out everywhere.

A browser that logged in before carries a signed device cookie; with it the right password works while the
username is locked for everyone else. Without one, or with a forged or another user's cookie, the lock holds.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from nicegui.testing import User

from app.models import AuditEvent
from app.services import login, sessions
from app.services.errors import TooManyRequests, Unauthorized
from tests.conftest import PASSWORD, make_user

NOW = datetime(2026, 3, 1, 12, 0, 0)
ATTACKER, OWNER = '203.0.113.66', '198.51.100.7'


def at(seconds: float = 0):
    return time_machine.travel(NOW + timedelta(seconds=seconds), tick=False)


def lock(username: str = 'alice') -> None:
    for _ in range(5):
        with pytest.raises(Unauthorized):
            login.login(username, 'wrong password', ip=ATTACKER)


def test_a_device_cookie_lets_the_owner_in_while_the_username_is_locked(database) -> None:
    alice = make_user('alice')
    with at(-3600):
        device = login.begin_login('alice', PASSWORD, ip=OWNER).device  # an earlier, successful login
    assert device and login.device_nonce(device, 'ALICE') is not None
    with at(0):
        lock('alice')
        with pytest.raises(TooManyRequests):  # without the cookie: still throttled, from any address
            login.begin_login('alice', PASSWORD, ip=OWNER)
        step = login.begin_login('alice', PASSWORD, ip=OWNER, device_cookie=device)
        assert step.user.id == alice.id and sessions.user_for_token(step.session) is not None
    assert step.device and step.device != device  # a fresh cookie at each successful login


def test_a_forged_or_other_users_device_cookie_does_not_help(database) -> None:
    make_user('alice')
    make_user('mallory')
    with at(-3600):
        mallorys = login.begin_login('mallory', PASSWORD, ip=ATTACKER).device
        alices = login.begin_login('alice', PASSWORD, ip=OWNER).device
    payload, _, _mac = alices.rpartition('.')
    forged = [
        mallorys,  # a real cookie, but for another account
        f'{payload}.{"A" * 43}',  # alice's payload with a made-up signature
        mallorys.replace(mallorys.split('.')[1], alices.split('.')[1], 1),  # mallory's signature, alice's id
        'd1.1.nonce',
        '',
    ]
    with at(0):
        lock('alice')
        for cookie in forged:
            assert login.device_nonce(cookie, 'alice') is None
            with pytest.raises(TooManyRequests):
                login.begin_login('alice', PASSWORD, ip=OWNER, device_cookie=cookie)


def test_a_device_cookie_that_failed_too_often_is_locked_itself(database) -> None:
    make_user('alice')
    with at(-3600):
        device = login.begin_login('alice', PASSWORD, ip=OWNER).device
    with at(0):
        for _ in range(5):
            with pytest.raises(Unauthorized):
                login.begin_login('alice', 'wrong', ip=OWNER, device_cookie=device)
        with pytest.raises(TooManyRequests) as refused:
            login.begin_login('alice', PASSWORD, ip=OWNER, device_cookie=device)
        assert refused.value.retry_after == 60
        # the cookie's failures are its own: the username is not locked for a browser without it
        assert login.seconds_to_wait('alice', ATTACKER) == 0
    assert AuditEvent.select().where(AuditEvent.event == login.DEVICE_FAILED).count() == 5
    with at(61):
        assert login.begin_login('alice', PASSWORD, ip=OWNER, device_cookie=device).session


async def test_http_login_with_a_device_cookie_while_locked(user: User) -> None:
    make_user('alice')
    first = await user.http_client.post('/auth/login', data={'username': 'alice', 'password': PASSWORD})
    assert first.status_code == 303 and first.headers['location'] == '/'
    device = first.cookies.get(login.DEVICE_COOKIE)
    assert device
    set_cookie = [v for k, v in first.headers.multi_items() if k == 'set-cookie' and v.startswith('wis_device=')][0]
    assert (
        'httponly' in set_cookie.lower()
        and 'path=/auth' in set_cookie.lower()
        and 'max-age=31536000' in set_cookie.lower()
    )
    lock('alice')
    user.http_client.cookies.clear()
    without = await user.http_client.post('/auth/login', data={'username': 'alice', 'password': PASSWORD})
    assert 'error=throttled' in without.headers['location']
    user.http_client.cookies.set(login.DEVICE_COOKIE, device, path='/auth')
    with_cookie = await user.http_client.post('/auth/login', data={'username': 'alice', 'password': PASSWORD})
    assert with_cookie.status_code == 303 and with_cookie.headers['location'] == '/'
    assert sessions.user_for_token(with_cookie.cookies.get('wis_session')).username == 'alice'
