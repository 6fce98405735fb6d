"""Expenses › Import, the choices finished last (issue 16): the type column's skips, a subcategory of the file
filed under an existing one, and a file without a header mapped from its values, through NiceGUI's user."""

from __future__ import annotations

from nicegui.testing import User

from app.models import Category, Expense
from app.services import formats
from tests.page_steps import one, open_page
from tests.polling import until
from tests.test_import_flow_pages import upload

TYPED = (
    'Date,Amount,Description,Type\n'
    '2026-01-15,3.20,Bread,expense\n'
    '2026-01-16,2000,Salary,income\n'
    '2026-01-17,500,To savings,transfer\n'
)


async def test_the_person_chooses_which_types_are_skipped(user: User) -> None:
    await open_page(user, '/expenses/import')
    await upload(user, TYPED)
    await user.should_see(marker='import-report')
    assert one(user, 'import-new').text == '1'
    assert one(user, 'import-skipped').text == '2'
    assert one(user, 'import-skip-income').value is True
    one(user, 'import-skip-transfer').set_value(False)
    await until(lambda: one(user, 'import-new').text == '2')
    assert one(user, 'import-skip-transfer').value is False
    assert one(user, 'import-skip-income').value is True
    user.find(marker='import-confirm').click()
    await user.should_see(marker='import-done')
    await until(lambda: Expense.select().count() == 2)
    assert sorted(e.description for e in Expense.select()) == ['Bread', 'To savings']


async def test_the_type_choice_is_offered_only_with_a_type_column(user: User) -> None:
    await open_page(user, '/expenses/import')
    await upload(user, 'Date,Amount,Description\n2026-01-15,3.20,Bread\n')
    await user.should_see(marker='import-report')
    await user.should_not_see(marker='import-skip-types')


async def test_a_subcategory_of_the_file_goes_under_an_existing_one(user: User) -> None:
    world = await open_page(user, '/expenses/import')
    await upload(user, 'Date,Amount,Category,Subcategory,Description\n2026-01-15,3.20,Food,Bakery,Bread\n')
    await user.should_see('Subcategory Bakery under Food (1 row)')
    one(user, 'import-subcategory_map-Food/Bakery').set_value(world['groceries'].id)
    await user.should_not_see('Subcategory Bakery under Food (1 row)')
    user.find(marker='import-confirm').click()
    await user.should_see(marker='import-done')
    await until(lambda: Expense.select().count() == 1)
    bread = Expense.get()
    assert (bread.category_id, bread.subcategory_id) == (world['food'].id, world['groceries'].id)
    assert not Category.select().where(Category.name == 'Bakery').exists()


async def test_a_file_without_a_header_is_read_from_its_values(user: User) -> None:
    await open_page(user, '/expenses/import')
    await upload(user, '15/01/2026;CARREFOUR CITY;-23,40\n16/01/2026;SNCF;-45,00\n')
    await user.should_see(marker='import-report')
    assert one(user, 'import-new').text == '2'
    assert one(user, 'import-map-date').value == '#1'
    assert one(user, 'import-map-amount').value == '#3'


REFUNDED = (
    'Date;Libellé;Montant\n'
    '14/03/2026;CB AMAZON EU;-80,00\n'
    '17/03/2026;VIR SALAIRE;2 100,00\n'
    '21/03/2026;REMB AMAZON EU;30,00\n'
)


async def test_money_in_is_listed_and_a_refund_taken_off_its_purchase(user: User) -> None:
    world = await open_page(user, '/expenses/import')
    alice = world['alice']

    def money(cents: int) -> str:
        return formats.money(cents, alice.currency, alice.locale)

    await upload(user, REFUNDED)
    await user.should_see(marker='import-refund-rows')
    assert one(user, 'import-refunds-deducted').text == '1'
    assert one(user, 'import-total').text == money(5000)
    await user.should_see(f'Taken off row 2: {money(8000)} → {money(5000)}')
    await user.should_see('No purchase of the file before it: skipped')
    one(user, 'import-refunds').set_value('skip')
    await until(lambda: one(user, 'import-total').text == money(8000))
    await user.should_not_see(marker='import-refunds-deducted')
    one(user, 'import-refunds').set_value('deduct')
    await until(lambda: one(user, 'import-total').text == money(5000))
    user.find(marker='import-confirm').click()
    await user.should_see(marker='import-done')
    await until(lambda: Expense.select().count() == 1)
    assert Expense.get().amount_cents == 5000
