"""A small, real GeoLite2-Country-shaped database, written with mmdb-writer for the tests."""

from __future__ import annotations

from pathlib import Path

from mmdb_writer import MMDBWriter
from netaddr import IPSet

NETWORKS = {
    'FR': ['2.0.0.0/16', '2a01:cb00::/32'],
    'US': ['3.0.0.0/16', '2600:1f00::/24'],
}
FR_IPV4, FR_IPV6 = '2.0.1.2', '2a01:cb00::1234'
US_IPV4, US_IPV6 = '3.0.4.5', '2600:1f00::99'
UNKNOWN_IPV4, UNKNOWN_IPV6 = '9.9.9.9', '2001:4860::8888'


def build_country_db(path: Path, database_type: str = 'GeoLite2-Country') -> Path:
    writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type=database_type, languages=['en'])
    for code, networks in NETWORKS.items():
        writer.insert_network(
            IPSet(networks),
            {'country': {'iso_code': code, 'names': {'en': code}}, 'registered_country': {'iso_code': code}},
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    writer.to_db_file(str(path))
    return path
