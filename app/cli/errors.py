"""How a CLI verb fails: one line on stderr and exit code 1, whether a service refused or the CLI did."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import NoReturn

from app.services.errors import ServiceError


class CliError(Exception):
    """A refusal to print on stderr with exit code 1."""


def fail(message: str) -> NoReturn:
    print(f'error: {message}', file=sys.stderr)
    raise SystemExit(1)


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
