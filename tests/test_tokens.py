"""Personal API tokens: every way to present them, revocation, deleted users, the salt, the UI and the CLI."""

from __future__ import annotations

import hmac
import subprocess
import sys
from pathlib import Path

import pytest
from nicegui.testing import User

from app.config import load, use_settings
from app.models import ApiToken, AuditEvent
from app.services import tokens, users
from app.services.errors import Conflict, Invalid, NotFound
from tests.conftest import API_KEY, api_login, make_user

ROOT = Path(__file__).resolve().parents[1]


def presentations(token: str) -> list[tuple[str, dict]]:
    return [
        ('/sysapi/session', {'Authorization': f'Bearer {token}'}),
        ('/sysapi/session', {'authorization': f'bearer {token}'}),
        ('/sysapi/session', {'X-API-Key': token}),
        (f'/sysapi/session?key={token}', {}),
    ]


async def test_each_way_of_presenting_a_token_identifies_its_user(user: User) -> None:
    alice = make_user('alice')
    row, token = tokens.create_token(alice, 'phone shortcut')
    assert token.startswith('wis_') and len(token) >= 4 + 43  # 256 random bits
    assert row.token_hmac != token and token not in row.token_hmac
    for url, headers in presentations(token):
        response = await user.http_client.get(url, headers=headers)
        assert response.status_code == 200, (url, headers)
        assert response.json() == {'authenticated': True, 'user': response.json()['user']}
        assert response.json()['user']['username'] == 'alice'
    assert 'wis_session' not in user.http_client.cookies  # no session was involved
    assert ApiToken.get_by_id(row.id).last_used_at is not None


async def test_revoked_tokens_and_deleted_users_are_refused(user: User) -> None:
    alice, bob = make_user('alice'), make_user('bob')
    row, token = tokens.create_token(alice, 'script')
    _, bobs = tokens.create_token(bob, 'script')
    with pytest.raises(NotFound):
        tokens.revoke_token(row.id, bob)  # not bob's to revoke
    tokens.revoke_token(row.id, alice)
    for url, headers in presentations(token):
        response = await user.http_client.get(url, headers=headers)
        assert response.status_code == 401
        assert 'wrong' in response.json()['error'] and token not in response.text
    users.mark_deleted(bob)
    assert (await user.http_client.get('/sysapi/session', headers={'X-API-Key': bobs})).status_code == 401


async def test_a_different_salt_invalidates_every_token(user: User, environment) -> None:
    _, token = tokens.create_token(make_user('alice'), 'script')
    assert tokens.user_for_api_token(token) is not None
    use_settings(load(environ={**environment, 'API_KEY_SALT': 'another-salt-0123456789abcdef'}))
    assert tokens.user_for_api_token(token) is None
    assert (await user.http_client.get('/sysapi/session', headers={'X-API-Key': token})).status_code == 401


def test_keys_and_tokens_are_compared_in_constant_time(database, monkeypatch) -> None:
    calls = []
    compare = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return compare(a, b)

    monkeypatch.setattr(tokens.hmac, 'compare_digest', spy)
    _, token = tokens.create_token(make_user('alice'), 'script')
    assert tokens.user_for_api_token(token) is not None
    assert calls == [(tokens.token_hmac(token), tokens.token_hmac(token))]
    assert tokens.is_installation_key(API_KEY) and not tokens.is_installation_key(API_KEY[:-1] + 'x')
    assert len(calls) == 3
    assert not tokens.is_installation_key('é' * 40)  # non-ASCII does not crash the comparison


def test_names_limits_and_garbage(database) -> None:
    alice = make_user('alice')
    for name in ('', '   ', 'x' * 81, 'bad\nname'):
        with pytest.raises(Invalid):
            tokens.create_token(alice, name)
    for _ in range(tokens.MAX_TOKENS_PER_USER):
        tokens.create_token(alice, 'many')
    with pytest.raises(Conflict):
        tokens.create_token(alice, 'one too many')
    for garbage in (None, '', 'wis_', 'wis_' + 'x' * 300, API_KEY, 'wis_\udcff'):
        assert tokens.user_for_api_token(garbage) is None
    for bad_id in (0, -1, 2**63, 2**64):
        with pytest.raises(NotFound):
            tokens.revoke_token(bad_id, alice)


async def test_the_tokens_api(user: User) -> None:
    make_user('alice')
    await api_login(user)
    created = await user.http_client.post(f'/sysapi/tokens?key={API_KEY}', json={'name': 'shortcut'})
    assert created.status_code == 200, created.text
    body = created.json()
    token = body['token']
    listed = (await user.http_client.get(f'/sysapi/tokens?key={API_KEY}')).json()['tokens']
    assert [t['name'] for t in listed] == ['shortcut'] and 'token' not in listed[0]
    assert set(body) == {'id', 'name', 'created_at', 'last_used_at', 'token'} and body['created_at'].endswith('Z')
    assert set(listed[0]) == {'id', 'name', 'created_at', 'last_used_at'}  # never the username nor the token
    assert token not in str(listed)
    again = await user.http_client.get('/sysapi/tokens', headers={'Authorization': f'Bearer {token}'})
    assert again.json()['tokens'][0]['last_used_at'] is not None
    assert (await user.http_client.post(f'/sysapi/tokens?key={API_KEY}', data={'name': ''})).status_code == 422
    for bad in (2**63, 2**64, 0, 999):
        response = await user.http_client.delete(f'/sysapi/tokens/{bad}?key={API_KEY}')
        assert response.status_code in (404, 422), bad
    revoked = await user.http_client.delete(f'/sysapi/tokens/{body["id"]}?key={API_KEY}')
    assert revoked.json()['revoked']['name'] == 'shortcut'
    assert (await user.http_client.get('/sysapi/tokens', headers={'X-API-Key': token})).status_code == 401
    events = [e.event for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert events[-2:] == ['token_created', 'token_revoked']


async def test_the_settings_tab_shows_a_new_token_once_and_revokes(user: User) -> None:
    alice = make_user('alice')
    await api_login(user)
    await user.open('/settings?tab=tokens')
    await user.should_see(marker='no-tokens')
    await user.should_see(marker='create-token')
    user.find(marker='create-token').click()
    await user.should_see('Give the token a name')
    user.find(marker='token-name').type('phone')
    user.find(marker='create-token').click()
    await user.should_see('Copy it now')
    (row,) = ApiToken.select()
    shown = user.find(marker='new-token').elements.pop().text
    assert tokens.user_for_api_token(shown.strip()).id == alice.id
    user.find(marker='hide-token').click()
    await user.should_not_see('Copy it now')
    await user.open('/settings?tab=tokens')  # shown once: gone after a reload
    await user.should_see(marker=f'token-{row.id}')
    await user.should_not_see(marker='new-token')
    user.find(marker=f'revoke-token-{row.id}').click()
    await user.should_see(marker='confirm-revoke')
    user.find(marker='confirm-revoke').click()
    await user.should_see('Token "phone" revoked.')
    await user.should_see(marker='no-tokens')
    assert tokens.user_for_api_token(shown.strip()) is None


def run_cli(environment, *args: str, stdin: str = '') -> subprocess.CompletedProcess:
    env = {**environment, 'PATH': '/usr/bin:/bin'}
    return subprocess.run(
        [sys.executable, 'manage.py', *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, input=stdin
    )


def test_the_command_line(environment, database) -> None:
    make_user('alice')
    created = run_cli(environment, 'token', 'create', '--username', 'alice', '--name', 'backup script')
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    assert tokens.user_for_api_token(token).username == 'alice'
    listed = run_cli(environment, 'token', 'list', '--username', 'alice')
    assert 'backup script' in listed.stdout and token not in listed.stdout
    assert 'backup script' in run_cli(environment, 'token', 'list').stdout
    token_id = tokens.list_tokens()[0].id
    revoked = run_cli(environment, 'token', 'revoke', '--id', str(token_id))
    assert revoked.returncode == 0 and 'Revoked token' in revoked.stdout
    assert tokens.user_for_api_token(token) is None
    again = run_cli(environment, 'token', 'revoke', '--id', str(token_id))
    assert again.returncode == 1 and f'No API token with id {token_id}' in again.stderr
    nobody = run_cli(environment, 'token', 'create', '--username', 'nobody', '--name', 'x')
    assert nobody.returncode == 1 and 'No user named' in nobody.stderr
    word = run_cli(environment, 'token', 'revoke', '--id', 'abc')
    assert word.returncode == 1 and '--id must be a token id' in word.stderr
    assert [e.ip for e in AuditEvent.select().where(AuditEvent.event.startswith('token_'))] == ['cli', 'cli']


async def test_nobody_revokes_or_lists_the_tokens_of_another(user: User) -> None:
    alice, bob = make_user('alice'), make_user('bob')
    row, token = tokens.create_token(alice, 'alice script')
    _, bobs = tokens.create_token(bob, 'bob script')
    as_bob = {'Authorization': f'Bearer {bobs}'}
    refused = await user.http_client.delete(f'/sysapi/tokens/{row.id}', headers=as_bob)
    assert refused.status_code == 404 and 'No API token' in refused.json()['error']
    listed = (await user.http_client.get('/sysapi/tokens', headers=as_bob)).json()['tokens']
    assert [t['name'] for t in listed] == ['bob script']
    assert tokens.user_for_api_token(token).id == alice.id
