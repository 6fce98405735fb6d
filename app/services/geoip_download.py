"""Downloading the GeoLite2-Country database from MaxMind (`python manage.py geoip update`).

MaxMind publishes the database as a tar.gz beside its SHA-256; both are fetched with the licence key
(GEOIP_LICENSE_KEY, from a free MaxMind account), the archive is checked against the checksum, the
.mmdb inside is opened to make sure it is a country database, and only then does it replace
GEOIP_DB_PATH (atomically: a running server never sees half a file). The licence key never appears
in a message or a log line. GEOIP_DOWNLOAD_URL points elsewhere for a mirror (and for the tests).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from app.config import Settings
from app.i18n import Message
from app.services.errors import Invalid

log = logging.getLogger('whatispend.geoip')

EDITION = 'GeoLite2-Country'
MAX_ARCHIVE_BYTES = 200 * 1024 * 1024


class DownloadError(Invalid):
    """The database could not be downloaded or is not usable; the message says what to do."""


@dataclass(frozen=True)
class Downloaded:
    path: Path
    database_type: str
    build_date: datetime
    size: int


def _get(client: httpx.Client, url: str, key: str, suffix: str, what: str) -> httpx.Response:
    """`what`: 'checksum' or 'database'."""
    params = {'edition_id': EDITION, 'license_key': key, 'suffix': suffix}
    try:
        response = client.get(url, params=params)
    except httpx.HTTPError as exc:
        host, error = httpx.URL(url).host, type(exc).__name__
        if what == 'checksum':
            raise DownloadError(
                Message('Could not reach {host} to download the checksum: {error}.', host=host, error=error)
            )
        raise DownloadError(
            Message('Could not reach {host} to download the database: {error}.', host=host, error=error)
        )
    if response.status_code in (401, 403):
        raise DownloadError(
            Message('MaxMind refused the licence key; check GEOIP_LICENSE_KEY (create one in your MaxMind account).')
        )
    if response.status_code != 200:
        status = response.status_code
        if what == 'checksum':
            raise DownloadError(
                Message('The download of the checksum failed with HTTP {status}; try again later.', status=status)
            )
        raise DownloadError(
            Message('The download of the database failed with HTTP {status}; try again later.', status=status)
        )
    return response


def update_database(settings: Settings, *, timeout: float = 60) -> Downloaded:
    key = settings.geoip_license_key.strip()
    if not key:
        raise DownloadError(
            Message(
                'GEOIP_LICENSE_KEY is not set: create a free MaxMind account, generate '
                'a licence key and put it in config.env as GEOIP_LICENSE_KEY=...'
            )
        )
    target = settings.path(settings.geoip_db_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    url = settings.geoip_download_url
    with httpx.Client(timeout=timeout, follow_redirects=True) as client:
        checksum_text = _get(client, url, key, 'tar.gz.sha256', 'checksum').text.strip()
        expected = checksum_text.split()[0].lower() if checksum_text else ''
        if len(expected) != 64 or any(c not in '0123456789abcdef' for c in expected):
            raise DownloadError(Message('The checksum file MaxMind sent is not a SHA-256; try again later.'))
        archive = _get(client, url, key, 'tar.gz', 'database').content
    if len(archive) > MAX_ARCHIVE_BYTES:
        raise DownloadError(Message('The downloaded archive is unexpectedly large; refusing it.'))
    if hashlib.sha256(archive).hexdigest() != expected:
        raise DownloadError(Message('The downloaded archive does not match its checksum; try again.'))
    mmdb = _extract_mmdb(archive)
    fd, temporary = tempfile.mkstemp(prefix='.geoip-', suffix='.mmdb', dir=target.parent)
    try:
        with os.fdopen(fd, 'wb') as handle:
            handle.write(mmdb)
        database_type, build_date = _check(Path(temporary))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    log.info('GeoIP database updated: %s (%s, built %s)', target, database_type, build_date.date())
    return Downloaded(target, database_type, build_date, len(mmdb))


def _extract_mmdb(archive: bytes) -> bytes:
    import io

    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode='r:gz') as tar:
            for member in tar:
                if member.isfile() and member.name.endswith('.mmdb'):
                    extracted = tar.extractfile(member)
                    if extracted is not None:
                        return extracted.read()
    except (tarfile.TarError, OSError, EOFError):
        raise DownloadError(Message('The downloaded file is not a readable tar.gz archive; try again.')) from None
    raise DownloadError(Message('The downloaded archive holds no .mmdb database.'))


def _check(path: Path) -> tuple[str, datetime]:
    import geoip2.database
    from maxminddb.errors import InvalidDatabaseError

    try:
        with geoip2.database.Reader(str(path)) as reader:
            metadata = reader.metadata()
    except (InvalidDatabaseError, ValueError, OSError):
        raise DownloadError(Message('The downloaded .mmdb cannot be read; try again.')) from None
    if 'Country' not in metadata.database_type and 'City' not in metadata.database_type:
        raise DownloadError(
            Message(
                'The download is a {database_type} database, not a country database.',
                database_type=metadata.database_type,
            )
        )
    return metadata.database_type, datetime.fromtimestamp(metadata.build_epoch, UTC)
