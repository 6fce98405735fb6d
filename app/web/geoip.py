"""The GeoIP filter: only clients from the allowed countries reach the app (GEOIP_ENABLED).

The country comes from a local MaxMind GeoLite2-Country database (GEOIP_DB_PATH, downloaded by
`python manage.py geoip update`), opened once at start-up; if the filter is on and the file is
missing or unreadable, the server refuses to start and says why. Loopback and private addresses
(the household's own network, a reverse proxy) always pass. An address the database does not know
follows GEOIP_UNKNOWN (allow or deny). A refused request gets 403 JSON (a websocket is closed
before it opens), and a log line:

    WARNING whatispend.geoip: blocked by country from 198.51.100.7 (US): GET /sysapi/expenses

The filter covers pages, /sysapi and NiceGUI's websocket alike.
"""

from __future__ import annotations

import ipaddress
import json
import logging
from pathlib import Path

from app.config import Settings, get_settings
from app.web.client_ip import client_ip_from_scope

log = logging.getLogger('whatispend.geoip')


class GeoIpError(Exception):
    """The filter is on but its database cannot be used; the message says what to do."""


_reader = None
_reader_path: Path | None = None


def open_reader(settings: Settings | None = None):
    """The geoip2 reader for GEOIP_DB_PATH, opened once per process; None when the filter is off."""
    global _reader, _reader_path
    settings = settings or get_settings()
    if not settings.geoip_enabled:
        return None
    path = settings.path(settings.geoip_db_path)
    if _reader is not None and _reader_path == path:
        return _reader
    if not path.is_file():
        raise GeoIpError(
            f'GEOIP_ENABLED=true but the GeoIP database {path} does not exist. Download it with '
            '`python manage.py geoip update` (needs GEOIP_LICENSE_KEY, a free MaxMind account), '
            'set GEOIP_DB_PATH to your GeoLite2-Country.mmdb, or set GEOIP_ENABLED=false.'
        )
    import geoip2.database
    from maxminddb.errors import InvalidDatabaseError

    try:
        reader = geoip2.database.Reader(str(path))
    except (InvalidDatabaseError, OSError, ValueError) as exc:
        raise GeoIpError(
            f'The GeoIP database {path} cannot be read ({exc}); run `python manage.py geoip update` again.'
        ) from None
    kind = reader.metadata().database_type
    if 'Country' not in kind and 'City' not in kind:
        reader.close()
        raise GeoIpError(f'{path} is a {kind} database; GeoIP needs GeoLite2-Country (or City).')
    close_reader()
    _reader, _reader_path = reader, path
    return reader


def close_reader() -> None:
    global _reader, _reader_path
    if _reader is not None:
        _reader.close()
    _reader, _reader_path = None, None


def always_allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Loopback, private, link-local and other non-public addresses: never filtered."""
    return address.is_loopback or address.is_private or address.is_link_local or not address.is_global


def country_of(reader, address: str) -> str | None:
    """The ISO country code of `address`, or None when the database does not know it."""
    from geoip2.errors import AddressNotFoundError

    try:
        response = reader.country(address)
    except (AddressNotFoundError, ValueError):
        return None
    return response.country.iso_code or response.registered_country.iso_code


class GeoIpMiddleware:
    def __init__(self, app, settings: Settings | None = None, reader=None) -> None:
        self.app = app
        settings = settings or get_settings()
        self.enabled = settings.geoip_enabled
        self.allowed = frozenset(settings.geoip_allowed_countries)
        self.unknown_allowed = settings.geoip_unknown == 'allow'
        self.reader = reader if reader is not None else open_reader(settings)

    def decide(self, ip: str) -> tuple[bool, str]:
        """(allowed, country or a reason) for one client address."""
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return self.unknown_allowed, 'unknown'
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:  # ::ffff:a.b.c.d from a dual stack
            address = address.ipv4_mapped
        if always_allowed(address):
            return True, 'private'
        country = country_of(self.reader, str(address))
        if country is None:
            return self.unknown_allowed, 'unknown'
        return country in self.allowed, country

    async def __call__(self, scope, receive, send) -> None:
        if not self.enabled or scope['type'] not in ('http', 'websocket'):
            await self.app(scope, receive, send)
            return
        ip = client_ip_from_scope(scope)
        if not scope.get('client') and ip == 'unknown':  # a Unix socket: a local proxy
            await self.app(scope, receive, send)
            return
        allowed, country = self.decide(ip)
        if allowed:
            await self.app(scope, receive, send)
            return
        log.warning(
            'blocked by country from %s (%s): %s %s', ip, country, scope.get('method', 'WEBSOCKET'), scope['path']
        )
        if scope['type'] == 'websocket':
            await send({'type': 'websocket.close', 'code': 1008})
            return
        body = json.dumps({'error': 'Access from your country is not allowed on this server.'}).encode()
        await send(
            {
                'type': 'http.response.start',
                'status': 403,
                'headers': [(b'content-type', b'application/json'), (b'content-length', str(len(body)).encode())],
            }
        )
        await send({'type': 'http.response.body', 'body': body})
