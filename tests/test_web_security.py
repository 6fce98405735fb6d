"""CSRF refusal, security headers and the client address, through the real app (main.py's stack)."""

from __future__ import annotations

import httpx
from nicegui import core
from nicegui.testing import User

from app.config import load, use_settings
from app.logs import mask_secrets
from app.models import AuditEvent
from app.services import sessions
from app.web.security_headers import content_security_policy, tile_source
from tests.conftest import API_KEY, PASSWORD, api_login, make_user


async def test_a_cross_site_post_with_the_cookie_is_refused(user: User) -> None:
    make_user('alice')
    await api_login(user)
    token = user.http_client.cookies.get('wis_session')
    for headers in (
        {'Origin': 'https://evil.example'},
        {'Origin': 'null'},
        {'Sec-Fetch-Site': 'cross-site', 'Origin': 'https://evil.example'},
        {'Sec-Fetch-Site': 'same-site'},
    ):
        refused = await user.http_client.post(f'/sysapi/logout?key={API_KEY}', headers=headers)
        assert refused.status_code == 403, headers
        assert 'another site' in refused.json()['error']
        assert sessions.user_for_token(token) is not None  # nothing happened
    # the same request from the app itself, or from a script without browser headers, goes through
    same = await user.http_client.post(
        f'/sysapi/logout?key={API_KEY}', headers={'Origin': 'http://test', 'Sec-Fetch-Site': 'same-origin'}
    )
    assert same.status_code == 200
    assert sessions.user_for_token(token) is None
    await api_login(user)
    assert (await user.http_client.post(f'/sysapi/logout?key={API_KEY}', headers={'Origin': 'http://test'})).is_success
    await api_login(user)
    assert (await user.http_client.post(f'/sysapi/logout?key={API_KEY}')).status_code == 200


async def test_cross_site_login_and_logout_forms_are_refused(user: User) -> None:
    make_user('alice')
    forged = await user.http_client.post(
        '/auth/login',
        data={'username': 'alice', 'password': PASSWORD},
        headers={'Origin': 'https://evil.example', 'Sec-Fetch-Site': 'cross-site'},
    )
    assert forged.status_code == 403 and 'wis_session' not in forged.headers.get('set-cookie', '')
    assert not AuditEvent.select().where(AuditEvent.event == 'login_ok').exists()
    ok = await user.http_client.post(
        '/auth/login', data={'username': 'alice', 'password': PASSWORD}, headers={'Sec-Fetch-Site': 'same-origin'}
    )
    assert ok.status_code == 303
    logout = await user.http_client.post('/auth/logout', headers={'Sec-Fetch-Site': 'cross-site'})
    assert logout.status_code == 403


async def test_reads_and_token_calls_are_not_checked(user: User) -> None:
    from app.services import tokens

    alice = make_user('alice')
    await api_login(user)
    cross = {'Origin': 'https://evil.example', 'Sec-Fetch-Site': 'cross-site'}
    assert (await user.http_client.get(f'/sysapi/session?key={API_KEY}', headers=cross)).status_code == 200
    _, token = tokens.create_token(alice, 'script')
    user.http_client.cookies.clear()
    response = await user.http_client.post('/sysapi/logout', headers={**cross, 'Authorization': f'Bearer {token}'})
    assert response.status_code == 200


async def test_security_headers_on_pages_api_and_errors(user: User) -> None:
    for url in ('/login', f'/sysapi/session?key={API_KEY}', '/sysapi/session', '/nowhere'):
        response = await user.http_client.get(url)
        assert response.headers['x-content-type-options'] == 'nosniff', url
        assert response.headers['x-frame-options'] == 'DENY'
        assert response.headers['referrer-policy'] == 'same-origin'
        csp = response.headers['content-security-policy']
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert 'https://tile.openstreetmap.org' in csp and 'cdn.jsdelivr.net' not in csp
        assert 'strict-transport-security' not in response.headers  # plain HTTP
    docs = await user.http_client.get('/docs')
    assert 'https://cdn.jsdelivr.net' in docs.headers['content-security-policy']


async def test_hsts_only_behind_a_trusted_https_proxy(user: User, monkeypatch) -> None:
    monkeypatch.setenv('FORWARDED_ALLOW_IPS', '10.0.0.1')
    use_settings(load())
    for peer, expected in (('10.0.0.1', True), ('203.0.113.1', False)):
        transport = httpx.ASGITransport(core.app, client=(peer, 1))
        async with httpx.AsyncClient(transport=transport, base_url='http://test') as client:
            response = await client.get('/login', headers={'X-Forwarded-Proto': 'https'})
        assert ('strict-transport-security' in response.headers) is expected, peer


def test_tile_hosts_in_the_policy(environment) -> None:
    assert tile_source('https://{s}.tile.example.org/{z}/{x}/{y}.png') == 'https://*.tile.example.org'
    assert tile_source('http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png') == 'http://127.0.0.1:8080'
    assert tile_source('not a url') == ''
    settings = load(environ={**environment, 'MAP_TILE_URL': 'https://tiles.example.net/{z}/{x}/{y}.png'})
    assert "img-src 'self' data: blob: https://tiles.example.net;" in content_security_policy(settings)


async def test_the_client_address_comes_from_a_trusted_proxy_only(user: User, monkeypatch) -> None:
    monkeypatch.setenv('FORWARDED_ALLOW_IPS', '10.0.0.0/8')
    use_settings(load())
    make_user('alice')
    forwarded = {'X-Forwarded-For': '198.51.100.23, 10.0.0.7'}
    for peer, expected in (('10.0.0.1', '198.51.100.23'), ('203.0.113.1', '203.0.113.1')):
        transport = httpx.ASGITransport(core.app, client=(peer, 1))
        async with httpx.AsyncClient(transport=transport, base_url='http://test') as client:
            await client.post(
                f'/sysapi/login?key={API_KEY}', data={'username': 'alice', 'password': 'wrong'}, headers=forwarded
            )
        assert AuditEvent.select().order_by(AuditEvent.id.desc()).first().ip == expected


def test_keys_and_tokens_are_masked_in_logs() -> None:
    line = '"GET /sysapi/expenses?month=2026-01&key=0123456789abcdef HTTP/1.1" Authorization: Bearer wis_abc.DEF-1'
    masked = mask_secrets(line)
    assert '0123456789abcdef' not in masked and 'wis_abc' not in masked
    assert 'month=2026-01' in masked


async def test_a_websocket_from_another_site_is_closed_before_it_opens(environment) -> None:
    from app.web.client_ip import ClientIpMiddleware
    from app.web.csrf import CsrfMiddleware

    use_settings(load())
    reached, sent = [], []

    async def app(scope, receive, send):
        reached.append(dict(scope['headers']).get(b'origin'))

    async def send(message):
        sent.append(message)

    async def receive():
        return {'type': 'websocket.connect'}

    guarded = ClientIpMiddleware(CsrfMiddleware(app))
    for origin in (b'https://evil.example', b'http://spend.example.org', None):
        headers = [(b'host', b'spend.example.org'), (b'cookie', b'wis_session=abc')]
        if origin:
            headers.append((b'origin', origin))
        scope = {
            'type': 'websocket',
            'path': '/_nicegui_ws/socket.io/',
            'client': ('203.0.113.1', 1),
            'headers': headers,
        }
        await guarded(scope, receive, send)
    assert sent == [{'type': 'websocket.close', 'code': 1008}]
    assert reached == [b'http://spend.example.org', None]


POLLING = '/_nicegui_ws/socket.io/?EIO=4&transport=polling'


async def test_socket_io_polling_from_another_site_is_refused(user: User) -> None:
    """Socket.IO's long-polling transport is the websocket's twin: a page of another site that opens it with
    the victim's cookie would drive the victim's pages; it gets 403 and its origin is never reflected."""
    make_user('alice')
    await api_login(user)
    for headers in (
        {'Origin': 'https://evil.example'},
        {'Origin': 'null'},
        {'Origin': 'https://evil.example', 'Sec-Fetch-Site': 'cross-site'},
        {'Sec-Fetch-Site': 'same-site'},
    ):
        for method in ('GET', 'POST', 'OPTIONS'):
            refused = await user.http_client.request(method, POLLING, headers=headers)
            assert refused.status_code == 403, (method, headers)
            assert 'access-control-allow-origin' not in refused.headers, (method, headers)
            assert 'access-control-allow-credentials' not in refused.headers, (method, headers)
    # the app itself (same origin) and a client without browser headers still get a handshake
    for headers in ({'Origin': 'http://test', 'Sec-Fetch-Site': 'same-origin'}, {'Origin': 'http://test'}, {}):
        handshake = await user.http_client.get(POLLING, headers=headers)
        assert handshake.status_code == 200, headers
        assert '"sid"' in handshake.text
        assert handshake.headers.get('access-control-allow-origin') in (None, 'http://test')
