"""`manage.py geoip ...`: the GeoLite2-Country database behind the GeoIP filter."""

from __future__ import annotations

from app.cli.bootstrap import open_db
from app.cli.errors import verb
from app.config import get_settings
from app.i18n import _
from app.services import geoip_download


class GeoIpCommands:
    """Download and check the GeoIP database."""

    @verb
    def update(self) -> None:
        """Download the current GeoLite2-Country database to GEOIP_DB_PATH (needs GEOIP_LICENSE_KEY)."""
        open_db(migrate=False)
        result = geoip_download.update_database(get_settings())
        print(
            _(
                'GeoIP database saved to {path} ({kind}, built {date}, {size} KiB). Restart the server to use it.',
                path=str(result.path),
                kind=result.database_type,
                date=f'{result.build_date:%Y-%m-%d}',
                size=result.size // 1024,
            )
        )
