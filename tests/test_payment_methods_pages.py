"""The payment methods page through NiceGUI's simulated user: every action shows its outcome without a reload."""

from __future__ import annotations

import pytest
from nicegui.testing import User

from app.models import Expense, PaymentMethod
from tests.builders import add
from tests.page_steps import one, open_page, press_undo, record_undo_toasts
from tests.polling import until


@pytest.fixture
def undo_toasts(user: User, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    return record_undo_toasts(monkeypatch, 'app.pages.payment_methods')


def names_shown(user: User) -> list[str]:
    listing = one(user, 'payment-list')
    return [e.text for e in listing.descendants() if type(e).__name__ == 'ItemLabel' and 'expense' not in e.text]


async def test_create_and_rename_show_at_once(user: User) -> None:
    await open_page(user, '/payment-methods')
    await user.should_see('Card')
    user.find(marker='add-payment-method').click()
    await user.should_see(marker='payment-method-dialog')
    user.find(marker='payment-method-name').type('CASH')
    user.find(marker='save-payment-method').click()
    await user.should_see('already exists')
    assert 'already exists' in one(user, 'payment-method-name').error
    user.find(marker='payment-method-name').clear().type('Cheque').trigger('keydown.enter')
    await user.should_see('Cheque added.')
    await user.should_not_see(marker='payment-method-dialog')
    await until(lambda: names_shown(user) == ['Card', 'Cash', 'Cheque'])
    cheque = PaymentMethod.get(PaymentMethod.name == 'Cheque')
    assert one(user, f'payment-method-icon-{cheque.id}').props['name'] == 'payments'

    user.find(marker=f'edit-payment-method-{cheque.id}').click()
    await user.should_see(marker='payment-method-dialog')
    user.find(marker='payment-method-icon').clear().type('Bad Icon')
    user.find(marker='save-payment-method').click()
    await user.should_see("'Bad Icon' is not an icon What I Spend knows.")
    assert 'is not an icon' in one(user, 'payment-method-icon').error
    user.find(marker='payment-method-icon').clear().type('receipt')
    user.find(marker='payment-method-name').clear().type('Cheques')
    user.find(marker='save-payment-method').click()
    await user.should_see('Cheques saved.')
    await until(lambda: names_shown(user) == ['Card', 'Cash', 'Cheques'])
    assert one(user, f'payment-method-icon-{cheque.id}').props['name'] == 'receipt'
    assert PaymentMethod.get_by_id(cheque.id).icon == 'receipt'


async def test_delete_asks_then_undo_brings_it_back(user: User, undo_toasts) -> None:
    t = await open_page(user, '/payment-methods')
    cash = t['cash'].id
    user.find(marker=f'delete-payment-method-{cash}').click()
    await user.should_see('Delete Cash?')
    user.find(marker='cancel-delete').click()
    await user.should_not_see(marker='confirm-delete')
    user.find(marker=f'delete-payment-method-{cash}').click()
    await user.should_see(marker='confirm-delete')
    user.find(marker='confirm-delete-yes').click()
    await user.should_not_see(marker=f'payment-method-{cash}')
    await user.should_not_see(marker='confirm-delete')
    await until(lambda: undo_toasts)
    assert undo_toasts == [('Cash deleted.', f'undo_payment_method_delete_{cash}')]
    assert names_shown(user) == ['Card']

    await press_undo(user, undo_toasts)
    await user.should_see('Cash restored.')
    await user.should_see(marker=f'payment-method-{cash}')
    assert names_shown(user) == ['Card', 'Cash']
    assert PaymentMethod.get_by_id(cash).name == 'Cash'


async def test_undo_refused_when_the_name_was_taken(user: User, undo_toasts) -> None:
    t = await open_page(user, '/payment-methods')
    user.find(marker=f'delete-payment-method-{t["cash"].id}').click()
    await user.should_see(marker='confirm-delete')
    user.find(marker='confirm-delete-yes').click()
    await user.should_not_see(marker=f'payment-method-{t["cash"].id}')
    PaymentMethod.create(owner=t['alice'].id, name='cash')
    await press_undo(user, undo_toasts)
    await user.should_see("'Cash' cannot come back: a payment method of that name was added meanwhile.")
    assert PaymentMethod.select().count() == 2


async def test_move_and_delete(user: User) -> None:
    t = await open_page(user, '/payment-methods')
    add(t['alice'], t, payment_method_id=t['card'].id)
    user.find(marker=f'delete-payment-method-{t["card"].id}').click()
    await user.should_see('used by 1 expense;')
    user.find(marker='move-and-delete').click()
    await user.should_see('Choose a payment method to move the expenses to.')
    one(user, 'move-to').value = t['cash'].id
    user.find(marker='move-and-delete').click()
    await user.should_see('1 expense moved; Card deleted.')
    await user.should_not_see(marker='move-dialog')
    await until(lambda: names_shown(user) == ['Cash'])
    await user.should_see('1 expense')
    assert Expense.get().payment_method_id == t['cash'].id
