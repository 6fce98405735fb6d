"""The categories page (filled in by the issue that builds it)."""

from app.models import User
from app.pages.placeholders import coming_soon


async def categories_page(user: User) -> None:
    coming_soon('categories')
