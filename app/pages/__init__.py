"""NiceGUI pages. `register()` is called from main.py so pages come back after NiceGUI's test resets."""

from nicegui import ui

from app.pages import categories, dashboard, expenses, login, map_page, payment_methods, settings, setup_wizard
from app.pages.guard import app_page


def register() -> None:
    ui.page('/login', title='Log in · What I Spend')(login.login_page)
    ui.page('/setup', title='Set up · What I Spend')(setup_wizard.setup_page)
    app_page('/', 'Dashboard')(dashboard.dashboard_page)
    app_page('/expenses', 'Expenses')(expenses.expenses_page)
    app_page('/categories', 'Categories')(categories.categories_page)
    app_page('/payment-methods', 'Payment methods')(payment_methods.payment_methods_page)
    app_page('/map', 'Map')(map_page.map_page)
    app_page('/settings', 'Settings')(settings.settings_page)
