"""Settings › sharing (filled in by the issue that builds it)."""

from app.models import User
from app.pages.placeholders import coming_soon


async def sharing_tab(user: User) -> None:
    coming_soon('sharing settings')
