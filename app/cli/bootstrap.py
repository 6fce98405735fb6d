"""What a CLI verb does before its work: read the settings, start logging, open the database."""

from __future__ import annotations

from app.cli.errors import fail
from app.config import ConfigError, Settings, get_settings, load, use_settings
from app.db import open_database
from app.i18n import Message
from app.logs import setup_logging
from app.migrations import run_migrations


def load_config() -> Settings:
    """Read config.env (and the environment) and start logging to the file; exit 1 on a bad value."""
    try:
        use_settings(load())
    except ConfigError as exc:
        fail(Message('configuration: {problem}', problem=exc.message))
    setup_logging(get_settings(), console=False)
    return get_settings()


def open_db(*, migrate: bool = True) -> None:
    load_config()
    try:
        open_database(get_settings().database_url)
        if migrate:
            run_migrations()
    except Exception as exc:  # noqa: BLE001 - any database failure becomes a message
        fail(Message('cannot open the database {url}: {problem}', url=get_settings().database_url, problem=str(exc)))
