"""The nginx and Caddy configurations of docs/deploy, tried as written: only the addresses, ports and
certificate paths are swapped for the test's (self-signed with openssl for nginx, Caddy's own local
authority for Caddy). Through each: HTTPS, the websocket (a real Chromium logs in and uses the page),
the forwarded client address and scheme (FORWARDED_ALLOW_IPS) and, for the sub-path files, the whole
app under /spend/ with no request leaving it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.deploy.services import caddy, nginx, self_signed_certificate
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.e2e.harness import ROOT, Server, free_port, make_server

DOCS = ROOT / 'docs' / 'deploy'
PASSWORD = 'long enough pw'
CLIENT = '127.0.0.5'  # the browser's address: not a trusted proxy, so the app must learn it from nginx


def swap(text: str, replacements: dict[str, str]) -> str:
    """The docs file with its addresses swapped; each one must be there, or the docs changed shape."""
    for old, new in replacements.items():
        assert re.search(old, text, flags=re.M), f'{old!r} is no longer in the documented configuration'
        text = re.sub(old, new, text, flags=re.M)
    return text


def nginx_site(name: str, folder: Path, app_port: int, https: int, http: int = 0) -> str:
    cert, key = self_signed_certificate(folder / 'tls')
    replacements = {
        r'listen 443 ssl;': f'listen 127.0.0.1:{https} ssl;',
        r'ssl_certificate\s+/etc/letsencrypt/\S+;': f'ssl_certificate {cert};',
        r'ssl_certificate_key\s+/etc/letsencrypt/\S+;': f'ssl_certificate_key {key};',
        r'127\.0\.0\.1:3000\b': f'127.0.0.1:{app_port}',
    }
    if http:
        replacements[r'listen 80;'] = f'listen 127.0.0.1:{http};'
    return swap((DOCS / name).read_text(), replacements)


def caddy_site(name: str, app_port: int, https: int, http: int) -> str:
    site = swap(
        (DOCS / name).read_text(),
        {
            r'^(spend\.)?example\.org \{': f'https://127.0.0.1:{https} {{',
            r'127\.0\.0\.1:3000\b': f'127.0.0.1:{app_port}',
        },
    )
    # the test's global options: no admin endpoint, its own ports, the local authority left out of the
    # system's trust store (the test trusts nothing: Chromium ignores certificate errors)
    options = f'{{\n    admin off\n    http_port {http}\n    https_port {https}\n    skip_install_trust\n}}\n'
    return options + site


def app_server(folder: Path) -> Server:
    server = make_server(folder, HOST='127.0.0.1', FORWARDED_ALLOW_IPS='127.0.0.1').start()
    created = subprocess.run(
        [sys.executable, 'manage.py', 'user', 'create', '--username', 'alice', '--password', PASSWORD, '--admin'],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert created.returncode == 0, created.stdout + created.stderr
    return server


def client_through(base: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=CLIENT, verify=False)
    return httpx.Client(base_url=base, transport=transport, timeout=60)


def forwarded_headers_reach_the_app(base: str, server: Server) -> None:
    """The session cookie is Secure (X-Forwarded-Proto), the log has the browser's address (X-Forwarded-For)
    and not the one it made up."""
    with client_through(base) as client:
        refused = client.post(
            '/auth/login',
            data={'username': 'alice', 'password': 'wrong password'},
            headers={'X-Forwarded-For': '203.0.113.66'},
        )
        assert refused.status_code == 303
        answer = client.post('/auth/login', data={'username': 'alice', 'password': PASSWORD})
        assert answer.status_code == 303, answer.text
        cookie = answer.headers['set-cookie']
        assert 'Secure' in cookie and 'HttpOnly' in cookie
    log = (server.folder / 'data' / 'logs' / 'whatispend.log').read_text()
    assert f'login failed from {CLIENT} for user' in log and 'from 203.0.113.66' not in log


def browse(browser, base: str, prefix: str = '') -> list[str]:
    """Log in with the form, use the page over its websocket, move to another page, log out with the form.
    Answers the paths the browser asked for on this site."""
    context = browser.new_context(ignore_https_errors=True, viewport={'width': 1280, 'height': 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    asked: list[str] = []
    origin = urlsplit(base).netloc
    page.on('request', lambda r: asked.append(urlsplit(r.url).path) if urlsplit(r.url).netloc == origin else None)
    page.on('websocket', lambda ws: asked.append(urlsplit(ws.url).path) if urlsplit(ws.url).netloc == origin else None)
    try:
        page.goto(base + prefix + '/')
        page.wait_for_url(f'**{prefix}/login**')
        page.get_by_label('Username').fill('alice')
        page.get_by_label('Password', exact=True).fill(PASSWORD)
        page.get_by_role('button', name='Log in').click()
        page.wait_for_url(base + prefix + '/')
        page.wait_for_function('window.socket && window.socket.connected')
        page.get_by_role('button', name='Categories').first.click()  # ui.navigate.to, over the websocket
        page.wait_for_url(base + prefix + '/categories')
        page.wait_for_function('window.socket && window.socket.connected')
        page.get_by_text('Categories').first.wait_for()
        page.get_by_role('button', name='Log out').click()  # the logout form posts to <prefix>/auth/logout
        page.wait_for_url(f'**{prefix}/login**')
        page.get_by_label('Username').wait_for()
    finally:
        context.close()
    return asked


@pytest.mark.timeout(240)
def test_nginx_as_documented(tmp_path: Path, browser) -> None:
    server = app_server(tmp_path / 'app')
    https, http = free_port(), free_port()
    site = nginx_site('nginx.conf', tmp_path, server.port, https, http)
    try:
        with nginx(tmp_path / 'nginx', site, [https, http]):
            base = f'https://127.0.0.1:{https}'
            plain = httpx.get(f'http://127.0.0.1:{http}/expenses?month=2026-01', follow_redirects=False)
            assert plain.status_code == 301
            assert plain.headers['location'] == 'https://127.0.0.1/expenses?month=2026-01'
            forwarded_headers_reach_the_app(base, server)
            asked = browse(browser, base)
            assert any(p.startswith('/_nicegui_ws/') for p in asked)  # the websocket went through nginx
    finally:
        server.stop()


@pytest.mark.timeout(240)
def test_nginx_under_a_sub_path_as_documented(tmp_path: Path, browser) -> None:
    server = app_server(tmp_path / 'app')
    https = free_port()
    site = nginx_site('nginx-subpath.conf', tmp_path, server.port, https)
    try:
        with nginx(tmp_path / 'nginx', site, [https]):
            base = f'https://127.0.0.1:{https}'
            with client_through(base) as client:
                bare = client.get('/spend')
                assert bare.status_code == 301 and bare.headers['location'].endswith('/spend/')
                login = client.get('/spend/')
                assert login.status_code in (302, 303, 307) and login.headers['location'].startswith('/spend/login')
            forwarded_headers_reach_the_app(base + '/spend', server)
            asked = browse(browser, base, '/spend')
            outside = sorted({p for p in asked if not p.startswith('/spend/')})
            assert outside == [], f'asked outside /spend/: {outside}'
            assert any(p.startswith('/spend/_nicegui_ws/') for p in asked)
    finally:
        server.stop()


def test_a_client_cannot_choose_the_prefix(tmp_path: Path) -> None:
    """X-Forwarded-Prefix from anyone but a trusted proxy is dropped: NiceGUI would write it into the page."""
    server = make_server(tmp_path / 'app', HOST='127.0.0.1').start()  # no FORWARDED_ALLOW_IPS
    try:
        page = httpx.get(server.url + '/setup', headers={'X-Forwarded-Prefix': '/evil'}, timeout=60)
        assert page.status_code == 200 and '/evil' not in page.text
    finally:
        server.stop()
    trusted = make_server(tmp_path / 'trusted', HOST='127.0.0.1', FORWARDED_ALLOW_IPS='127.0.0.1').start()
    try:
        for hostile in ('/a"><script>', '/../x', 'spend', '/spend/'):
            page = httpx.get(trusted.url + '/setup', headers={'X-Forwarded-Prefix': hostile}, timeout=60)
            assert page.status_code == 200 and hostile not in page.text, hostile
        page = httpx.get(trusted.url + '/setup', headers={'X-Forwarded-Prefix': '/spend'}, timeout=60)
        assert '/spend/_nicegui/' in page.text
    finally:
        trusted.stop()


@pytest.mark.timeout(240)
@pytest.mark.parametrize('name, prefix', [('Caddyfile', ''), ('Caddyfile-subpath', '/spend')])
def test_caddy_as_documented(tmp_path: Path, browser, name: str, prefix: str) -> None:
    server = app_server(tmp_path / 'app')
    https, http = free_port(), free_port()
    try:
        with caddy(tmp_path / 'caddy', caddy_site(name, server.port, https, http), [https]):
            base = f'https://127.0.0.1:{https}'
            forwarded_headers_reach_the_app(base + prefix, server)
            asked = browse(browser, base, prefix)
            outside = sorted({p for p in asked if not p.startswith(prefix + '/')})
            assert outside == [], f'asked outside {prefix}/: {outside}'
            assert any(p.startswith(prefix + '/_nicegui_ws/') for p in asked)
    finally:
        server.stop()


# the service worker is installed and controls the page (a bounded wait: `evaluate` of a promise has no timeout)
WORKER_READY = (
    'navigator.serviceWorker.ready.then((r) => Boolean(r.active) && navigator.serviceWorker.controller !== null)'
)


@pytest.mark.timeout(300)
def test_offline_capture_under_a_sub_path(tmp_path: Path, browser) -> None:
    """Behind nginx under /spend/ as documented: the service worker installs with the scope /spend/ and keeps the
    capture page and its files under it; offline, a page of the app opens as the capture page, an expense is
    recorded; back online it is sent, and the expenses page shows it. No request leaves /spend/."""
    server = app_server(tmp_path / 'app')
    https = free_port()
    site = nginx_site('nginx-subpath.conf', tmp_path, server.port, https)
    try:
        with nginx(tmp_path / 'nginx', site, [https]):
            base = f'https://127.0.0.1:{https}/spend'
            # Chromium refuses to install a service worker over a certificate it does not trust, even with
            # ignore_https_errors (a real site has a trusted one): this browser ignores certificate errors outright
            own = browser.browser_type.launch(
                executable_path=CHROMIUM, args=[*CHROMIUM_FLAGS, '--ignore-certificate-errors'], headless=True
            )
            context = own.new_context(ignore_https_errors=True, viewport={'width': 390, 'height': 844})
            page = context.new_page()
            page.set_default_timeout(30_000)
            asked: list[str] = []
            context.on('request', lambda r: asked.append(urlsplit(r.url).path))
            try:
                page.goto(base + '/')
                page.wait_for_url('**/spend/login**')
                page.get_by_label('Username').fill('alice')
                page.get_by_label('Password', exact=True).fill(PASSWORD)
                page.get_by_role('button', name='Log in').click()
                page.wait_for_url(base + '/')
                page.wait_for_function(WORKER_READY, timeout=60_000)
                scope = page.evaluate('navigator.serviceWorker.getRegistration().then((r) => r.scope)')
                assert scope == base + '/'
                kept = page.evaluate(
                    'caches.keys().then((n) => caches.open(n[0])).then((c) => c.keys())'
                    '.then((all) => all.map((r) => new URL(r.url).pathname))'
                )
                assert '/spend/capture' in kept and '/spend/pwa/capture.js' in kept
                assert all(path.startswith('/spend/') for path in kept), kept
                manifest = page.evaluate(
                    'fetch(document.querySelector("link[rel=manifest]").href).then((r) => r.json())'
                )
                assert manifest['start_url'] == manifest['scope'] == '/spend/'

                page.goto(base + '/capture')  # online: the lists are kept for later
                page.wait_for_selector('body[data-ready=true]')
                context.set_offline(True)
                page.goto(base + '/expenses?month=2026-01')  # a page of the app, without signal: the capture page
                page.wait_for_selector('body[data-ready=true]')
                assert 'No connection' in page.locator('#status').inner_text()
                assert page.locator('#login-link').get_attribute('href') == '/spend/login?next=/capture'
                page.locator('#category').select_option(label='Food')
                page.locator('#payment-method').select_option(label='Card')
                page.locator('#amount').fill('6,40')
                page.locator('#description').fill('bought under spend')
                page.locator('#save').click()
                page.get_by_text('bought under spend').wait_for()
                assert page.locator('#queue li').count() == 1

                context.set_offline(False)  # the page's 'online' event sends it
                page.locator('#queue li').first.wait_for(state='detached')
                page.goto(base + '/expenses')
                page.get_by_text('bought under spend').first.wait_for()
                outside = sorted({p for p in asked if not p.startswith('/spend/')})
                assert outside == [], f'asked outside /spend/: {outside}'
            finally:
                context.close()
                own.close()
    finally:
        server.stop()
