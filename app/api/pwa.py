"""The installable app: web app manifest, service worker, icons, and the offline capture page with its data.

Everything here is same-origin and served under a strict Content-Security-Policy of its own (no inline script,
no eval: the capture page and the worker are plain files), unlike NiceGUI's pages, which need both.

- `/manifest.webmanifest`: name, icons (maskable too), colours, `display: standalone`, the "Add expense"
  shortcut, in the browser's language.
- `/sw.js`: the service worker, at the root of the app so that its scope is the whole app (under a sub-path,
  `/spend/sw.js` with the scope `/spend/`: it finds its base from its own address). Its text carries a version
  made of the app's version and the hash of the files it caches, so a new version is a new worker, which
  replaces the old one and its cache at once (see app/static/pwa/sw.js).
- `/capture`: the offline capture page (static HTML, one JavaScript module); `/capture/data`: the lists it
  keeps for the moments without signal, for the logged-in user (401 otherwise, so the page asks to log in).
- `/pwa/...`: the page's script, style, words (every language) and the icons.

Under a sub-path (X-Forwarded-Prefix from a trusted proxy, app/web/prefix.py) every address these files give the
browser carries it: the manifest's start_url, scope, icons, share target and shortcut are written with the
request's prefix, the capture page's links too (its HTML may be served by the worker at any address of the app,
so they cannot be relative), and the scripts derive their base from their own URL.
- `POST /share`: the share target. A photo or a PDF shared from the phone waits (app/services/shared_files.py)
  while the add form opens with it (`/?add=1&share=<token>`); saving the expense attaches it as a receipt.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.datastructures import UploadFile as StarletteUpload

from app import i18n
from app.api.pwa_texts import capture_texts
from app.i18n import N_
from app.services import receipts, sessions, shared_files
from app.services.capture import CaptureLists, capture_lists
from app.services.errors import ServiceError
from app.version import current_version
from app.web.body_limit import allow_larger_body
from app.web.cookies import session_token
from app.web.prefix import request_prefix

router = APIRouter(include_in_schema=False)

STATIC = Path(__file__).resolve().parent.parent / 'static' / 'pwa'
LOCALE = Path(__file__).resolve().parent.parent / 'locale'
THEME_LIGHT = '#4f46e5'
THEME_DARK = '#121212'
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "worker-src 'self'; manifest-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
TYPES = {'.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.html': 'text/html'}
# what /pwa/ serves: the page's own files and the icons; nothing else of the folder (sw.js is at the root)
SERVED = ('capture.js', 'capture.css', 'register.js')
# what the service worker keeps (below its own base: the app's root or sub-path); nothing of the API, no NiceGUI page
PRECACHE = (
    '/capture',
    '/pwa/capture.js',
    '/pwa/capture.css',
    '/pwa/capture-texts.json',
    '/pwa/icons/icon-192.png',
    '/manifest.webmanifest',
)
ICONS = (
    ('icon-192.png', '192x192', 'any'),
    ('icon-512.png', '512x512', 'any'),
    ('icon-maskable-192.png', '192x192', 'maskable'),
    ('icon-maskable-512.png', '512x512', 'maskable'),
)
SHORTCUT_URL = '/?add=1'
SHARE_PATH = '/share'
SHARE_FIELD = 'receipt'
SHARE_ACCEPT = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf', '.jpg', '.jpeg', '.png', '.webp', '.pdf']
SHARE_SLACK = 256 * 1024  # the multipart boundaries and the title and text fields around the file
NO_CACHE = {'Cache-Control': 'no-cache'}


def _headers(**extra: str) -> dict[str, str]:
    return {'Content-Security-Policy': STRICT_CSP, **NO_CACHE, **extra}


@cache
def worker_version() -> str:
    """The app's version and a hash of every file the worker caches or serves (and of the catalogues, whose
    words the capture page shows): any change makes a new worker, which browsers install in place of the old."""
    digest = hashlib.sha256(current_version().encode())
    for path in sorted([*STATIC.rglob('*'), *LOCALE.rglob('*.po')]):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return f'{current_version()}-{digest.hexdigest()[:12]}'


@router.get('/manifest.webmanifest')
def manifest(request: Request) -> Response:
    language = i18n.from_accept_language(request.headers.get('accept-language'))
    catalogue = i18n.translations(language)
    base = request_prefix(request)
    body = {
        'id': base + '/',
        'name': 'What I Spend',
        'short_name': 'What I Spend',  # 12 characters: fits under a home-screen icon
        'description': catalogue.gettext(N_('Your expenses, written down in a few taps, even without signal.')),
        'lang': language,
        'start_url': base + '/',
        'scope': base + '/',
        'display': 'standalone',
        'orientation': 'any',
        'background_color': '#ffffff',
        'theme_color': THEME_LIGHT,
        'icons': [
            {'src': f'{base}/pwa/icons/{name}', 'sizes': sizes, 'type': 'image/png', 'purpose': purpose}
            for name, sizes, purpose in ICONS
        ],
        'share_target': {
            'action': base + SHARE_PATH,
            'method': 'POST',
            'enctype': 'multipart/form-data',
            'params': {'title': 'title', 'text': 'text', 'files': [{'name': SHARE_FIELD, 'accept': SHARE_ACCEPT}]},
        },
        'shortcuts': [
            {
                'name': catalogue.gettext(N_('Add an expense')),
                'short_name': catalogue.gettext(N_('Add')),
                'url': base + SHORTCUT_URL,
                'icons': [{'src': f'{base}/pwa/icons/shortcut-add-96.png', 'sizes': '96x96', 'type': 'image/png'}],
            }
        ],
    }
    return Response(
        json.dumps(body, ensure_ascii=False),
        media_type='application/manifest+json',
        headers={**_headers(), 'Content-Language': language, 'Vary': 'Accept-Language'},
    )


@router.get('/sw.js')
def service_worker() -> Response:
    text = (STATIC / 'sw.js').read_text(encoding='utf-8')
    text = text.replace('__VERSION__', worker_version()).replace('__PRECACHE__', json.dumps(list(PRECACHE)))
    return Response(text, media_type='text/javascript', headers=_headers(**{'Service-Worker-Allowed': '/'}))


@router.get('/capture')
def capture_page(request: Request) -> Response:
    # its links carry the app's base: the worker may show this page at any address of the app (a plain shape)
    text = (STATIC / 'capture.html').read_text(encoding='utf-8').replace('__BASE__', request_prefix(request))
    return Response(text, media_type='text/html', headers=_headers())


@router.get('/capture/data')
def capture_data(request: Request) -> JSONResponse:
    """The lists the capture page keeps, and the words' language; 401 without a live session (the page then
    keeps its queue and asks to log in). Never cached: the worker does not keep API answers."""
    user = sessions.user_for_token(session_token(request))
    headers = {'Content-Security-Policy': STRICT_CSP, 'Cache-Control': 'no-store'}
    if user is None:
        return JSONResponse({'authenticated': False}, status_code=401, headers=headers)
    lists: CaptureLists = capture_lists(user)
    language = (
        i18n.supported(user.language)
        if user.language
        else i18n.from_accept_language(request.headers.get('accept-language'))
    )
    body = {
        'authenticated': True,
        'language': language,
        'user_id': lists.user_id,
        'username': lists.username,
        'categories': [
            {'id': c.id, 'name': c.name, 'subcategories': [{'id': s.id, 'name': s.name} for s in c.subcategories]}
            for c in lists.categories
        ],
        'payment_methods': [{'id': m.id, 'name': m.name} for m in lists.payment_methods],
        'last_category_id': lists.last_category_id,
        'last_subcategory_id': lists.last_subcategory_id,
        'last_payment_method_id': lists.last_payment_method_id,
    }
    return JSONResponse(body, headers=headers)


@router.get('/pwa/capture-texts.json')
def capture_words() -> JSONResponse:
    return JSONResponse(capture_texts(), headers=_headers())


@router.get('/pwa/icons/{name}')
def icon(name: str) -> Response:
    known = {path.name for path in (STATIC / 'icons').glob('*.png')}
    if name not in known:
        return Response(status_code=404)
    return Response((STATIC / 'icons' / name).read_bytes(), media_type='image/png', headers=_headers())


@router.get('/pwa/{name}')
def static_file(name: str) -> Response:
    if name not in SERVED:
        return Response(status_code=404)
    path = STATIC / name
    return Response(path.read_bytes(), media_type=TYPES[path.suffix], headers=_headers())


def register_body_limits() -> None:
    """The share target receives a whole receipt (the default body limit is 128 KiB)."""
    allow_larger_body(SHARE_PATH, receipts.max_bytes() + SHARE_SLACK)


@router.post(SHARE_PATH)
async def share_target(request: Request) -> Response:
    """What the phone sends when a file is shared with the installed app: keep it for the add form.

    Only the browser itself (Sec-Fetch-Site: none, the share sheet) or this site may post here; another site's
    form gets the dashboard and nothing is kept. Without a session, the login page (the file is not kept)."""
    site = request.headers.get('sec-fetch-site', 'none').lower()
    if site not in ('none', 'same-origin'):
        return RedirectResponse('/', status_code=303)
    user = await run_in_threadpool(sessions.user_for_token, session_token(request))
    if user is None:
        return RedirectResponse(f'/login?next={quote(SHORTCUT_URL)}', status_code=303)
    try:
        form = await request.form(max_files=1, max_fields=10)
    except Exception:  # noqa: BLE001 - a body that is not a form: the add form, without a file
        return RedirectResponse(SHORTCUT_URL, status_code=303)
    shared = form.get(SHARE_FIELD)
    if not isinstance(shared, StarletteUpload):
        return RedirectResponse(SHORTCUT_URL, status_code=303)
    data = await shared.read(receipts.max_bytes() + 1)
    try:
        token = await run_in_threadpool(shared_files.keep, user, shared.filename, data)
    except ServiceError:  # not a photo or a PDF, or too large: the form opens and says so
        return RedirectResponse(f'{SHORTCUT_URL}&share_error=1', status_code=303)
    return RedirectResponse(f'{SHORTCUT_URL}&{urlencode({"share": token})}', status_code=303)
