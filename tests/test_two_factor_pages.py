"""Two-factor login through HTTP and the pages: the password form, then the code form (plain POSTs, no
JavaScript needed); Settings › Account to turn it on and off; the administrators' requirement."""

from __future__ import annotations

import time

import pyotp
from nicegui.testing import User

from app.models import User as Account
from app.services import sessions, tokens, two_factor
from tests.conftest import API_KEY, PASSWORD, api_login, make_user
from tests.polling import until
from tests.settings_pages import see, toasted


def enable(account: Account) -> pyotp.TOTP:
    """Two-factor login on, confirmed with the previous step's code so that the current one is still unused."""
    totp = pyotp.TOTP(two_factor.begin_enable(account).secret)
    two_factor.confirm_enable(account, totp.at(time.time() - 30))
    return totp


def other_than(code: str) -> str:
    return '000000' if code != '000000' else '111111'


async def test_http_login_asks_for_the_code_after_the_password(user: User) -> None:
    alice = make_user('alice')
    totp = enable(alice)
    first = await user.http_client.post(
        '/auth/login', data={'username': 'alice', 'password': PASSWORD, 'next': '/expenses'}
    )
    assert first.status_code == 303 and first.headers['location'] == '/login?step=code&next=/expenses'
    assert first.cookies.get('wis_session') is None  # no session before the code
    assert first.cookies.get('wis_pending')
    await user.open('/login?step=code&next=/expenses')
    await see(user, marker='code-step')
    await user.should_not_see(marker='password')

    wrong = await user.http_client.post('/auth/login/code', data={'code': other_than(totp.now()), 'next': '/expenses'})
    assert (
        wrong.status_code == 303
        and 'error=code' in wrong.headers['location']
        and 'step=code' in wrong.headers['location']
    )
    right = await user.http_client.post('/auth/login/code', data={'code': totp.now(), 'next': '/expenses'})
    assert right.status_code == 303 and right.headers['location'] == '/expenses'
    assert sessions.user_for_token(right.cookies.get('wis_session')).id == alice.id
    replay = await user.http_client.post('/auth/login/code', data={'code': totp.now(), 'next': '/'})
    # the pending login ended with the success: a replay finds nothing to finish (the service refuses the
    # code itself too: tests/test_two_factor.py)
    assert 'error=expired' in replay.headers['location'] and replay.cookies.get('wis_session') is None

    user.http_client.cookies.clear()
    no_pending = await user.http_client.post('/auth/login/code', data={'code': totp.now()})
    assert 'error=expired' in no_pending.headers['location']
    await user.open('/login?error=expired')
    await see(user, 'The login took too long')


async def test_api_tokens_and_api_login_with_two_factor(user: User) -> None:
    alice = make_user('alice')
    enable(alice)
    _, token = tokens.create_token(alice, 'script')
    response = await user.http_client.get('/sysapi/expenses', headers={'Authorization': f'Bearer {token}'})
    assert response.status_code == 200  # API tokens are unaffected
    refused = await user.http_client.post(
        f'/sysapi/login?key={API_KEY}', data={'username': 'alice', 'password': PASSWORD}
    )
    assert refused.status_code == 401 and 'two-factor' in refused.json()['error']


async def test_turn_two_factor_on_and_off_in_settings(user: User) -> None:
    make_user('alice')
    await api_login(user)
    await user.open('/settings')
    user.find(marker='two-factor-start').click()
    await see(user, marker='two-factor-qr')
    secret = user.find(marker='two-factor-secret').elements.pop().text.replace(' ', '')
    totp = pyotp.TOTP(secret)
    user.find(marker='two-factor-code').type(other_than(totp.now()))
    user.find(marker='two-factor-confirm').click()
    await see(user, 'That code does not match')
    user.find(marker='two-factor-code').clear().type(totp.now())
    user.find(marker='two-factor-confirm').click()
    await see(user, marker='recovery-code-list')
    codes = user.find(marker='recovery-code-list').elements.pop().content.split('\n')
    assert len(codes) == 10
    user.find(marker='recovery-codes-saved').click()
    await see(user, marker='two-factor-on')
    await see(user, '10 of 10 recovery codes left')
    alice = Account.get(Account.username == 'alice')
    assert two_factor.is_enabled(alice)

    user.find(marker='two-factor-off-section').click()
    user.find(marker='two-factor-off-password').type(PASSWORD)
    user.find(marker='two-factor-off-code').type(codes[0])
    user.find(marker='two-factor-off').click()
    await toasted(user, 'Two-factor login is off.')
    await see(user, marker='two-factor-start')
    assert not two_factor.is_enabled(Account.get(Account.username == 'alice'))


async def test_admin_requires_two_factor_and_users_are_led_to_set_it_up(user: User) -> None:
    make_user('root', admin=True)
    make_user('bob')
    await api_login(user, 'root')
    await user.open('/settings?tab=users')
    await see(user, marker='require-two-factor')  # the Users tab loads after the page is sent
    user.find(marker='require-two-factor').click()
    await toasted(user, 'Two-factor login is now required.')
    await until(two_factor.is_required)
    user.http_client.cookies.clear()
    response = await user.http_client.post('/auth/login', data={'username': 'bob', 'password': PASSWORD})
    assert response.status_code == 303 and response.headers['location'] == '/settings?tab=account'
    await user.open('/settings?tab=account')
    await see(user, marker='two-factor-required')


async def test_required_two_factor_leaves_only_settings_open(user: User) -> None:
    root = make_user('root', admin=True)
    make_user('bob')
    two_factor.set_required(True, actor=root)
    await api_login(user, 'bob')
    for path in ('/', '/expenses', '/categories', '/map'):
        response = await user.http_client.get(path)
        assert response.status_code == 303 and response.headers['location'] == two_factor.SETUP_PAGE, path
    await user.open('/settings?tab=account')
    await see(user, marker='two-factor')
