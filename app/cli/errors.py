"""How a CLI verb fails: one line on stderr and exit code 1, whether a service refused or the CLI did.

The line is in the operator's language (LANG, set by manage.py before any verb runs): a service's
refusal is a lazy Message rendered here; the CLI's own refusals are `CliError(Message(...))`.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import NoReturn

from app.i18n import Message, _, render
from app.services.errors import ServiceError


class CliError(Exception):
    """A refusal to print on stderr with exit code 1: `CliError(Message('...', name=value))`."""

    def __init__(self, message: str | Message) -> None:
        super().__init__(str(message))  # English, for logs and tracebacks
        self.text = message

    def render(self) -> str:
        return render(self.text)


def fail(message: str | Message) -> NoReturn:
    print(_('error: {message}', message=render(message)), file=sys.stderr)
    raise SystemExit(1)


def verb(func: Callable) -> Callable:
    """Turn service refusals into a message on stderr and exit code 1, and return nothing to Fire."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            func(*args, **kwargs)
        except (ServiceError, CliError) as exc:
            fail(exc.render())
        except KeyboardInterrupt:
            fail(Message('interrupted'))
        return None

    return wrapper
