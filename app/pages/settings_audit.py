"""Settings › audit (filled in by the issue that builds it)."""

from app.models import User
from app.pages.placeholders import coming_soon


async def audit_tab(user: User) -> None:
    coming_soon('audit settings')
