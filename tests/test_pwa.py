"""The installable app over HTTP: the manifest and its icons, the service worker at the root and what it may
cache, the capture page and its words under a strict CSP, the capture page's lists, sending with the browser's
session alone, and the logout that clears what the browser kept."""

from __future__ import annotations

import io
import json
import re

from nicegui.testing import User
from PIL import Image

from app.api.pwa import PRECACHE, STRICT_CSP
from app.models import Expense
from tests.builders import basics, link
from tests.conftest import API_KEY, api_login, make_user
from tests.page_steps import logged_in_alice


async def test_the_manifest_makes_the_app_installable(user: User) -> None:
    response = await user.http_client.get('/manifest.webmanifest')
    assert response.status_code == 200
    assert response.headers['content-type'].startswith('application/manifest+json')
    manifest = response.json()
    assert manifest['name'] == 'What I Spend'
    assert 0 < len(manifest['short_name']) <= 12
    assert manifest['start_url'] == '/' and manifest['scope'] == '/' and manifest['display'] == 'standalone'
    assert re.fullmatch(r'#[0-9a-f]{6}', manifest['theme_color'])
    assert re.fullmatch(r'#[0-9a-f]{6}', manifest['background_color'])
    purposes = {(icon['sizes'], icon['purpose']) for icon in manifest['icons']}
    assert {('192x192', 'any'), ('512x512', 'any'), ('192x192', 'maskable'), ('512x512', 'maskable')} <= purposes
    for icon in manifest['icons']:
        served = await user.http_client.get(icon['src'])
        assert served.status_code == 200 and served.headers['content-type'] == 'image/png'
        image = Image.open(io.BytesIO(served.content))
        assert image.format == 'PNG' and f'{image.width}x{image.height}' == icon['sizes']
        if icon['purpose'] == 'maskable':  # a maskable icon is opaque to its edges: the phone cuts the shape
            assert image.convert('RGBA').getpixel((0, 0))[3] == 255
    (shortcut,) = manifest['shortcuts']
    assert shortcut['name'] == 'Add an expense' and shortcut['url'] == '/?add=1'
    assert (await user.http_client.get(shortcut['icons'][0]['src'])).status_code == 200
    apple = await user.http_client.get('/pwa/icons/apple-touch-icon.png')
    assert Image.open(io.BytesIO(apple.content)).size == (180, 180)


async def test_the_manifest_speaks_the_browsers_language(user: User) -> None:
    response = await user.http_client.get('/manifest.webmanifest', headers={'Accept-Language': 'fr-FR,fr;q=0.9'})
    manifest = response.json()
    assert manifest['lang'] == 'fr'
    assert manifest['shortcuts'][0]['name'] == 'Ajouter une dépense'


async def test_the_service_worker_is_at_the_root_and_caches_only_static_files(user: User) -> None:
    response = await user.http_client.get('/sw.js')
    assert response.status_code == 200
    assert response.headers['content-type'].startswith('text/javascript')
    assert response.headers['service-worker-allowed'] == '/'
    assert response.headers['cache-control'] == 'no-cache'  # a new version is seen at once
    text = response.text
    assert '__VERSION__' not in text and '__PRECACHE__' not in text
    version = re.search(r"const VERSION = '([^']+)'", text)
    assert version and re.fullmatch(r'[\w.+-]+-[0-9a-f]{12}', version.group(1))
    cached = json.loads(re.search(r'const PRECACHE = (\[.*?\])\.map\(\(path\) => BASE \+ path\);', text).group(1))
    assert cached == list(PRECACHE)
    assert '/capture' in cached
    assert all(path == '/capture' or path.startswith('/pwa/') or path == '/manifest.webmanifest' for path in cached)
    assert not any(path.startswith(('/sysapi', '/auth', '/_nicegui')) or path == '/' for path in cached)
    for path in cached:  # every file it caches is there
        assert (await user.http_client.get(path)).status_code == 200, path
    # it answers navigations only when the network fails, and touches no other request
    assert "request.mode === 'navigate'" in text and "request.method !== 'GET'" in text


async def test_the_capture_page_and_the_worker_need_no_inline_script_nor_eval(user: User) -> None:
    for path in ('/capture', '/sw.js', '/pwa/capture.js', '/pwa/capture-texts.json', '/manifest.webmanifest'):
        response = await user.http_client.get(path)
        policy = response.headers['content-security-policy']
        assert policy == STRICT_CSP, path
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert response.headers['x-content-type-options'] == 'nosniff'
    html = (await user.http_client.get('/capture')).text
    scripts = re.findall(r'<script[^>]*>', html)
    assert scripts and all('src="/pwa/' in tag for tag in scripts)  # no inline script
    assert not re.search(r'\son\w+=', html)  # no inline handler
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from another site
    script = (await user.http_client.get('/pwa/capture.js')).text
    assert 'innerHTML' not in script and 'eval(' not in script and 'new Function' not in script


async def test_only_the_capture_files_are_served_under_pwa(user: User) -> None:
    for path in (
        '/pwa/sw.js',
        '/pwa/capture.html',
        '/pwa/..%2f..%2fconfig.py',
        '/pwa/icons/..%2fcapture.js',
        '/pwa/icons/nothing.png',
        '/pwa/make_icons.py',
    ):
        assert (await user.http_client.get(path)).status_code == 404, path


async def test_the_capture_words_exist_in_every_language(user: User) -> None:
    texts = (await user.http_client.get('/pwa/capture-texts.json')).json()
    assert set(texts) == {'en', 'fr'}
    assert set(texts['en']) == set(texts['fr'])
    assert texts['en']['save'] == 'Save' and texts['fr']['save'] == 'Enregistrer'
    assert texts['fr']['offline'] != texts['en']['offline']
    assert '{username}' in texts['fr']['other_account']


async def test_the_capture_lists_need_a_session(user: User) -> None:
    response = await user.http_client.get('/capture/data')
    assert response.status_code == 401 and response.json() == {'authenticated': False}
    assert response.headers['cache-control'] == 'no-store'


async def test_the_capture_lists_are_the_dialogs_choices(user: User) -> None:
    world = await logged_in_alice(user)
    bob = make_user('bob')
    basics(bob)  # bob has a Food and a Card too: shown once, as alice's
    link(world['alice'], bob)
    data = (await user.http_client.get('/capture/data')).json()
    assert data['authenticated'] is True and data['username'] == 'alice' and data['language'] == 'en'
    names = [c['name'] for c in data['categories']]
    assert names.count('Food') == 1
    food = next(c for c in data['categories'] if c['name'] == 'Food')
    assert food['id'] == world['food'].id
    assert {s['name'] for s in food['subcategories']} == {'Groceries', 'Restaurants'}
    assert [m['name'] for m in data['payment_methods']].count('Card') == 1
    assert data['last_category_id'] is None


async def test_the_capture_page_sends_with_the_session_alone(user: User) -> None:
    world = await logged_in_alice(user)
    body = {
        'amount': '4,20',
        'category_id': world['food'].id,
        'payment_method_id': world['card'].id,
        'request_id': 'capture-1',
    }
    headers = {'X-WhatISpend-Capture': '1', 'Sec-Fetch-Site': 'same-origin'}
    first = await user.http_client.post('/sysapi/expense_create', json=body, headers=headers)
    assert first.status_code == 200, first.text
    again = await user.http_client.post('/sysapi/expense_create', json=body, headers=headers)
    assert again.json()['expense']['id'] == first.json()['expense']['id']
    assert Expense.select().count() == 1
    # without the header, the session alone is not enough (the API's rule): 401
    plain = await user.http_client.post('/sysapi/expense_create', json={**body, 'request_id': 'capture-2'})
    assert plain.status_code == 401
    # another site's page cannot use it
    cross = await user.http_client.post(
        '/sysapi/expense_create',
        json={**body, 'request_id': 'capture-3'},
        headers={**headers, 'Sec-Fetch-Site': 'cross-site'},
    )
    assert cross.status_code in (401, 403)
    assert Expense.select().count() == 1


async def test_the_capture_header_without_a_session_is_refused(user: User) -> None:
    world = await logged_in_alice(user)
    user.http_client.cookies.clear()
    response = await user.http_client.post(
        '/sysapi/expense_create',
        json={'amount': '1', 'category_id': world['food'].id, 'payment_method_id': world['card'].id},
        headers={'X-WhatISpend-Capture': '1'},
    )
    assert response.status_code == 401 and 'error' in response.json()
    assert Expense.select().count() == 0


async def test_logging_out_clears_what_the_browser_kept(user: User) -> None:
    await logged_in_alice(user)
    response = await user.http_client.post('/auth/logout', headers={'Sec-Fetch-Site': 'same-origin'})
    assert response.status_code == 303
    assert response.headers['clear-site-data'] == '"cache", "storage"'


async def test_the_key_still_works_as_before(user: User) -> None:
    world = await logged_in_alice(user)
    response = await user.http_client.post(
        f'/sysapi/expense_create?key={API_KEY}',
        json={'amount': '2', 'category_id': world['food'].id, 'payment_method_id': world['card'].id},
    )
    assert response.status_code == 200
    await api_login(user)
