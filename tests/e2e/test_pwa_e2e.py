"""The installable app in a real Chromium: the service worker registers and keeps only the capture page and
its files; the installed app opening without a network shows the capture page; a page that loses the
network goes there; the add button floats on a phone and sits in the header on a desktop (and `n` opens the
form); the form opens with the amount focused on the decimal keypad, and Save stays on screen above a
keyboard (a 390x500 viewport) in a sticky footer."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from app.api.pwa import PRECACHE
from tests.e2e.conftest import run_wizard

PHONE = {'width': 390, 'height': 844}
# the service worker is installed and controls the page (a bounded wait: `evaluate` of a promise has no timeout)
READY = 'navigator.serviceWorker.ready.then((r) => Boolean(r.active) && navigator.serviceWorker.controller !== null)'
KEYBOARD_OPEN = {'width': 390, 'height': 500}  # an on-screen keyboard takes the lower part of the screen
CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(request.url);
  }
  return urls;
}"""


def _phone(browser, server, viewport=PHONE):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    run_wizard(page, server)
    return context, page


def test_the_worker_registers_and_keeps_only_the_capture_files(browser, server) -> None:
    context, page = _phone(browser, server)
    try:
        page.wait_for_function(READY, timeout=60_000)
        assert page.evaluate('navigator.serviceWorker.controller.scriptURL') == server.url + '/sw.js'
        page.goto(server.url + '/expenses')
        page.get_by_text('No expenses this month').wait_for()
        page.goto(server.url + '/capture')
        page.wait_for_selector('body[data-ready=true]')
        cached = {urlsplit(url).path for url in page.evaluate(CACHED_URLS)}
        assert cached == set(PRECACHE)  # no API answer, no NiceGUI page
        assert page.evaluate('caches.keys()')[0].startswith('wis-capture-')

        context.set_offline(True)
        page.goto(server.url + '/')  # the installed app starting with no network
        page.wait_for_selector('body[data-ready=true]')
        assert page.locator('h1').inner_text() == 'Add an expense'
        assert 'No connection' in page.locator('#status').inner_text()
    finally:
        context.close()


def test_a_page_that_loses_the_network_goes_to_the_capture_page(browser, server) -> None:
    context, page = _phone(browser, server)
    try:
        page.wait_for_function(READY, timeout=60_000)
        page.goto(server.url + '/categories')
        page.get_by_role('button', name='New expense').wait_for()
        context.set_offline(True)
        # the page's own move may be retried (a first navigation aborted as the network goes): the address
        # is polled, not one navigation awaited
        expect(page).to_have_url(re.compile(r'/capture$'), timeout=30_000)
        page.wait_for_selector('body[data-ready=true]')
    finally:
        context.close()


def test_the_floating_button_and_the_sticky_save_on_a_phone(browser, server) -> None:
    context, page = _phone(browser, server)
    try:
        fab = page.get_by_role('button', name='New expense')
        assert fab.count() == 1 and fab.is_visible()  # the header's is hidden on a phone
        box = fab.bounding_box()
        assert box['x'] + box['width'] <= PHONE['width'] and box['y'] + box['height'] <= PHONE['height']
        fab.click()
        amount = page.get_by_label('Amount', exact=True)
        amount.wait_for()
        page.wait_for_function('document.activeElement && document.activeElement.getAttribute("inputmode")')
        assert amount.evaluate('(input) => input === document.activeElement')  # focused: the keypad opens
        assert amount.get_attribute('inputmode') == 'decimal'

        page.set_viewport_size(KEYBOARD_OPEN)
        save = page.get_by_role('button', name='Save', exact=True)
        box = save.bounding_box()
        assert box is not None and box['y'] >= 0 and box['y'] + box['height'] <= KEYBOARD_OPEN['height'], box
        page.get_by_label('Description (optional)').focus()  # further down the form: Save still shows
        box = save.bounding_box()
        assert box['y'] + box['height'] <= KEYBOARD_OPEN['height'], box
        amount.fill('2,40')
        page.get_by_label('Category', exact=True).click()
        page.get_by_role('option', name='Food').click()
        page.get_by_label('Payment method').click()
        page.get_by_role('option', name='Card').click()
        save.click()
        page.get_by_text('Expense added.').wait_for()
    finally:
        context.close()


def test_the_header_button_and_the_n_key_on_a_desktop(page, server) -> None:
    run_wizard(page, server)
    header = page.get_by_role('button', name='New expense')
    assert header.count() == 1 and header.is_visible()  # the floating one is hidden on a desktop
    page.keyboard.press('n')
    page.get_by_label('Amount', exact=True).wait_for()
    page.keyboard.press('Escape')
    page.get_by_label('Amount', exact=True).wait_for(state='detached')
    header.click()
    page.get_by_label('Amount', exact=True).wait_for()
