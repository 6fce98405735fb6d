"""Settings › update (filled in by the issue that builds it)."""

from app.models import User
from app.pages.placeholders import coming_soon


async def update_tab(user: User) -> None:
    coming_soon('update settings')
