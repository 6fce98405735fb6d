"""Budgets, the dashboard's budgets, the header's alert badge and Settings › Notifications through NiceGUI's
simulated user: what the person sees after each action."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import time_machine
from nicegui.testing import User

from app.models import Budget, NotificationUrl
from app.services import budgets, categories
from tests.builders import add, link, make_user
from tests.page_steps import one, open_page
from tests.polling import until

HOSTILE = '<img src=x onerror=alert(1)>'
NOW = '2026-03-10 12:00Z'


async def test_the_page_lists_nav_entry_and_empty_state(user: User) -> None:
    await open_page(user, '/budgets')
    await user.should_see(marker='budgets-empty')
    await user.should_see(marker='nav-budgets')


async def test_add_a_budget_with_the_hint_then_change_and_delete_it(user: User) -> None:
    with time_machine.travel(NOW, tick=False):
        t = await open_page(user, '/budgets')
        add(t['alice'], t, '60.00', '2026-02-10')
        add(t['alice'], t, '30.00', '2026-01-10')
        await user.should_see(marker='add-budget')
        user.find(marker='add-budget').click()
        await user.should_see(marker='budget-dialog')
        user.find(marker='budget-subject').click()
        user.find('Food').click()
        await until(lambda: '30,00' in one(user, 'budget-hint').text and '60,00' in one(user, 'budget-hint').text)
        user.find(marker='budget-amount').type('-5')
        user.find(marker='save-budget').click()
        await until(lambda: 'more than zero' in (one(user, 'budget-amount').error or ''))
        user.find(marker='budget-amount').clear().type('200')
        user.find(marker='budget-thresholds').clear().type('50, 90')
        user.find(marker='save-budget').click()
        await user.should_see('Budget saved.')
        budget = Budget.get()
        assert (budget.category_id, budget.amount_cents, budget.thresholds) == (t['food'].id, 20000, '50,90')
        await user.should_see(marker=f'budget-{budget.id}')
        add(t['alice'], t, '50.00', '2026-03-02')

        user.find(marker=f'edit-budget-{budget.id}').click()
        await user.should_see(marker='budget-dialog')
        user.find(marker='budget-amount').clear().type('100')
        user.find(marker='budget-rollover').click()
        user.find(marker='save-budget').click()
        await user.should_see('Budget saved.')
        await until(lambda: '50,00' in one(user, f'budget-left-{budget.id}').text)
        assert '50,00 € of 100,00 € spent' in one(user, f'budget-spent-{budget.id}').text.replace('\xa0', ' ')
        assert one(user, f'budget-days-{budget.id}').text == '22 days left'
        assert Budget.get().rollover

        user.find(marker=f'delete-budget-{budget.id}').click()
        await user.should_see(marker='confirm-delete-budget')
        user.find(marker='confirm-delete-budget').click()
        await user.should_see('Budget deleted.')
        await user.should_see(marker='budgets-empty')
        assert Budget.select().count() == 0


async def test_the_dashboard_shows_each_budget_with_its_projection(user: User) -> None:
    with time_machine.travel(NOW, tick=False):
        t = await open_page(user, '/')
        await user.should_not_see(marker='dashboard-budgets')
        everything = budgets.create_budget(t['alice'], '300')
        add(t['alice'], t, '100.00', '2026-03-02')
        await user.open('/')
        await user.should_see(marker='dashboard-budgets')
        await user.should_see(marker=f'budget-{everything.id}')
        assert one(user, f'budget-name-{everything.id}').text == 'All spending'
        assert '200,00' in one(user, f'budget-left-{everything.id}').text
        # 100 in 10 days, 21 days to come: heading for 310, over the 300 of the budget
        projected = one(user, f'budget-projected-{everything.id}')
        assert '310,00' in projected.text and 'text-negative' in projected.classes
        assert one(user, 'dashboard-budgets-title').text == 'Budgets this month'
        # the cards follow the month the dashboard moves to, like its charts
        add(t['alice'], t, '40.00', '2026-02-10')
        user.find(marker='month-previous').click()
        await until(lambda: one(user, 'dashboard-budgets-title').text == 'Budgets in February 2026')
        await until(lambda: '260,00' in one(user, f'budget-left-{everything.id}').text)


async def test_crossing_a_threshold_shows_a_badge_and_a_notification_once(user: User) -> None:
    with time_machine.travel(NOW, tick=False):
        t = await open_page(user, '/expenses')
        await user.should_not_see(marker='alerts-badge')
        budgets.create_budget(t['alice'], '100', t['food'].id)
        add(t['alice'], t, '85.00', '2026-03-02')
        await user.open('/expenses')
        await user.should_see(marker='alerts-badge')
        assert one(user, 'alerts-count').text == '1'
        await until(lambda: any('80' in m and 'Food' in m for m in user.notify.messages))
        seen = len(user.notify.messages)
        await user.open('/categories')
        await user.should_see(marker='alerts-badge')  # still unseen: the badge stays...
        assert len(user.notify.messages) == seen  # ...but it is not announced again
        user.find(marker='alerts-badge').click()
        await user.should_see(marker='alerts-list')
        await user.open('/expenses')
        await user.should_not_see(marker='alerts-badge')


async def test_a_hostile_category_name_is_text_everywhere(user: User) -> None:
    with time_machine.travel(NOW, tick=False):
        t = await open_page(user, '/budgets')
        odd = categories.create_category(t['alice'], HOSTILE)
        budget = budgets.create_budget(t['alice'], '10', odd.id)
        add(t['alice'], t, '20.00', '2026-03-02', category_id=odd.id)
        await user.open('/budgets')
        await user.should_see(marker=f'budget-{budget.id}')
        assert one(user, f'budget-name-{budget.id}').text == HOSTILE
        await user.should_see(marker='alerts-list')
        assert not any(type(e).__name__ == 'Html' and HOSTILE in str(e.props) for e in user.client.elements.values())


async def test_a_linked_users_budget_shows_and_the_scope_toggle_is_offered(user: User) -> None:
    t = await open_page(user, '/budgets')
    bob = make_user('bob')
    link(t['alice'], bob)
    theirs = budgets.create_budget(bob, '50', scope='mine')
    await user.open('/budgets')
    await user.should_see(marker=f'budget-{theirs.id}')
    await user.should_see('only mine')
    await user.should_see(marker='add-budget')
    user.find(marker='add-budget').click()
    await user.should_see(marker='budget-dialog')
    assert one(user, 'budget-scope').visible


class Hook:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                hook.bodies.append(self.rfile.read(int(self.headers.get('content-length') or 0)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f'json://127.0.0.1:{self.server.server_address[1]}/'


async def test_settings_notifications_add_refuse_test_and_remove(user: User) -> None:
    hook = Hook()
    try:
        await open_page(user, '/settings?tab=notifications')
        await user.should_see(marker='no-notification-urls')
        user.find(marker='notification-url').type('nonsense://what')
        user.find(marker='add-notification-url').click()
        await until(lambda: 'Apprise' in (one(user, 'notification-url').error or ''))
        assert NotificationUrl.select().count() == 0
        user.find(marker='notification-url').clear().type(hook.url)
        user.find(marker='add-notification-url').click()
        await user.should_see('Notification URL added.')
        row = NotificationUrl.get()
        await user.should_see(marker=f'notification-url-{row.id}')
        user.find(marker=f'test-notification-url-{row.id}').click()
        await user.should_see('Test sent.')
        assert b'This is a test' in hook.bodies[0]
        user.find(marker=f'delete-notification-url-{row.id}').click()
        await user.should_see('Notification URL removed.')
        await user.should_see(marker='no-notification-urls')
    finally:
        hook.server.shutdown()
        hook.server.server_close()


async def test_settings_large_recurring_amount_is_saved_and_checked(user: User) -> None:
    from app.services import notify

    t = await open_page(user, '/settings?tab=notifications')
    await user.should_see(marker='large-recurring')
    user.find(marker='large-recurring').type('-5')
    user.find(marker='save-large-recurring').click()
    await until(lambda: 'more than zero' in (one(user, 'large-recurring').error or ''))
    user.find(marker='large-recurring').clear().type('500')
    user.find(marker='save-large-recurring').click()
    await user.should_see('Saved.')
    assert notify.large_recurring(t['alice']) == 50000
