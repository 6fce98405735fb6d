"""The UI in Chromium with the Content-Security-Policy and a low rate limit on: nothing breaks.

Every page and settings tab is opened after the wizard; the browser reports every CSP violation
(a `securitypolicyviolation` listener installed before any script runs) and every console error.
Map tiles come from a tile server on loopback named in MAP_TILE_URL, so the policy's img-src is
exercised for real.
"""

from __future__ import annotations

import base64
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.conftest import API_KEY
from tests.e2e.conftest import run_wizard
from tests.e2e.harness import make_server

PNG = base64.b64decode(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='
)
PAGES = ['/', '/expenses', '/categories', '/payment-methods', '/map', '/settings']
SETTINGS_TABS = ['account', 'sharing', 'tokens', 'users', 'audit', 'update']
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '')));
"""


@pytest.fixture
def tiles():
    served = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            served.append(self.path)
            self.send_response(200)
            self.send_header('Content-Type', 'image/png')
            self.send_header('Content-Length', str(len(PNG)))
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f'http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png', served
    server.shutdown()
    server.server_close()


@pytest.fixture
def guarded(tmp_path, tiles):
    url, _ = tiles
    running = make_server(tmp_path / 'server', RATE_LIMIT='10', MAP_TILE_URL=url).start()
    yield running
    running.stop()


def test_every_page_works_under_the_csp_and_the_rate_limit(browser, guarded, tiles) -> None:
    context = browser.new_context(viewport={'width': 1280, 'height': 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors, throttled = [], []
    page.on('console', lambda message: errors.append(message.text) if message.type == 'error' else None)
    page.on('pageerror', lambda error: errors.append(str(error)))
    page.on('response', lambda response: throttled.append(response.url) if response.status == 429 else None)
    try:
        run_wizard(page, guarded)
        add_expenses(page, guarded)  # so that the dashboard draws its charts and the map its markers
        violations = []
        for path in PAGES:
            page.goto(guarded.url + path)
            page_ready(page)
            violations += page.evaluate('window.__csp')
        for tab in SETTINGS_TABS:
            page.goto(f'{guarded.url}/settings?tab={tab}')
            page_ready(page)
            violations += page.evaluate('window.__csp')
        assert violations == []
        assert errors == []
        assert throttled == []

        assert httpx.get(guarded.api('session')).status_code == 200
        assert API_KEY not in ''.join(guarded.output)  # keys never reach the logs
        response = httpx.get(guarded.url + '/login')
        assert "frame-ancestors 'none'" in response.headers['content-security-policy']
        assert response.headers['x-frame-options'] == 'DENY'

        # the listener does see violations: a request to another host is blocked and reported
        page.evaluate("fetch('http://192.0.2.1/x').catch(() => null)")
        page.wait_for_function('window.__csp.length > 0')
        assert page.evaluate('window.__csp')[0].startswith('connect-src http://192.0.2.1')
    finally:
        context.close()


def page_ready(page) -> None:
    """Loaded and connected to its server. Not 'networkidle': a page that keeps a request open (Socket.IO
    polling while the websocket upgrade is slow on a loaded machine) never becomes idle, and the test
    timed out although the page was fine."""
    page.wait_for_load_state('load')
    page.wait_for_function('window.did_handshake === true')


def add_expenses(page, server) -> None:
    """A few expenses of this month with a location, through /sysapi with the browser's session."""
    categories = page.request.get(server.api('categories_flat')).json()
    methods = page.request.get(server.api('payment_methods')).json()
    for n, (lat, lon) in enumerate(((48.8566, 2.3522), (48.86, 2.34), (45.76, 4.83)), start=1):
        response = page.request.post(
            server.api('expense_create'),
            form={
                'amount': f'{12 * n}.50',
                'category_id': str(categories[n]['id']),
                'payment_method_id': str(methods[0]['id']),
                'description': f'e2e {n}',
                'latitude': str(lat),
                'longitude': str(lon),
            },
        )
        assert response.ok, response.text()


def test_charts_and_map_render(browser, guarded, tiles) -> None:
    """ECharts draws on canvases and Leaflet loads its tiles from MAP_TILE_URL's host."""
    _, served = tiles
    context = browser.new_context(viewport={'width': 1280, 'height': 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        run_wizard(page, guarded)
        add_expenses(page, guarded)
        page.goto(guarded.url + '/')
        page_ready(page)
        page.wait_for_function('document.querySelectorAll(".nicegui-echart canvas").length > 0')
        page.goto(guarded.url + '/map')
        page_ready(page)
        page.wait_for_function(
            '[...document.querySelectorAll(".leaflet-tile")].some(t => t.complete && t.naturalWidth > 0)'
        )
        page.wait_for_function('document.querySelectorAll(".leaflet-marker-icon, .leaflet-interactive").length > 0')
        assert served and all(path.endswith('.png') for path in served)
        assert page.evaluate('window.__csp') == []
    finally:
        context.close()


def burst(url: str, count: int) -> list[httpx.Response]:
    """`count` requests at once (threads: Playwright's sync API owns this thread's event loop)."""
    limits = httpx.Limits(max_connections=count)
    with httpx.Client(timeout=30, limits=limits) as client, ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda _: client.get(url), range(count)))


def test_an_open_page_keeps_working_while_its_address_is_throttled(page, guarded) -> None:
    run_wizard(page, guarded)
    page.goto(guarded.url + '/settings')
    page.get_by_text('Appearance and formats').wait_for()
    responses = burst(guarded.url + '/login', 60)  # from the browser's address; the burst allows 20
    refused = [r for r in responses if r.status_code == 429]
    assert len(refused) >= 20
    assert all(int(r.headers['retry-after']) >= 1 and 'Too many requests' in r.json()['error'] for r in refused)
    # the websocket and the assets are not throttled: the open page still reacts
    page.locator('.q-tab').filter(has_text='API tokens').click()
    page.get_by_text('Personal API tokens').wait_for()
