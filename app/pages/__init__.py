"""NiceGUI pages. `register()` is called from main.py so pages come back after NiceGUI's test resets."""

from nicegui import ui

from app.pages import login, placeholders, settings, setup_wizard
from app.pages.guard import app_page


def register() -> None:
    ui.page('/login', title='Log in · What I Spend')(login.login_page)
    ui.page('/setup', title='Set up · What I Spend')(setup_wizard.setup_page)
    app_page('/', 'Dashboard')(placeholders.dashboard_page)
    app_page('/expenses', 'Expenses')(placeholders.expenses_page)
    app_page('/categories', 'Categories')(placeholders.categories_page)
    app_page('/payment-methods', 'Payment methods')(placeholders.payment_methods_page)
    app_page('/settings', 'Settings')(settings.settings_page)
