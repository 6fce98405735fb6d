"""What "today" is: the server's local date, or the user's time zone when they set one."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.config import get_settings


def today(timezone: str | None = None) -> date:
    name = timezone or get_settings().timezone
    if name:
        try:
            return datetime.now(ZoneInfo(name)).date()
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return date.today()
