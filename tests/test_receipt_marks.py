"""Receipts seen from the list (issue 18): a mark in the expenses table and the phone cards that opens them
full size, only ever for an expense the user may see; and the receipts named in the CSV and XLSX exports."""

from __future__ import annotations

import csv
import io

import pytest
from nicegui import ui
from nicegui.testing import User
from openpyxl import load_workbook

from app.models import Receipt
from app.models import User as Account
from app.services import exports, receipts
from app.services.expense_search import parse_filters
from app.services.months import Month
from tests import receipt_images as files
from tests.builders import add, basics, make_user
from tests.page_steps import open_page
from tests.polling import until
from tests.test_i18n_daily_pages import speak_french

HOSTILE = '<img src=x onerror=alert(1)>'


def table(user: User) -> ui.table:
    return user.find(marker='expenses-table').elements.pop()


async def with_a_receipt(user: User) -> dict:
    t = await open_page(user, '/expenses?month=2026-01')
    t['kept'] = add(t['alice'], t, date='2026-01-10', description='Market')
    t['bare'] = add(t['alice'], t, date='2026-01-11', description='Bakery')
    t['photo'] = receipts.attach(t['alice'], t['kept'].id, 'till.jpg', files.photo())
    t['pdf'] = receipts.attach(t['alice'], t['kept'].id, 'invoice.pdf', files.pdf())
    await user.open('/expenses?month=2026-01')
    await until(lambda: len(table(user).rows) == 2)
    return t


async def test_the_mark_is_on_rows_with_receipts_and_opens_them(user: User) -> None:
    t = await with_a_receipt(user)
    rows = {row['description']: row for row in table(user).rows}
    assert [r['filename'] for r in rows['Market']['receipts']] == ['till.jpg', 'invoice.pdf']
    assert not rows['Bakery']['receipts']
    for slot in ('body-cell-description', 'item'):  # desktop cell and phone card, shown only with receipts
        template = table(user).slots[slot].template
        assert 'props.row.receipts.length' in template and "$emit('receipt', props.row.id)" in template
        assert ':aria-label="props.row.receipt_label"' in template  # the row's own label, bound as data
        assert 'props.row.receipts.length > 1' in template  # the count, shown when there are several
        assert 'filename' not in template  # names reach the page as data, never as template
    assert rows['Market']['receipt_label'] == '2 receipts attached: show them'
    assert rows['Bakery']['receipt_label'] == ''

    user.find(marker='expenses-table').trigger('receipt', t['kept'].id)
    await user.should_see(marker='receipt-viewer')
    assert [image.source for image in user.find(marker='receipt-full').elements] == [f'/receipt-files/{t["photo"].id}']
    await user.should_see('till.jpg')
    await user.should_see('invoice.pdf')  # a PDF: its name and a download, no picture
    assert len(user.find(marker='download-receipt').elements) == 2
    viewer = user.find(marker='receipt-viewer').elements.pop().parent_slot.parent
    user.find(marker='close-receipt').click()
    await until(lambda: viewer.value is False)


async def test_a_strangers_expense_id_opens_nothing(user: User) -> None:
    await with_a_receipt(user)
    eve = make_user('eve')
    theirs = add(eve, basics(eve), description='Secret')
    receipts.attach(eve, theirs.id, 'secret.jpg', files.photo())
    user.find(marker='expenses-table').trigger('receipt', theirs.id)
    await user.should_see(f'Expense {theirs.id} does not exist')
    await user.should_not_see('secret.jpg')
    await user.should_not_see(marker='receipt-viewer')
    user.find(marker='expenses-table').trigger('receipt', 'not a number')
    await user.should_see(marker='expenses-table')
    await user.should_not_see(marker='receipt-viewer')


async def test_the_mark_counts_the_receipts_in_its_label(user: User) -> None:
    t = await open_page(user, '/expenses?month=2026-01')
    counts = {'One': 1, 'Three': 3}
    for description, count in counts.items():
        expense = add(t['alice'], t, date='2026-01-10', description=description)
        for number in range(count):
            receipts.attach(
                t['alice'], expense.id, f'till{number}.jpg', files.photo(color=('red', 'green', 'blue')[number])
            )
    await user.open('/expenses?month=2026-01')
    await until(lambda: len(table(user).rows) == 2)
    labels = {row['description']: (len(row['receipts']), row['receipt_label']) for row in table(user).rows}
    assert labels == {'One': (1, '1 receipt attached: show it'), 'Three': (3, '3 receipts attached: show them')}
    three = next(row for row in table(user).rows if row['description'] == 'Three')
    user.find(marker='expenses-table').trigger('receipt', three['id'])
    await user.should_see(marker='receipt-viewer')
    viewer = user.find(marker='receipt-viewer').elements.pop()
    shown = [image.source for image in viewer.descendants() if isinstance(image, ui.image)]
    assert shown == [f'/receipt-files/{r["id"]}' for r in three['receipts']]  # all three, the first on top


async def test_the_mark_speaks_french(user: User) -> None:
    t = await open_page(user, '/expenses?month=2026-01')
    expense = add(t['alice'], t, date='2026-01-10', description='Marché')
    for number in range(3):
        receipts.attach(
            t['alice'], expense.id, f'ticket{number}.jpg', files.photo(color=('red', 'green', 'blue')[number])
        )
    speak_french(user, Account.get_by_id(t['alice'].id))
    await user.open('/expenses?month=2026-01')
    await until(lambda: len(table(user).rows) == 1)
    assert table(user).rows[0]['receipt_label'] == '3\u00a0justificatifs joints\u00a0: les afficher'


async def test_hostile_receipt_names_are_text_in_the_viewer(user: User) -> None:
    t = await open_page(user, '/expenses?month=2026-01')
    expense = add(t['alice'], t, date='2026-01-10', description=HOSTILE)
    receipts.attach(t['alice'], expense.id, f'{HOSTILE}.jpg', files.photo())
    await user.open('/expenses?month=2026-01')
    await until(lambda: len(table(user).rows) == 1)
    user.find(marker='expenses-table').trigger('receipt', expense.id)
    await user.should_see(marker='receipt-viewer')
    await user.should_see(Receipt.get().filename)  # as the upload kept it, shown as text
    assert not any('onerror' in element.content for element in user.find(ui.html).elements)


@pytest.mark.usefixtures('database')
def test_exports_name_each_expenses_receipts(alice, things, tmp_path) -> None:
    kept = add(alice, things, date='2026-01-10', description='Market')
    add(alice, things, date='2026-01-11', description='Bakery')
    receipts.attach(alice, kept.id, '+cmd.pdf', files.pdf())
    receipts.attach(alice, kept.id, 'till.jpg', files.photo())
    target = io.BytesIO()
    exports.write_csv(alice, Month(2026, 1), target)
    rows = list(csv.reader(io.StringIO(target.getvalue().decode())))
    at = rows[0].index('receipts')
    assert at == 10  # after the tags, before the currency columns
    assert {row[5]: row[at] for row in rows[1:]} == {'Market': "'+cmd.pdf, till.jpg", 'Bakery': ''}
    path = tmp_path / 'out.xlsx'
    exports.write_xlsx(alice, Month(2026, 1), path, language='fr')
    sheet = load_workbook(path)['Dépenses']
    assert sheet.cell(1, 11).value == 'Justificatifs'
    assert {sheet.cell(n, 6).value: sheet.cell(n, 11).value for n in (2, 3)} == {
        'Market': '+cmd.pdf, till.jpg',
        'Bakery': None,
    }
    assert sheet.cell(2, 11).data_type == 's'
    # the results of a search "with a receipt" (the filter's own subquery on receipts beside the export's)
    with_one = io.BytesIO()
    exports.write_csv(alice, None, with_one, filters=parse_filters(alice, {'has_receipt': 'true'}))
    rows = list(csv.reader(io.StringIO(with_one.getvalue().decode())))
    assert [(row[5], row[at]) for row in rows[1:]] == [('Market', "'+cmd.pdf, till.jpg")]
