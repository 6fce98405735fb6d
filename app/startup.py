"""What the server does when it starts and stops; called from main.py."""

from __future__ import annotations

import logging

from app.config import Settings
from app.db import close_database, open_database
from app.services import sessions, setup

log = logging.getLogger('whatispend')


def on_startup(settings: Settings) -> None:
    open_database(settings.database_url)
    setup.reset_cache()
    purged = sessions.purge_expired()
    log.info('What I Spend started; database %s ready (%s expired sessions purged)', settings.database_url, purged)


def on_shutdown() -> None:
    close_database()
