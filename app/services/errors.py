"""The few ways a use case can refuse, each with a message written for a person.

The API maps them to 404 / 422 / 403 / 409 / 401 / 429, pages to a notification, the CLI to a
message on stderr and exit code 1.

The message is a lazy `Message` (app.i18n): a service never translates (it runs in a worker thread and
does not know who reads), the adapter renders it in ITS language with `exc.render()`. `str(exc)` and
`exc.message` stay English, for logs and for the callers that compare texts. A plain str is taken as
an English message with no translation.
"""

from __future__ import annotations

from app.i18n import Message


class ServiceError(Exception):
    status = 400

    def __init__(self, message: Message | str, *, field: str | None = None) -> None:
        super().__init__(str(message))  # str(error), logs, tracebacks: English
        self.text = message if isinstance(message, Message) else Message(message)
        self.field = field  # a field NAME, never translated

    @property
    def message(self) -> str:
        """English, as before: existing callers and tests that read `.message` keep working."""
        return str(self.text)

    def render(self, language: str | None = None) -> str:
        """The message in `language`, by default the current one (the page's, the request's, the CLI's)."""
        return self.text.render(language)


class NotFound(ServiceError):
    """The object does not exist, or the caller may not see it: both look the same from outside."""

    status = 404


class Invalid(ServiceError):
    status = 422


class Forbidden(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409


class Unauthorized(ServiceError):
    status = 401


class TooManyRequests(ServiceError):
    status = 429

    def __init__(self, message: Message | str, *, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after
