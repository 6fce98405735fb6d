"""The few ways a use case can refuse, each with a message written for a person.

The API maps them to 404 / 422 / 403 / 409 / 401 / 429, pages to a notification, the CLI to a
message on stderr and exit code 1.
"""


class ServiceError(Exception):
    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


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

    def __init__(self, message: str, *, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after
