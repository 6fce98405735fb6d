"""Expenses › Import through NiceGUI's simulated user: upload, preview, mapping, the date question, the
dry-run report, confirm, and undo from the history; hostile strings of a file shown as text."""

from __future__ import annotations

from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from app.models import Expense, ImportBatch
from tests.page_steps import one, open_page
from tests.polling import until

BANK = (
    'Date;Libellé;Montant\n'
    '15/01/2026;CAFE;-3,50\n'
    '15/01/2026;CAFE;-3,50\n'
    '16/01/2026;<img src=x onerror=alert(1)>;-12,00\n'
    '17/01/2026;bad;abc\n'
)


async def upload(user: User, content: str, name: str = 'bank.csv') -> None:
    element = next(iter(user.find(ui.upload).elements))
    await element.handle_uploads([SmallFileUpload(name, 'text/csv', content.encode('utf-8'))])


async def test_upload_report_skip_invalid_confirm_and_undo(user: User) -> None:
    await open_page(user, '/expenses/import')
    await user.should_see('No imports yet.')
    await upload(user, BANK)
    await user.should_see(marker='import-report')
    await user.should_see('How the file was read')
    assert one(user, 'import-new').text == '3'
    assert one(user, 'import-invalid').text == '1'
    await user.should_see('<img src=x onerror=alert(1)>')  # a cell of the preview, as a text element
    assert all('onerror' not in str(e.content) for e in user.find(ui.html).elements)
    assert one(user, 'import-confirm').enabled is False
    one(user, 'import-skip-invalid').set_value(True)
    await until(lambda: one(user, 'import-confirm').enabled)
    assert Expense.select().count() == 0
    user.find(marker='import-confirm').click()
    await user.should_see(marker='import-done')
    await until(lambda: Expense.select().count() == 3)
    batch = ImportBatch.get()
    await user.should_see(marker=f'import-undo-{batch.id}')
    user.find(marker=f'import-undo-{batch.id}').click()
    await user.should_see('Undo this import?')
    user.find(marker='confirm-undo-import').click()
    await user.should_see('Import undone: 3 expenses deleted.')
    await until(lambda: Expense.select().count() == 0)
    await user.should_see(marker=f'import-undone-{batch.id}')


async def test_mapping_changes_run_the_dry_run_again(user: User) -> None:
    await open_page(user, '/expenses/import')
    await upload(user, 'When,What,Spent,Kind\n2026-01-15,Coffee,3.50,Food\n2026-01-16,Book,12.00,Leisure\n')
    await user.should_see(marker='import-report')  # no header word of ours: date and amount told by the values
    assert (one(user, 'import-map-date').value, one(user, 'import-map-amount').value) == ('When', 'Spent')
    one(user, 'import-map-amount').set_value('')
    await user.should_see(marker='import-missing')
    await user.should_see('Choose the column of the amounts')
    one(user, 'import-map-amount').set_value('Spent')
    await user.should_see(marker='import-report')
    category = one(user, 'import-map-category')
    category.set_value('What')
    await user.should_see('Category Coffee (1 row)')
    one(user, 'import-map-category').set_value('Kind')  # the form was drawn again with the new report
    await user.should_see('Category Leisure (1 row)')


async def test_ambiguous_dates_are_asked(user: User) -> None:
    await open_page(user, '/expenses/import')
    await upload(user, 'Date,Amount,Description\n03/04/2026,-3.50,a\n05/06/2026,-4.00,b\n')
    await user.should_see(marker='import-date-question')
    await user.should_not_see(marker='import-confirm')
    one(user, 'import-date-format').set_value('%m/%d/%Y')
    await user.should_see(marker='import-report')
    user.find(marker='import-confirm').click()
    await user.should_see(marker='import-done')
    await until(lambda: Expense.select().count() == 2)
    assert sorted(e.date.isoformat() for e in Expense.select()) == ['2026-03-04', '2026-05-06']


async def test_a_file_that_cannot_be_read_is_a_clear_message(user: User) -> None:
    await open_page(user, '/expenses/import')
    await upload(user, '', name='empty.csv')
    await user.should_see('The file is empty.')
    await user.should_not_see(marker='import-report')


async def test_expenses_page_and_drawer_lead_to_import(user: User) -> None:
    await open_page(user, '/expenses')
    user.find(marker='import').click()
    await user.should_see(marker='import-upload')
