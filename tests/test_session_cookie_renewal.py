"""Issue 13 item 13: sessions slide in the browser too.

The fault: the server extended a session on use, but the cookie kept the Max-Age of the login, so an
active browser was logged out SESSION_DURATION hours after logging in. Now each extension re-sends
the cookie with what is left of the session (app/web/cookies.py SessionRenewalMiddleware).
"""

from __future__ import annotations

import importlib
import re
from datetime import timedelta

import time_machine
from nicegui.testing import User

from app.config import get_settings
from app.models import Session, utcnow
from app.services import sessions
from tests.conftest import API_KEY, api_login, make_user


def _session_cookies(response) -> list[str]:
    return [value for value in response.headers.get_list('set-cookie') if value.startswith('wis_session=')]


def _max_age(cookie: str) -> int:
    found = re.search(r'Max-Age=(\d+)', cookie, re.IGNORECASE)
    assert found, cookie
    return int(found.group(1))


async def _logged_in(user: User) -> tuple[str, int]:
    make_user('alice')
    await api_login(user)
    return user.http_client.cookies.get('wis_session'), get_settings().session_duration * 3600


async def test_a_request_after_half_the_duration_renews_the_cookie(user: User) -> None:
    token, lifetime = await _logged_in(user)
    with time_machine.travel(timedelta(seconds=lifetime // 2), tick=False):
        response = await user.http_client.get('/expenses')
        assert response.status_code == 200
        [cookie] = _session_cookies(response)
        assert cookie.startswith(f'wis_session={token};')  # the same session, not a new one
        assert _max_age(cookie) == lifetime
        assert 'HttpOnly' in cookie and 'samesite=lax' in cookie.lower()
        assert Session.get().expires_at == utcnow() + timedelta(seconds=lifetime)
        again = await user.http_client.get(f'/sysapi/session?key={API_KEY}')
        assert _session_cookies(again) == []  # extended at most once a minute: not every request writes


async def test_an_active_browser_stays_logged_in_past_the_first_lifetime(user: User) -> None:
    token, lifetime = await _logged_in(user)
    for step in (1, 2, 3):  # used every 0.75 lifetime: 2.25 lifetimes after logging in
        with time_machine.travel(timedelta(seconds=lifetime * 3 // 4 * step), tick=False):
            response = await user.http_client.get(f'/sysapi/session?key={API_KEY}')
            assert response.json()['authenticated'] is True
            [cookie] = _session_cookies(response)
            assert _max_age(cookie) == lifetime


async def test_an_idle_session_still_expires(user: User) -> None:
    token, lifetime = await _logged_in(user)
    with time_machine.travel(timedelta(seconds=lifetime + 60), tick=False):
        response = await user.http_client.get(f'/sysapi/session?key={API_KEY}')
        assert response.json()['authenticated'] is False
        assert _session_cookies(response) == []  # nothing renewed
        assert sessions.touch(token) is None


async def test_logout_is_not_undone_by_the_renewal(user: User) -> None:
    token, lifetime = await _logged_in(user)
    with time_machine.travel(timedelta(seconds=lifetime // 2), tick=False):
        response = await user.http_client.post(f'/sysapi/logout?key={API_KEY}')
        [cookie] = _session_cookies(response)  # only the deletion, no renewed cookie next to it
        assert 'Max-Age=0' in cookie or 'expires=Thu, 01 Jan 1970' in cookie
        assert sessions.user_for_token(token) is None


async def test_an_open_page_keeps_its_cookie_fresh_through_auth_alive(user: User) -> None:
    """A page used only over the websocket fetches /auth/alive now and then (app/pages/guard.py)."""
    token, lifetime = await _logged_in(user)
    with time_machine.travel(timedelta(seconds=lifetime // 2), tick=False):
        response = await user.http_client.get('/auth/alive')
        assert response.json() == {'authenticated': True}
        [cookie] = _session_cookies(response)
        assert _max_age(cookie) == lifetime
    with time_machine.travel(timedelta(seconds=lifetime * 2), tick=False):
        assert (await user.http_client.get('/auth/alive')).json() == {'authenticated': False}


async def test_a_page_in_use_asks_for_auth_alive(user: User, monkeypatch) -> None:
    await _logged_in(user)
    await user.open('/expenses')
    asked: list[str] = []
    guard = importlib.import_module('app.pages.guard')  # the module the running app uses (tests reload pages)
    monkeypatch.setattr(guard, 'KEEP_ALIVE_SECONDS', -1)  # as if the page had been used for long
    monkeypatch.setattr(type(user.client), 'run_javascript', lambda self, code, **_: asked.append(code))
    monkeypatch.setattr(type(user.client), 'has_socket_connection', property(lambda self: True))
    user.find(marker='toggle-dark').click()
    assert any("'/auth/alive'" in code and 'fetch(' in code for code in asked)  # under the proxy's sub-path too
