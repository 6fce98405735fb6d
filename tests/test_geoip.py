"""The GeoIP filter with a real .mmdb: FR passes, US gets 403, private passes, unknown follows the setting."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from nicegui import core
from nicegui.testing import User

from app.config import load, use_settings
from app.web import geoip
from app.web.client_ip import ClientIpMiddleware
from app.web.geoip import GeoIpError, GeoIpMiddleware, open_reader
from tests.conftest import API_KEY
from tests.geoip_data import (
    FR_IPV4,
    FR_IPV6,
    UNKNOWN_IPV4,
    UNKNOWN_IPV6,
    US_IPV4,
    US_IPV6,
    build_country_db,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def mmdb(tmp_path: Path) -> Path:
    yield build_country_db(tmp_path / 'GeoLite2-Country.mmdb')
    geoip.close_reader()


def geo_settings(environment, mmdb: Path, **extra: str):
    return load(
        environ={**environment, 'GEOIP_ENABLED': 'true', 'GEOIP_DB_PATH': str(mmdb), 'GEOIP_ALLOWED_COUNTRIES': 'FR'}
        | extra
    )


@pytest.fixture
def through_geoip(user: User, environment, mmdb: Path):
    """Clients from any address, through the GeoIP filter in front of the real app."""
    core.app.middleware_stack = core.app.build_middleware_stack()
    filters = {}

    def client(address: str, unknown: str = 'allow') -> httpx.AsyncClient:
        settings = geo_settings(environment, mmdb, GEOIP_UNKNOWN=unknown)
        use_settings(settings)
        filters[unknown] = filters.get(unknown) or ClientIpMiddleware(GeoIpMiddleware(core.app, settings=settings))
        transport = httpx.ASGITransport(filters[unknown], client=(address, 40000))
        return httpx.AsyncClient(transport=transport, base_url='http://test')

    return client


@pytest.mark.parametrize('address', [FR_IPV4, FR_IPV6, '127.0.0.1', '::1', '192.168.1.20', '10.1.2.3', 'fd00::5'])
async def test_france_and_private_addresses_pass(through_geoip, address: str) -> None:
    async with through_geoip(address) as client:
        assert (await client.get('/login')).status_code in (200, 303)
        assert (await client.get(f'/sysapi/session?key={API_KEY}')).status_code == 200


@pytest.mark.parametrize('address', [US_IPV4, US_IPV6])
async def test_the_united_states_get_403_everywhere(through_geoip, address: str, caplog) -> None:
    caplog.set_level(logging.WARNING, logger='whatispend.geoip')
    async with through_geoip(address) as client:
        for url in ('/login', f'/sysapi/session?key={API_KEY}', '/_nicegui_ws/socket.io/?EIO=4&transport=polling'):
            response = await client.get(url)
            assert response.status_code == 403, url
            assert 'country' in response.json()['error']
    assert f'blocked by country from {address} (US): GET /login' in caplog.text


@pytest.mark.parametrize('address', [UNKNOWN_IPV4, UNKNOWN_IPV6])
async def test_unknown_addresses_follow_the_setting(through_geoip, address: str) -> None:
    async with through_geoip(address, unknown='allow') as client:
        assert (await client.get(f'/sysapi/session?key={API_KEY}')).status_code == 200
    async with through_geoip(address, unknown='deny') as client:
        assert (await client.get(f'/sysapi/session?key={API_KEY}')).status_code == 403


async def test_the_websocket_is_closed_before_it_opens(environment, mmdb: Path) -> None:
    settings = geo_settings(environment, mmdb)
    use_settings(settings)
    reached, sent = [], []

    async def app(scope, receive, send):
        reached.append(scope['type'])

    async def send(message):
        sent.append(message)

    async def receive():
        return {'type': 'websocket.connect'}

    guarded = ClientIpMiddleware(GeoIpMiddleware(app, settings=settings))
    for address in (US_IPV4, FR_IPV4):
        scope = {'type': 'websocket', 'path': '/_nicegui_ws/socket.io/', 'client': (address, 1), 'headers': []}
        await guarded(scope, receive, send)
    assert sent == [{'type': 'websocket.close', 'code': 1008}]
    assert reached == ['websocket']  # only the French one reached the app


def test_decisions_and_forwarded_addresses(environment, mmdb: Path) -> None:
    settings = geo_settings(environment, mmdb, GEOIP_ALLOWED_COUNTRIES='FR,BE', FORWARDED_ALLOW_IPS='10.0.0.1')
    use_settings(settings)
    middleware = GeoIpMiddleware(None, settings=settings)
    assert middleware.decide(FR_IPV4) == (True, 'FR')
    assert middleware.decide(US_IPV6) == (False, 'US')
    assert middleware.decide('::ffff:3.0.4.5') == (False, 'US')
    assert middleware.decide('::ffff:192.168.1.1') == (True, 'private')
    assert middleware.decide('invalid') == (True, 'unknown')
    assert geoip.country_of(middleware.reader, FR_IPV6) == 'FR'


def test_the_reader_is_opened_once(environment, mmdb: Path) -> None:
    settings = geo_settings(environment, mmdb)
    first = open_reader(settings)
    assert open_reader(settings) is first
    assert GeoIpMiddleware(None, settings=settings).reader is first
    assert open_reader(load(environ=environment)) is None  # filter off: no reader


def test_a_missing_or_wrong_database_is_refused_clearly(environment, tmp_path: Path) -> None:
    with pytest.raises(GeoIpError, match='manage.py geoip update'):
        open_reader(geo_settings(environment, tmp_path / 'missing.mmdb'))
    garbage = tmp_path / 'garbage.mmdb'
    garbage.write_bytes(b'not a database')
    with pytest.raises(GeoIpError, match='cannot be read'):
        open_reader(geo_settings(environment, garbage))
    other = build_country_db(tmp_path / 'asn.mmdb', database_type='GeoLite2-ASN')
    with pytest.raises(GeoIpError, match='GeoLite2-ASN'):
        open_reader(geo_settings(environment, other))


def test_the_server_does_not_start_without_the_database(environment, tmp_path: Path) -> None:
    env = {**environment, 'PATH': '/usr/bin:/bin', 'GEOIP_ENABLED': 'true', 'GEOIP_DB_PATH': str(tmp_path / 'no.mmdb')}
    result = subprocess.run([sys.executable, 'main.py'], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert 'GEOIP_ENABLED=true but the GeoIP database' in result.stderr
    assert 'manage.py geoip update' in result.stderr


@pytest.fixture
def geoip_on(monkeypatch, mmdb: Path) -> None:
    monkeypatch.setenv('GEOIP_ENABLED', 'true')
    monkeypatch.setenv('GEOIP_DB_PATH', str(mmdb))
    use_settings(load())


async def test_the_filter_is_installed_in_the_app(geoip_on, user: User) -> None:
    """main.py's own stack, GEOIP_ENABLED from the environment as in production."""
    for address, expected in ((US_IPV4, 403), (FR_IPV4, 200), ('127.0.0.1', 200)):
        transport = httpx.ASGITransport(core.app, client=(address, 1))
        async with httpx.AsyncClient(transport=transport, base_url='http://test') as client:
            assert (await client.get(f'/sysapi/session?key={API_KEY}')).status_code == expected, address
