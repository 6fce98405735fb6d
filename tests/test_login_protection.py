"""Login protection: throttled guessing, the same answer for unknown users, fail2ban lines, sessions."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

import pytest
import time_machine
from nicegui.testing import User

from app.models import AuditEvent, Session
from app.services import audit, login, sessions
from app.services.errors import Invalid, TooManyRequests, Unauthorized
from tests.conftest import API_KEY, PASSWORD, api_login, make_user

FAIL2BAN_REGEX = re.compile(
    r'^\S+ \S+ WARNING whatispend\.auth: login (?:failed|throttled) from (?P<host>\S+) for user '
)
NOW = '2026-03-01 12:00:00'


def fail(username: str, ip: str, times: int = 1) -> None:
    for _ in range(times):
        with pytest.raises(Unauthorized):
            login.login(username, 'wrong password', ip=ip)


def at(seconds: float):
    """The frozen clock, `seconds` after NOW."""
    return time_machine.travel(datetime.fromisoformat(NOW) + timedelta(seconds=seconds), tick=False)


def test_five_failures_for_a_user_make_the_next_attempt_wait(database) -> None:
    make_user('alice')
    with at(0):
        fail('alice', '203.0.113.1', 5)
        with pytest.raises(TooManyRequests) as refused:
            login.login('alice', PASSWORD, ip='198.51.100.2')  # even the right password, from elsewhere
    assert refused.value.retry_after == 60
    assert 'wait 60 seconds' in refused.value.message
    with at(61):
        fail('alice', '203.0.113.1')  # a sixth failure: the wait doubles
    with at(62), pytest.raises(TooManyRequests) as refused:
        login.login('ALICE ', PASSWORD, ip='198.51.100.2')
    assert refused.value.retry_after == 119
    with at(182):
        user, token = login.login('alice', PASSWORD, ip='198.51.100.2')
        assert user.username == 'alice' and sessions.user_for_token(token) is not None


def test_the_wait_doubles_after_each_failure(database) -> None:
    make_user('alice')
    with at(0):
        fail('alice', '', 5)
    elapsed, waits = 0, []
    for _ in range(4):
        with at(elapsed):
            waits.append(login.seconds_to_wait('alice', ''))
        elapsed += waits[-1]
        with at(elapsed):
            fail('alice', '')
    assert waits == [60, 120, 240, 480]


def test_the_wait_is_capped_at_the_window_and_failures_then_expire(database) -> None:
    with at(0):  # 15 failures at once, as concurrent attempts could record them
        for _ in range(15):
            audit.record('login_failed', 'nobody', ip='203.0.113.1')
        assert login.seconds_to_wait('nobody', '') == 15 * 60  # LOGIN_WINDOW_MINUTES
    with at(15 * 60 + 1):
        assert login.seconds_to_wait('nobody', '') == 0


@time_machine.travel(NOW, tick=False)
def test_one_address_guessing_many_users_is_throttled(database) -> None:
    make_user('alice')
    for n in range(5):
        fail(f'user{n}', '203.0.113.7')
    with pytest.raises(TooManyRequests):
        login.login('alice', PASSWORD, ip='203.0.113.7')
    user, _ = login.login('alice', PASSWORD, ip='203.0.113.8')  # alice herself, elsewhere, is not
    assert user.username == 'alice'


@time_machine.travel(NOW, tick=False)
def test_unknown_users_are_answered_and_throttled_alike(database) -> None:
    make_user('alice')
    answers = {}
    for name in ('alice', 'nobody'):
        with pytest.raises(Unauthorized) as refused:
            login.login(name, 'wrong password', ip=f'203.0.113.{len(name)}')
        answers[name] = refused.value.message
    assert answers['alice'] == answers['nobody']
    for name in ('alice', 'nobody'):
        fail(name, f'198.51.100.{len(name)}', 4)
        with pytest.raises(TooManyRequests) as refused:
            login.login(name, 'x', ip='192.0.2.1')
        answers[name] = (refused.value.message, refused.value.retry_after)
    assert answers['alice'] == answers['nobody']


def test_failures_are_logged_for_fail2ban_and_audited(database, caplog) -> None:
    caplog.set_level(logging.INFO)
    make_user('alice')
    fail('alice', '203.0.113.9', 5)
    with pytest.raises(TooManyRequests):
        login.login('alice', PASSWORD, ip='203.0.113.9')
    make_user('bob')
    login.login('bob', PASSWORD, ip='198.51.100.1')
    formatter = logging.Formatter('%(asctime)s %(levelname)s %(name)s: %(message)s')
    lines = [formatter.format(r) for r in caplog.records if r.name == 'whatispend.auth' and r.levelname == 'WARNING']
    hosts = [FAIL2BAN_REGEX.match(line).group('host') for line in lines]
    assert hosts == ['203.0.113.9'] * 6
    # a username cannot forge the address fail2ban reads
    fail("x' from 192.0.2.1 for user 'y", '203.0.113.10')
    last = formatter.format(caplog.records[-2])
    assert FAIL2BAN_REGEX.match(last).group('host') == '203.0.113.10'
    logins = AuditEvent.select().where(AuditEvent.event.startswith('login_')).order_by(AuditEvent.id)
    events = [(e.event, e.username, e.ip) for e in logins]
    assert events[:7] == [('login_failed', 'alice', '203.0.113.9')] * 5 + [
        ('login_throttled', 'alice', '203.0.113.9'),
        ('login_ok', 'bob', '198.51.100.1'),
    ]


def test_password_change_ends_every_other_session(database) -> None:
    alice = make_user('alice')
    phone = sessions.create_session(alice)
    laptop = sessions.create_session(alice)
    with pytest.raises(Invalid):
        login.change_password(alice, 'not it', 'new password 1', 'new password 1', current_token=laptop)
    assert sessions.user_for_token(phone) is not None
    ended = login.change_password(alice, PASSWORD, 'new password 1', 'new password 1', current_token=laptop, ip='::1')
    assert ended == 1
    assert sessions.user_for_token(phone) is None
    assert sessions.user_for_token(laptop) is not None
    assert AuditEvent.get(AuditEvent.event == 'password_changed').ip == '::1'
    with pytest.raises(Unauthorized):
        login.login('alice', PASSWORD)
    login.login('alice', 'new password 1')


def test_log_out_other_sessions(database) -> None:
    alice, bob = make_user('alice'), make_user('bob')
    mine, other, bobs = sessions.create_session(alice), sessions.create_session(alice), sessions.create_session(bob)
    assert login.end_other_sessions(alice, mine, ip='203.0.113.4') == 1
    assert sessions.user_for_token(mine) and sessions.user_for_token(bobs)
    assert sessions.user_for_token(other) is None
    assert AuditEvent.get(AuditEvent.event == 'sessions_ended').username == 'alice'


async def test_http_login_is_throttled_with_retry_after(user: User) -> None:
    make_user('alice')
    for _ in range(5):
        bad = await user.http_client.post(f'/sysapi/login?key={API_KEY}', data={'username': 'alice', 'password': 'no'})
        assert bad.status_code == 401
    refused = await user.http_client.post(
        f'/sysapi/login?key={API_KEY}', data={'username': 'alice', 'password': PASSWORD}
    )
    assert refused.status_code == 429
    assert int(refused.headers['retry-after']) == 60
    assert 'Too many failed logins' in refused.json()['error']
    form = await user.http_client.post('/auth/login', data={'username': 'alice', 'password': PASSWORD})
    assert form.status_code == 303 and 'error=throttled' in form.headers['location']


async def test_a_new_session_token_at_every_login(user: User) -> None:
    """Session fixation: a token planted before login is never the one logged in."""
    alice = make_user('alice')
    planted = sessions.create_session(alice)
    user.http_client.cookies.set('wis_session', planted)
    response = await user.http_client.post('/auth/login', data={'username': 'alice', 'password': PASSWORD})
    assert response.status_code == 303
    fresh = response.cookies.get('wis_session')
    assert fresh and fresh != planted
    assert sessions.user_for_token(fresh).username == 'alice'
    assert sessions.user_for_token(planted) is None  # the browser's previous session ended
    user.http_client.cookies.clear()
    user.http_client.cookies.set('wis_session', 'made-up-by-an-attacker')
    response = await user.http_client.post(
        f'/sysapi/login?key={API_KEY}', data={'username': 'alice', 'password': PASSWORD}
    )
    assert response.cookies.get('wis_session') not in (None, 'made-up-by-an-attacker')
    assert Session.select().count() == 2


async def test_logout_form_ends_the_session(user: User) -> None:
    make_user('alice')
    await api_login(user)
    token = user.http_client.cookies.get('wis_session')
    response = await user.http_client.post('/auth/logout')
    assert response.status_code == 303
    assert sessions.user_for_token(token) is None
    assert AuditEvent.get(AuditEvent.event == 'logout').username == 'alice'


async def test_settings_button_logs_out_other_sessions(user: User) -> None:
    alice = make_user('alice')
    other = sessions.create_session(alice)
    await api_login(user)
    await user.open('/settings')
    await user.should_see('Logged in on 1 other browser or device.')
    user.find(marker='end-other-sessions').click()
    await user.should_see('1 other session logged out.')
    await user.should_see('No other session.')
    assert sessions.user_for_token(other) is None
    assert sessions.user_for_token(user.http_client.cookies.get('wis_session')) is not None
