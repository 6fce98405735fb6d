"""One tap to the form from every page, through NiceGUI's simulated user: the floating button (phones) and
the header's button (desktop) on every page, `?add=1` (the installed app's shortcut), the form's amount
focused with the decimal keypad, Save in a sticky footer, "Save and add another" with the last choices
preselected, and the page that shows expenses refreshed after an add."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from nicegui import ui
from nicegui.testing import User

from app.models import Expense
from app.pages.frame import NAVIGATION
from tests.builders import add
from tests.page_steps import logged_in_alice, one
from tests.polling import until


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel('2026-01-20 09:00:00', tick=False):
        yield


def _fill(user: User, world: dict, amount: str) -> None:
    user.find(marker='expense-amount').type(amount)
    one(user, 'expense-category').value = world['food'].id
    one(user, 'expense-payment-method').value = world['cash'].id


@pytest.mark.parametrize('path', [path for _label, path, _icon in NAVIGATION])
async def test_every_page_has_the_add_buttons(user: User, path: str) -> None:
    await logged_in_alice(user)
    await user.open(path)
    await user.should_see(marker='add-expense-fab')
    fab = one(user, 'add-expense-fab')
    header = one(user, 'add-expense-header')
    assert 'lg:hidden' in ' '.join(fab.parent_slot.parent.classes) or 'lg:hidden' in fab.classes
    assert 'max-lg:hidden' in header.classes
    assert fab.props['aria-label'] == 'New expense'
    user.find(marker='add-expense-fab').click()
    await user.should_see(marker='expense-dialog')
    amount = one(user, 'expense-amount')
    assert 'autofocus' in amount.props and amount.props['inputmode'] == 'decimal'
    footer = one(user, 'save-expense').parent_slot.parent
    assert 'wis-sticky-footer' in footer.classes
    assert user.find(marker='save-expense-another').elements


async def test_the_header_button_adds_and_the_dashboard_counts_it(user: User) -> None:
    world = await logged_in_alice(user)
    await user.open('/')
    await user.should_see(marker='dashboard-empty')
    user.find(marker='add-expense-header').click()
    await user.should_see(marker='expense-dialog')
    _fill(user, world, '12,50')
    user.find(marker='save-expense').click()
    await user.should_see('Expense added.')
    await user.should_not_see(marker='expense-dialog')
    await user.should_see(marker='figure-count-value')
    assert Expense.select().count() == 1


async def test_save_and_add_another_opens_the_next_with_the_last_choices(user: User) -> None:
    world = await logged_in_alice(user)
    await user.open('/categories')
    user.find(marker='add-expense-fab').click()
    await user.should_see(marker='expense-dialog')
    _fill(user, world, '3')
    user.find(marker='save-expense-another').click()
    await until(lambda: Expense.select().count() == 1)
    await until(lambda: [e.value for e in user.find(marker='expense-amount').elements] == [''])  # the next form
    assert one(user, 'expense-category').value == world['food'].id  # preselected: the last one used
    assert one(user, 'expense-payment-method').value == world['cash'].id
    user.find(marker='expense-amount').type('4')
    user.find(marker='save-expense').click()
    await until(lambda: Expense.select().count() == 2)
    await user.should_not_see(marker='expense-dialog')
    assert sorted(e.amount_cents for e in Expense.select()) == [300, 400]


async def test_the_shortcut_address_opens_the_form_on_any_page(user: User) -> None:
    await logged_in_alice(user)
    await user.open('/payment-methods?add=1')
    await user.should_see(marker='expense-dialog')
    await user.open('/payment-methods')
    await user.should_not_see(marker='expense-dialog')


async def test_on_the_expenses_page_the_new_expense_shows_in_the_table(user: User) -> None:
    world = await logged_in_alice(user)
    await user.open('/expenses?month=2026-01')
    user.find(marker='add-expense-header').click()
    await user.should_see(marker='expense-dialog')
    _fill(user, world, '7,10')
    user.find(marker='save-expense').click()
    await user.should_see('Expense added.')
    table = next(iter(user.find(ui.table).elements))
    await until(lambda: len(table.rows) == 1)


async def test_a_second_tap_while_the_form_is_open_opens_no_second_form(user: User) -> None:
    await logged_in_alice(user)
    await user.open('/')
    user.find(marker='add-expense-fab').click()
    await user.should_see(marker='expense-dialog')
    user.find(marker='add-expense-header').click()
    await until(lambda: len(user.find(marker='expense-dialog').elements) == 1)
    assert len(user.find(marker='expense-dialog').elements) == 1


@time_machine.travel(datetime(2026, 1, 21, 12, tzinfo=UTC))  # a Wednesday noon: the ranking does not follow the clock
async def test_a_quick_pick_fills_the_form_and_the_amount_stays_to_type(user: User) -> None:
    world = await logged_in_alice(user)
    for _ in range(3):
        add(
            world['alice'],
            world,
            date='2026-01-19',
            subcategory_id=world['groceries'].id,
            payment_method_id=world['cash'].id,
            place='Bakery <b>',
        )
    add(world['alice'], world, date='2026-01-18', category_id=world['transport'].id)  # the last one used
    await user.open('/')
    user.find(marker='add-expense-fab').click()
    await user.should_see(marker='quick-picks')
    chips = one(user, 'quick-picks').default_slot.children  # in their order (find() gives a set)
    assert [chip.text for chip in chips] == ['Bakery <b> · Food › Groceries · Cash', 'Transport · Card']
    assert one(user, 'expense-category').value == world['transport'].id  # the last choices, as before
    user.find(kind=ui.chip, content='Bakery').click()
    await until(lambda: one(user, 'expense-category').value == world['food'].id)
    assert one(user, 'expense-subcategory').value == world['groceries'].id
    assert one(user, 'expense-payment-method').value == world['cash'].id
    assert one(user, 'place-name').value == 'Bakery <b>'
    assert one(user, 'expense-amount').value == ''
    user.find(marker='expense-amount').type('2,10')
    user.find(marker='save-expense').click()
    await user.should_see('Expense added.')
    saved = Expense.select().order_by(Expense.id.desc()).first()
    assert (saved.amount_cents, saved.category_id, saved.place) == (210, world['food'].id, 'Bakery <b>')
