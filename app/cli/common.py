"""What every CLI verb needs: settings, the database, output helpers and error handling."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable, Sequence

from app.config import ConfigError, get_settings, load, use_settings
from app.db import open_database
from app.migrations import run_migrations
from app.services.errors import ServiceError


class CliError(Exception):
    """A refusal to print on stderr with exit code 1."""


def fail(message: str) -> None:
    print(f'error: {message}', file=sys.stderr)
    raise SystemExit(1)


def load_config():
    """Read config.env (and the environment) and start logging to the file; exit 1 on a bad value."""
    try:
        use_settings(load())
    except ConfigError as exc:
        fail(f'configuration: {exc}')
    from app.logs import setup_logging

    setup_logging(get_settings(), console=False)
    return get_settings()


def open_db(*, migrate: bool = True) -> None:
    load_config()
    try:
        open_database(get_settings().database_url)
        if migrate:
            run_migrations()
    except Exception as exc:  # noqa: BLE001 - any database failure becomes a message
        fail(f'cannot open the database {get_settings().database_url}: {exc}')


def verb(func: Callable) -> Callable:
    """Turn service refusals into a message on stderr and exit code 1, and return nothing to Fire."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            func(*args, **kwargs)
        except (ServiceError, CliError) as exc:
            fail(getattr(exc, 'message', str(exc)))
        except KeyboardInterrupt:
            fail('interrupted')
        return None

    return wrapper


def color(text: str, code: str) -> str:
    """Colour only on a terminal."""
    return f'\033[{code}m{text}\033[0m' if sys.stdout.isatty() else text


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ['  '.join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append('  '.join('-' * w for w in widths))
    lines += ['  '.join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return '\n'.join(lines)
