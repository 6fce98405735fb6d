"""NiceGUI pages. `register()` is called from main.py so pages come back after NiceGUI's test resets."""

from app.i18n import N_
from app.pages import (
    budgets,
    categories,
    dashboard,
    expenses,
    household,
    import_page,
    login,
    map_page,
    payment_methods,
    recurring,
    settings,
    setup_wizard,
)
from app.pages.guard import app_page, public_page


def register() -> None:
    public_page('/login', N_('Login'))(login.login_page)
    public_page('/setup', N_('Set up'))(setup_wizard.setup_page)
    app_page('/', N_('Dashboard'))(dashboard.dashboard_page)
    app_page('/expenses', N_('Expenses'))(expenses.expenses_page)
    app_page('/expenses/import', N_('Import'))(import_page.import_page)
    app_page('/expenses/recurring', N_('Recurring expenses'))(recurring.recurring_page)
    app_page('/categories', N_('Categories'))(categories.categories_page)
    app_page('/budgets', N_('Budgets'))(budgets.budgets_page)
    app_page('/payment-methods', N_('Payment methods'))(payment_methods.payment_methods_page)
    app_page('/map', N_('Map'))(map_page.map_page)
    app_page('/household', N_('Household'))(household.household_page)
    app_page('/settings', N_('Settings'))(settings.settings_page)
