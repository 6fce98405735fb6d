"""Security headers on every HTTP response, as pure ASGI middleware.

The Content-Security-Policy is as strict as NiceGUI allows: NiceGUI renders each page with inline
scripts and compiles Vue templates in the browser, so scripts need 'unsafe-inline' and
'unsafe-eval'; everything else is limited to this site, except the map tiles (images from the
MAP_TILE_URL host). No other site may frame the app (clickjacking), no plugin may load, forms post
only here, and over HTTPS browsers are told to stay on HTTPS (HSTS). FastAPI's /docs and /redoc
load Swagger UI and ReDoc from jsDelivr, so those two pages get that one host added.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from app.config import Settings, get_settings
from app.web.client_ip import scope_is_https

DOCS_PATHS = ('/docs', '/redoc')
DOCS_CDN = 'https://cdn.jsdelivr.net'
HSTS = (b'strict-transport-security', b'max-age=31536000')


def tile_source(tile_url: str) -> str:
    """The CSP source of the map tiles: 'https://{s}.tile.example.org/...' -> 'https://*.tile.example.org'."""
    parts = urlsplit(tile_url.replace('{s}', 'subdomain-placeholder'))
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        return ''
    host = parts.netloc.replace('subdomain-placeholder', '*')
    return f'{parts.scheme}://{host}'


def content_security_policy(settings: Settings, *, docs: bool = False) -> str:
    tiles = tile_source(settings.map_tile_url)
    extra = f' {DOCS_CDN}' if docs else ''
    directives = {
        'default-src': "'self'",
        'script-src': f"'self' 'unsafe-inline' 'unsafe-eval'{extra}",
        'style-src': f"'self' 'unsafe-inline'{extra}",
        'img-src': f"'self' data: blob:{' ' + tiles if tiles else ''}{' https://fastapi.tiangolo.com' if docs else ''}",
        'font-src': "'self' data:",
        'connect-src': "'self'",
        'worker-src': "'self' blob:",
        'object-src': "'none'",
        'base-uri': "'self'",
        'form-action': "'self'",
        'frame-ancestors': "'none'",
    }
    return '; '.join(f'{name} {value}' for name, value in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, app, settings: Settings | None = None) -> None:
        self.app = app
        settings = settings or get_settings()
        common = [
            (b'x-content-type-options', b'nosniff'),
            (b'referrer-policy', b'same-origin'),
            (b'x-frame-options', b'DENY'),
            (b'cross-origin-opener-policy', b'same-origin'),
            (b'permissions-policy', b'camera=(), microphone=(), geolocation=(self)'),
        ]
        self.headers = [*common, (b'content-security-policy', content_security_policy(settings).encode())]
        self.docs_headers = [
            *common,
            (b'content-security-policy', content_security_policy(settings, docs=True).encode()),
        ]

    async def __call__(self, scope, receive, send) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return
        extra = self.docs_headers if scope['path'] in DOCS_PATHS else self.headers
        if scope_is_https(scope):
            extra = [*extra, HSTS]

        async def send_with_headers(message) -> None:
            if message['type'] == 'http.response.start':
                present = {name.lower() for name, _ in message.get('headers', [])}
                message['headers'] = [*message.get('headers', []), *(h for h in extra if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)
