"""Under a sub-path (https://example.org/spend/, X-Forwarded-Prefix from a trusted proxy), every address the app
writes itself carries it: the web manifest (start_url, scope, icons, share target, shortcut), the capture page's
links, the addresses the pages put into the address bar, the "from a rule" link of the expenses table. At the
root of a site, and when the header comes from anyone but the trusted proxy, they stay as they were.

The service worker's scope and cache under /spend/ are shown in a real Chromium behind nginx
(tests/e2e/test_deploy_proxies_e2e.py::test_offline_capture_under_a_sub_path)."""

from __future__ import annotations

import re

import httpx
import pytest
import time_machine
from nicegui import core, ui
from nicegui.testing import User

from app.config import load, use_settings
from app.services import recurring
from tests.builders import basics
from tests.conftest import api_login, make_user
from tests.polling import until

PREFIX = {'X-Forwarded-Prefix': '/spend'}


@pytest.fixture
def behind_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The in-process client (127.0.0.1) is the trusted proxy."""
    monkeypatch.setenv('FORWARDED_ALLOW_IPS', '127.0.0.1')
    use_settings(load())


async def _get(path: str, peer: str, headers: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(core.app, client=(peer, 1))
    async with httpx.AsyncClient(transport=transport, base_url='http://test') as client:
        return await client.get(path, headers=headers)


@pytest.mark.usefixtures('behind_proxy')
async def test_the_manifest_under_a_sub_path(user: User) -> None:
    manifest = (await _get('/manifest.webmanifest', '127.0.0.1', PREFIX)).json()
    assert manifest['id'] == manifest['start_url'] == manifest['scope'] == '/spend/'
    assert manifest['share_target']['action'] == '/spend/share'
    (shortcut,) = manifest['shortcuts']
    assert shortcut['url'] == '/spend/?add=1'
    sources = [icon['src'] for icon in manifest['icons']] + [shortcut['icons'][0]['src']]
    assert all(src.startswith('/spend/pwa/icons/') for src in sources), sources
    # the same files, asked for as the proxy forwards them (prefix stripped)
    for src in sources:
        assert (await _get(src.removeprefix('/spend'), '127.0.0.1', PREFIX)).status_code == 200, src


@pytest.mark.usefixtures('behind_proxy')
async def test_nobody_but_the_proxy_chooses_the_manifests_addresses(user: User) -> None:
    for peer, headers in (('203.0.113.9', PREFIX), ('127.0.0.1', {}), ('127.0.0.1', {'X-Forwarded-Prefix': '/../x'})):
        manifest = (await _get('/manifest.webmanifest', peer, headers)).json()
        assert manifest['start_url'] == manifest['scope'] == manifest['id'] == '/', (peer, headers)
        assert manifest['share_target']['action'] == '/share' and manifest['shortcuts'][0]['url'] == '/?add=1'


@pytest.mark.usefixtures('behind_proxy')
async def test_the_capture_page_links_under_a_sub_path(user: User) -> None:
    """The worker may show the capture page at any address of the app (a page opened without signal), so its
    links are absolute, with the prefix: no relative address, none outside /spend/."""
    html = (await _get('/capture', '127.0.0.1', PREFIX)).text
    assert '__BASE__' not in html
    addresses = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert len(addresses) >= 7
    assert all(address.startswith('/spend/') for address in addresses), addresses
    assert 'href="/spend/login?next=/capture"' in html  # the login's redirect is prefixed by NiceGUI
    plain = (await _get('/capture', '127.0.0.1', {})).text
    assert all(a.startswith('/') and not a.startswith('/spend') for a in re.findall(r'(?:href|src)="([^"]*)"', plain))
    hostile = (await _get('/capture', '203.0.113.9', PREFIX)).text
    assert '/spend' not in hostile


async def test_the_scripts_find_their_base_from_their_own_address(user: User) -> None:
    """capture.js and sw.js are the same file under any prefix (cached, hashed into the worker's version):
    they derive the base from their URL, and ask for nothing from the site's root."""
    capture = (await user.http_client.get('/pwa/capture.js')).text
    assert "new URL('..', import.meta.url)" in capture
    assert not re.search(r"fetch\('/", capture)
    worker = (await user.http_client.get('/sw.js')).text
    assert "new URL('.', self.location.href)" in worker
    assert 'PRECACHE = [' in worker and '.map((path) => BASE + path)' in worker
    assert "networkFirst(request, BASE + '/capture')" in worker


@time_machine.travel('2026-03-10 09:00:00+00:00', tick=False)
@pytest.mark.usefixtures('behind_proxy')
async def test_the_pages_addresses_under_a_sub_path(user: User) -> None:
    """The month written into the address bar, and the link from an expense to the rule that recorded it."""
    alice = make_user('alice')
    things = basics(alice)
    rule = recurring.create_rule(
        alice,
        {
            'amount': '750',
            'category_id': things['food'].id,
            'payment_method_id': things['card'].id,
            'unit': 'month',
            'description': 'Rent',
            'start': '2026-02-01',
        },
    )
    written: list[str] = []
    user.navigate.history.replace = written.append  # what the browser's address bar is set to
    await api_login(user)
    user.http_client.headers.update(PREFIX)  # every request of this browser comes through the proxy
    await user.open('/expenses?month=2026-02')
    await user.should_see(marker='open-recurring')
    table: ui.table = user.find(marker='expenses-table').elements.pop()
    await until(lambda: bool(table.rows) and table.rows[0]['rule_id'] == rule.id)
    for slot in ('body-cell-description', 'item'):
        template = table.slots[slot].template
        assert "'/spend/expenses/recurring?rule='" in template, slot
        assert "'/expenses/recurring" not in template
    user.find(marker='month-next').click()
    await until(lambda: bool(written) and written[-1] == '/spend/expenses?month=2026-03')


@time_machine.travel('2026-03-10 09:00:00+00:00', tick=False)
async def test_the_pages_addresses_at_the_root(user: User) -> None:
    alice = make_user('alice')
    basics(alice)
    written: list[str] = []
    user.navigate.history.replace = written.append
    await api_login(user)
    await user.open('/expenses?month=2026-02')
    user.find(marker='month-next').click()
    await until(lambda: bool(written) and written[-1] == '/expenses?month=2026-03')
