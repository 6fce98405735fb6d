"""The offline capture page in a real Chromium at phone size: the service worker serves it without a network,
it records expenses into IndexedDB that survive a reload, and once back online sends each exactly once (a
second sync of the same expenses records nothing more); an ended session keeps the queue and asks to log in;
a category deleted meanwhile waits for another choice; logging out clears what the page kept."""

from __future__ import annotations

from datetime import date

import httpx

from tests.conftest import API_KEY
from tests.e2e.conftest import run_wizard
from tests.polling import wait_until

PHONE = {'width': 390, 'height': 844}
# the service worker is installed and controls the page (a bounded wait: `evaluate` of a promise has no timeout)
READY = 'navigator.serviceWorker.ready.then((r) => Boolean(r.active) && navigator.serviceWorker.controller !== null)'
QUEUE_LENGTH = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('whatispend-capture');
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains('queue')) return resolve(0);
    const count = db.transaction('queue').objectStore('queue').count();
    count.onsuccess = () => resolve(count.result);
  };
  open.onerror = () => reject(open.error);
})"""
QUEUE_ITEMS = """() => new Promise((resolve) => {
  const open = indexedDB.open('whatispend-capture');
  open.onsuccess = () => {
    const all = open.result.transaction('queue').objectStore('queue').getAll();
    all.onsuccess = () => resolve(all.result);
  };
})"""
PUT_BACK = """(items) => new Promise((resolve) => {
  const open = indexedDB.open('whatispend-capture');
  open.onsuccess = () => {
    const tx = open.result.transaction('queue', 'readwrite');
    for (const item of items) tx.objectStore('queue').put(item);
    tx.oncomplete = () => resolve(items.length);
  };
})"""


def _api(server) -> httpx.Client:
    client = httpx.Client(base_url=server.url + '/sysapi', params={'key': API_KEY}, timeout=30)
    assert client.post('/login', data={'username': 'admin', 'password': 'long enough pw'}).status_code == 200
    return client


def _server_count(api: httpx.Client) -> int:
    return api.get('/expenses', params={'month': f'{date.today():%Y-%m}'}).json()['count']


def _open_capture(page, server) -> None:
    page.goto(server.url + '/capture')
    page.wait_for_selector('body[data-ready=true]')


def _record(page, amount: str, description: str) -> None:
    page.locator('#amount').fill(amount)
    page.locator('#description').fill(description)
    page.locator('#save').click()
    page.wait_for_function(
        '(text) => [...document.querySelectorAll("#queue li")].some((li) => li.textContent.includes(text))',
        arg=description,
    )


def _queue_rows(page) -> int:
    return page.locator('#queue li').count()


def test_offline_capture_survives_a_reload_and_arrives_exactly_once(browser, server) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        run_wizard(page, server)
        page.wait_for_function(READY, timeout=60_000)
        _open_capture(page, server)  # online: keeps the lists
        api = _api(server)
        before = _server_count(api)

        context.set_offline(True)
        page.reload()  # the service worker answers from its cache
        page.wait_for_selector('body[data-ready=true]')
        assert 'No connection' in page.locator('#status').inner_text()
        assert 'Food' in page.locator('#category').inner_text()  # the lists kept at the last visit
        page.locator('#category').select_option(label='Food')
        page.locator('#payment-method').select_option(label='Card')
        for index, amount in enumerate(('4,20', '12.50', '3')):
            _record(page, amount, f'offline {index}')
        page.reload()
        page.wait_for_selector('body[data-ready=true]')
        assert _queue_rows(page) == 3
        kept = page.evaluate(QUEUE_ITEMS)
        assert _server_count(api) == before

        context.set_offline(False)  # the page's 'online' event sends them
        wait_until(lambda: _queue_rows(page) == 0, 20, failure='the waiting expenses were not sent')
        assert _server_count(api) == before + 3
        descriptions = sorted(e['description'] for e in api.get('/expenses').json()['expenses'] if e['description'])
        assert descriptions == ['offline 0', 'offline 1', 'offline 2']

        # a second sync of the very same expenses (an answer that got lost): their request_ids record nothing new
        assert page.evaluate(PUT_BACK, kept) == 3
        page.reload()
        page.wait_for_selector('body[data-ready=true]')
        wait_until(lambda: page.evaluate(QUEUE_LENGTH) == 0, 20, failure='the second sync did not finish')
        assert _server_count(api) == before + 3
        api.close()
    finally:
        context.close()


def test_an_ended_session_keeps_the_queue_and_asks_to_log_in(browser, server) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        run_wizard(page, server)
        _open_capture(page, server)
        api = _api(server)
        before = _server_count(api)
        context.set_offline(True)
        page.locator('#category').select_option(label='Food')
        page.locator('#payment-method').select_option(label='Card')
        _record(page, '7', 'while the session ends')
        context.clear_cookies()  # the session is gone (expired, or ended elsewhere)
        context.set_offline(False)
        page.locator('#login').wait_for(state='visible')
        assert 'log in again' in page.locator('#login').inner_text()
        assert _queue_rows(page) == 1 and _server_count(api) == before

        page.locator('#login-link').click()
        page.wait_for_url('**/login**')
        page.get_by_label('Username').fill('admin')
        page.get_by_label('Password').fill('long enough pw')
        page.get_by_role('button', name='Log in').click()
        page.wait_for_url('**/capture')
        page.wait_for_selector('body[data-ready=true]')
        wait_until(lambda: _queue_rows(page) == 0, 20, failure='the queue was not sent after logging in')
        assert _server_count(api) == before + 1
        api.close()
    finally:
        context.close()


def test_a_deleted_category_waits_for_another_choice(browser, server) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        run_wizard(page, server)
        api = _api(server)
        doomed = api.post('/category_create', json={'name': 'Doomed <img src=x onerror=alert(1)>'}).json()
        doomed_id = doomed.get('id') or doomed['category']['id']
        _open_capture(page, server)
        context.set_offline(True)
        page.reload()
        page.wait_for_selector('body[data-ready=true]')
        page.locator('#category').select_option(str(doomed_id))
        page.locator('#payment-method').select_option(label='Card')
        _record(page, '9,99', 'category goes away')
        assert 'Doomed <img src=x onerror=alert(1)>' in page.locator('#queue li').inner_text()  # text, not HTML
        assert page.locator('#queue img').count() == 0
        assert api.post('/category_delete', json={'id': doomed_id}).status_code == 200
        before = _server_count(api)

        context.set_offline(False)
        page.get_by_text('Its category no longer exists').wait_for()
        assert _server_count(api) == before
        chooser = page.locator('#queue select')
        chooser.select_option(label='Food')
        wait_until(lambda: _queue_rows(page) == 0, 20, failure='the expense was not sent after choosing')
        assert _server_count(api) == before + 1
        api.close()
    finally:
        context.close()


def test_logging_out_clears_the_queue_and_the_lists(browser, server) -> None:
    context = browser.new_context(viewport={'width': 1280, 'height': 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        run_wizard(page, server)
        _open_capture(page, server)
        # an expense recorded under another account of this browser: it waits (it is never sent as this one)
        items = [
            {
                'request_id': 'waits-for-someone-else',
                'user_id': 999,
                'username': 'someone else',
                'amount': '1',
                'date': date.today().isoformat(),
                'category_id': 1,
                'category_name': 'Food',
                'payment_method_id': 1,
                'payment_method_name': 'Card',
                'recorded_at': '2026-01-01T00:00:00Z',
            }
        ]
        page.evaluate(PUT_BACK, items)
        page.reload()
        page.wait_for_selector('body[data-ready=true]')
        page.get_by_text('Recorded as someone else').wait_for()
        assert page.evaluate(QUEUE_LENGTH) == 1
        assert page.evaluate('caches.keys()') != []

        page.goto(server.url + '/expenses')
        page.get_by_role('button', name='Log out').click()
        page.wait_for_url('**/login')
        assert page.evaluate('indexedDB.databases().then((all) => all.map((d) => d.name))') == []
        assert page.evaluate('caches.keys()') == []
    finally:
        context.close()


def test_the_capture_page_speaks_the_users_language_from_the_first_visit(browser, server) -> None:
    """An English browser, a user who chose French: the first visit learns the language from the lists it
    fetches, and every text, the status line included, is then French."""
    context = browser.new_context(viewport={'width': 390, 'height': 844})
    page = context.new_page()
    run_wizard(page, server)
    page.goto(server.url + '/settings?tab=account')
    page.get_by_label('Language').click()
    page.get_by_role('option', name='Français').click()
    page.get_by_role('button', name='Save', exact=True).first.click()
    page.wait_for_url('**/settings?tab=account')
    page.get_by_text('Apparence et formats').wait_for()
    _open_capture(page, server)
    page.wait_for_function('document.documentElement.lang === "fr"')
    assert page.locator('#status').inner_text() == 'Connecté\u00a0: les dépenses en attente sont envoyées aussitôt.'
    assert page.locator('#save').inner_text() == 'Enregistrer'
    context.close()
