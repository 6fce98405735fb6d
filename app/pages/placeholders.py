"""Pages whose content later work fills in; they already share the frame and the login rule."""

from nicegui import ui

from app.models import User


def coming_soon(what: str) -> None:
    with ui.card().classes('w-full'):
        ui.label(f'{what} will appear here.').classes('opacity-70')


async def dashboard_page(user: User) -> None:
    coming_soon('The month at a glance')


async def expenses_page(user: User) -> None:
    coming_soon('Your expenses')


async def categories_page(user: User) -> None:
    coming_soon('Your categories')


async def payment_methods_page(user: User) -> None:
    coming_soon('Your payment methods')
