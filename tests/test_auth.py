"""Login, logout, sessions and the API key, over HTTP against the real app."""

from datetime import timedelta

import time_machine
from nicegui.testing import User

from app.models import AuditEvent, Session
from app.services import sessions
from tests.conftest import API_KEY, PASSWORD, api_login, make_user


async def test_every_sysapi_call_needs_the_key(user: User) -> None:
    for url in ('/sysapi/session', '/sysapi/session?key=wrong'):
        response = await user.http_client.get(url)
        assert response.status_code == 401
        assert 'API key' in response.json()['error']
    response = await user.http_client.post('/sysapi/login', data={'username': 'x', 'password': 'y'})
    assert response.status_code == 401


async def test_login_good_and_bad(user: User) -> None:
    make_user('alice')
    bad = await user.http_client.post(
        f'/sysapi/login?key={API_KEY}', data={'username': 'alice', 'password': 'nope nope'}
    )
    assert bad.status_code == 401
    assert bad.json()['error'].startswith('Wrong username or password')
    unknown = await user.http_client.post(
        f'/sysapi/login?key={API_KEY}', data={'username': 'zed', 'password': 'nope nope'}
    )
    assert unknown.json() == bad.json()  # the same answer for an unknown user

    good = await user.http_client.post(f'/sysapi/login?key={API_KEY}', json={'username': 'ALICE', 'password': PASSWORD})
    assert good.status_code == 200
    assert good.json()['user']['username'] == 'alice' and good.json()['success'] is True
    assert set(good.json()['user']) == {
        'id',
        'username',
        'is_admin',
        'theme',
        'currency',
        'locale',
        'timezone',
        'capture_location',
        'language',
    }
    cookie = good.headers['set-cookie']
    assert 'wis_session=' in cookie and 'HttpOnly' in cookie and 'SameSite=lax' in cookie.replace('Lax', 'lax')
    session = await user.http_client.get(f'/sysapi/session?key={API_KEY}')
    assert session.json()['authenticated'] is True


async def test_malformed_login_bodies(user: User) -> None:
    for kwargs in ({'content': b'\xff\xfe{'}, {'json': ['a']}, {'data': {'username': 'a'}}, {'content': b'x' * 70000}):
        response = await user.http_client.post(f'/sysapi/login?key={API_KEY}', **kwargs)
        assert response.status_code == 422, kwargs
        assert response.json()['error']


async def test_logout_ends_the_session_on_the_server(user: User) -> None:
    make_user('alice')
    await api_login(user)
    token = user.http_client.cookies.get('wis_session')
    assert sessions.user_for_token(token) is not None
    response = await user.http_client.post(f'/sysapi/logout?key={API_KEY}')
    assert response.status_code == 200
    assert sessions.user_for_token(token) is None
    user.http_client.cookies.set('wis_session', token)  # a stolen copy of the cookie no longer works
    assert (await user.http_client.get(f'/sysapi/session?key={API_KEY}')).json()['authenticated'] is False


async def test_session_expires_and_is_renewed_on_use(user: User) -> None:
    make_user('alice')
    await api_login(user)
    token = user.http_client.cookies.get('wis_session')
    with time_machine.travel(timedelta(hours=23), tick=False):
        assert sessions.user_for_token(token) is not None  # used at 23 h: renewed for 24 h more
    with time_machine.travel(timedelta(hours=46), tick=False):
        assert sessions.user_for_token(token) is not None
    with time_machine.travel(timedelta(hours=71), tick=False):
        assert sessions.user_for_token(token) is None
        assert (await user.http_client.get(f'/sysapi/session?key={API_KEY}')).json()['authenticated'] is False


async def test_sessions_are_stored_hashed(user: User) -> None:
    make_user('alice')
    await api_login(user)
    token = user.http_client.cookies.get('wis_session')
    stored = [s.token_hash for s in Session.select()]
    assert token not in stored and len(stored) == 1


async def test_browser_login_form_and_next(user: User) -> None:
    make_user('alice')
    bad = await user.http_client.post('/auth/login', data={'username': 'alice', 'password': 'x', 'next': '/expenses'})
    assert bad.status_code == 303
    assert bad.headers['location'].startswith('/login?error=credentials&next=/expenses')
    for evil in ('https://evil.example/', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '/login'):
        response = await user.http_client.post(
            '/auth/login', data={'username': 'alice', 'password': PASSWORD, 'next': evil}
        )
        assert response.status_code == 303
        assert response.headers['location'] == '/', evil
    response = await user.http_client.post(
        '/auth/login', data={'username': 'alice', 'password': PASSWORD, 'next': '/expenses?month=2026-01'}
    )
    assert response.headers['location'] == '/expenses?month=2026-01'
    logout = await user.http_client.post('/auth/logout')
    assert logout.status_code == 303 and logout.headers['location'] == '/login'


async def test_login_rotates_the_session(user: User) -> None:
    make_user('alice')
    await api_login(user)
    first = user.http_client.cookies.get('wis_session')
    await api_login(user)
    second = user.http_client.cookies.get('wis_session')
    assert first != second
    assert sessions.user_for_token(first) is None  # the old session ended with the new login


async def test_both_logins_end_the_previous_session_the_same_way(user: User) -> None:
    """The API and the login form replace the browser's session through one function: the old session
    ends, audited as a logout from the address of the login."""
    make_user('alice')
    await api_login(user)
    await api_login(user)  # /sysapi/login over a live session
    form = await user.http_client.post('/auth/login', data={'username': 'alice', 'password': PASSWORD, 'next': '/'})
    assert form.status_code == 303
    events = list(AuditEvent.select().where(AuditEvent.event.in_(['login_ok', 'logout'])).order_by(AuditEvent.id))
    assert [e.event for e in events] == ['login_ok', 'logout', 'login_ok', 'logout', 'login_ok']
    assert all(e.ip and e.ip == events[0].ip and e.username == 'alice' for e in events)
    assert Session.select().count() == 1


async def test_openapi_is_served(user: User) -> None:
    response = await user.http_client.get('/openapi.json')
    assert response.status_code == 200
    assert '/sysapi/login' in response.json()['paths']
