"""The categories and payment methods pages through NiceGUI's simulated user."""

from __future__ import annotations

import asyncio

from nicegui.testing import User

from app.models import Category, Expense, PaymentMethod
from tests.conftest import api_login, make_user
from tests.expense_data import add, basics


async def until(condition, seconds: float = 3.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    assert condition()


async def _open(user: User, path: str) -> dict:
    alice = make_user('alice')
    things = basics(alice)
    await api_login(user)
    await user.open(path)
    return {'alice': alice, **things}


async def test_tree_and_create(user: User) -> None:
    t = await _open(user, '/categories')
    await user.should_see('Groceries')
    await user.should_see(marker=f'category-{t["restaurants"].id}')
    user.find(marker='add-category').click()
    await user.should_see(marker='category-dialog')
    user.find(marker='category-name').type('food')
    user.find(marker='save-category').click()
    await user.should_see('already exists at the top level')
    user.find(marker='category-name').clear().type('Pets').trigger('keydown.enter')
    await user.should_see('Category saved.')
    pets = Category.get(Category.name == 'Pets')
    assert pets.parent_id is None and pets.owner_id == t['alice'].id
    await user.should_see(marker=f'category-{pets.id}')

    user.find(marker=f'add-subcategory-{pets.id}').click()
    await user.should_see(marker='category-dialog')
    user.find(marker='category-name').type('Vet')
    user.find(marker='save-category').click()
    await until(lambda: Category.select().where(Category.name == 'Vet').exists())
    assert Category.get(Category.name == 'Vet').parent_id == pets.id


async def test_rename_recolour_reparent(user: User) -> None:
    t = await _open(user, '/categories')
    user.find(marker=f'edit-category-{t["transport"].id}').click()
    await user.should_see(marker='category-dialog')
    user.find(marker='category-name').clear().type('Travel')
    user.find(marker='category-color').elements.pop().value = '#00aa00'
    user.find(marker='category-parent').elements.pop().value = t['food'].id
    user.find(marker='save-category').click()
    await user.should_see('Category saved.')
    travel = Category.get_by_id(t['transport'].id)
    assert (travel.name, travel.color, travel.parent_id) == ('Travel', '#00aa00', t['food'].id)


async def test_category_in_use_offers_to_move(user: User) -> None:
    t = await _open(user, '/categories')
    add(t['alice'], t, category_id=t['transport'].id)
    add(t['alice'], t, category_id=t['transport'].id)
    user.find(marker=f'delete-category-{t["food"].id}').click()
    await user.should_see('2 subcategories')
    assert Category.select().count() == 4

    user.find(marker=f'delete-category-{t["transport"].id}').click()
    await user.should_see(marker='move-dialog')
    await user.should_see('used by 2 expenses')
    user.find(marker='move-and-delete').click()
    await user.should_see('Choose a category to move the expenses to.')
    user.find(marker='move-to').elements.pop().value = t['groceries'].id
    user.find(marker='move-and-delete').click()
    await user.should_see('2 expenses moved; Transport deleted.')
    assert Category.get_or_none(Category.id == t['transport'].id) is None
    assert {(e.category_id, e.subcategory_id) for e in Expense.select()} == {(t['food'].id, t['groceries'].id)}

    user.find(marker=f'delete-category-{t["restaurants"].id}').click()
    await user.should_see('Restaurants deleted.')


async def test_cancelling_the_move_keeps_everything(user: User) -> None:
    t = await _open(user, '/categories')
    add(t['alice'], t, subcategory_id=t['groceries'].id)
    user.find(marker=f'delete-category-{t["groceries"].id}').click()
    await user.should_see('used by 1 expense;')
    user.find(marker='cancel-move').click()
    await user.should_not_see(marker='move-dialog')
    assert Category.select().count() == 4 and Expense.get().subcategory_id == t['groceries'].id


async def test_payment_methods_page(user: User) -> None:
    t = await _open(user, '/payment-methods')
    await user.should_see('Card')
    user.find(marker='add-payment-method').click()
    await user.should_see(marker='payment-method-dialog')
    user.find(marker='payment-method-name').type('CASH')
    user.find(marker='save-payment-method').click()
    await user.should_see('already exists')
    user.find(marker='payment-method-name').clear().type('Cheque').trigger('keydown.enter')
    await user.should_see('Payment method saved.')
    cheque = PaymentMethod.get(PaymentMethod.name == 'Cheque')

    user.find(marker=f'edit-payment-method-{cheque.id}').click()
    await user.should_see(marker='payment-method-dialog')
    user.find(marker='payment-method-icon').clear().type('Bad Icon')
    user.find(marker='save-payment-method').click()
    await user.should_see('is not an icon name')
    user.find(marker='payment-method-icon').clear().type('receipt')
    user.find(marker='payment-method-name').clear().type('Cheques')
    user.find(marker='save-payment-method').click()
    await until(lambda: PaymentMethod.get_by_id(cheque.id).name == 'Cheques')
    assert PaymentMethod.get_by_id(cheque.id).icon == 'receipt'

    add(t['alice'], t, payment_method_id=t['card'].id)
    user.find(marker=f'delete-payment-method-{t["card"].id}').click()
    await user.should_see('used by 1 expense;')
    user.find(marker='move-to').elements.pop().value = t['cash'].id
    user.find(marker='move-and-delete').click()
    await user.should_see('1 expense moved; Card deleted.')
    assert Expense.get().payment_method_id == t['cash'].id
    user.find(marker=f'delete-payment-method-{cheque.id}').click()
    await user.should_see('Cheques deleted.')
    assert {m.name for m in PaymentMethod.select()} == {'Cash'}
