"""`manage.py geoip update` against a MaxMind look-alike served on loopback."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from app.config import load
from app.services.geoip_download import DownloadError, update_database
from app.web.geoip import country_of, open_reader
from tests.geoip_data import FR_IPV4, US_IPV6, build_country_db

ROOT = Path(__file__).resolve().parents[1]
LICENSE = 'test-licence-key-123'


def make_archive(mmdb: Path, *, name: str = 'GeoLite2-Country_20260301/GeoLite2-Country.mmdb') -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode='w:gz') as tar:
        readme = b'GeoLite2 test archive'
        info = tarfile.TarInfo('GeoLite2-Country_20260301/README.txt')
        info.size = len(readme)
        tar.addfile(info, io.BytesIO(readme))
        tar.add(mmdb, arcname=name)
    return buffer.getvalue()


class MaxMind:
    """Serves /app/geoip_download like MaxMind: the archive or its checksum, for the right key only."""

    def __init__(self, archive: bytes) -> None:
        self.archive = archive
        self.checksum = hashlib.sha256(archive).hexdigest()
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                outer.requests.append(query)
                if parts.path == '/old':  # a moved endpoint
                    self.send_response(302)
                    self.send_header('Location', '/redirected?' + parts.query)
                    self.end_headers()
                    return
                if parts.path not in ('/app/geoip_download', '/redirected'):
                    self._answer(404, b'not found')
                    return
                if query.get('license_key') != LICENSE:
                    self._answer(401, b'Invalid license key')
                elif query.get('edition_id') != 'GeoLite2-Country':
                    self._answer(404, b'no such edition')
                elif query.get('suffix') == 'tar.gz.sha256':
                    self._answer(200, f'{outer.checksum}  GeoLite2-Country_20260301.tar.gz\n'.encode())
                elif query.get('suffix') == 'tar.gz':
                    self._answer(200, outer.archive)
                else:
                    self._answer(400, b'bad suffix')

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f'http://127.0.0.1:{self.server.server_address[1]}/app/geoip_download'


@pytest.fixture
def maxmind(tmp_path: Path):
    server = MaxMind(make_archive(build_country_db(tmp_path / 'source' / 'GeoLite2-Country.mmdb')))
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def settings_for(environment, tmp_path: Path, url: str, key: str = LICENSE):
    return load(
        environ={
            **environment,
            'GEOIP_LICENSE_KEY': key,
            'GEOIP_DOWNLOAD_URL': url,
            'GEOIP_DB_PATH': str(tmp_path / 'geo' / 'GeoLite2-Country.mmdb'),
            'GEOIP_ENABLED': 'true',
        }
    )


def test_update_downloads_checks_and_installs(environment, tmp_path: Path, maxmind: MaxMind) -> None:
    settings = settings_for(environment, tmp_path, maxmind.url)
    result = update_database(settings)
    assert result.path == tmp_path / 'geo' / 'GeoLite2-Country.mmdb' and result.path.is_file()
    assert result.database_type == 'GeoLite2-Country'
    assert [r['suffix'] for r in maxmind.requests] == ['tar.gz.sha256', 'tar.gz']
    reader = open_reader(settings)
    try:
        assert country_of(reader, FR_IPV4) == 'FR' and country_of(reader, US_IPV6) == 'US'
    finally:
        from app.web.geoip import close_reader

        close_reader()


def test_redirects_are_followed_and_a_wrong_url_is_reported(environment, tmp_path: Path, maxmind: MaxMind) -> None:
    with pytest.raises(DownloadError, match='failed with HTTP 404'):
        update_database(settings_for(environment, tmp_path, maxmind.url + '-missing'))
    moved = settings_for(environment, tmp_path, maxmind.url.replace('/app/geoip_download', '/old'))
    assert update_database(moved).path.is_file()
    assert len(maxmind.requests) == 5  # 1 for the wrong URL, then each file through the redirect


def test_refusals_say_what_to_do_and_never_show_the_key(environment, tmp_path: Path, maxmind: MaxMind) -> None:
    target = tmp_path / 'geo' / 'GeoLite2-Country.mmdb'
    cases = [
        (settings_for(environment, tmp_path, maxmind.url, key=''), 'GEOIP_LICENSE_KEY is not set'),
        (settings_for(environment, tmp_path, maxmind.url, key='wrong-key-456'), 'refused the licence key'),
        (settings_for(environment, tmp_path, 'http://127.0.0.1:9/nothing'), 'Could not reach 127.0.0.1'),
    ]
    for settings, message in cases:
        with pytest.raises(DownloadError, match=message) as refused:
            update_database(settings, timeout=5)
        assert 'wrong-key-456' not in refused.value.message and LICENSE not in refused.value.message
    assert not target.exists()

    good = settings_for(environment, tmp_path, maxmind.url)
    maxmind.checksum = '0' * 64
    with pytest.raises(DownloadError, match='does not match its checksum'):
        update_database(good)
    maxmind.checksum = 'not a checksum'
    with pytest.raises(DownloadError, match='not a SHA-256'):
        update_database(good)
    for archive, message in (
        (b'not a tar.gz', 'not a readable tar.gz'),
        (make_archive(tmp_path / 'source' / 'GeoLite2-Country.mmdb', name='x/notes.txt'), 'no .mmdb'),
        (make_archive(build_country_db(tmp_path / 'asn.mmdb', database_type='GeoLite2-ASN')), 'not a country'),
    ):
        maxmind.archive, maxmind.checksum = archive, hashlib.sha256(archive).hexdigest()
        with pytest.raises(DownloadError, match=message):
            update_database(good)
    assert not target.exists()
    assert not list(target.parent.glob('.geoip-*'))  # no temporary file left behind


def test_a_failed_update_keeps_the_current_database(environment, tmp_path: Path, maxmind: MaxMind) -> None:
    settings = settings_for(environment, tmp_path, maxmind.url)
    update_database(settings)
    before = (tmp_path / 'geo' / 'GeoLite2-Country.mmdb').read_bytes()
    maxmind.archive = b'broken'
    maxmind.checksum = hashlib.sha256(b'broken').hexdigest()
    with pytest.raises(DownloadError):
        update_database(settings)
    assert (tmp_path / 'geo' / 'GeoLite2-Country.mmdb').read_bytes() == before


def test_the_command(environment, tmp_path: Path, maxmind: MaxMind) -> None:
    env = {
        **environment,
        'PATH': '/usr/bin:/bin',
        'GEOIP_LICENSE_KEY': LICENSE,
        'GEOIP_DOWNLOAD_URL': maxmind.url,
        'GEOIP_DB_PATH': str(tmp_path / 'cli.mmdb'),
    }
    done = subprocess.run(
        [sys.executable, 'manage.py', 'geoip', 'update'], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert 'GeoIP database saved to' in done.stdout and 'GeoLite2-Country' in done.stdout
    assert (tmp_path / 'cli.mmdb').is_file()
    refused = subprocess.run(
        [sys.executable, 'manage.py', 'geoip', 'update'],
        cwd=ROOT,
        env={**env, 'GEOIP_LICENSE_KEY': 'nope-nope'},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 1 and 'refused the licence key' in refused.stderr
    assert 'nope-nope' not in refused.stderr + refused.stdout
