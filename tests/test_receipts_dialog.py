"""Receipts in the expense dialog, through NiceGUI's simulated user: attach to an expense being edited, see
the thumbnail and the full view, remove; for a new expense, the files wait and are attached by Save, and a
photo's total, date and shop are offered and used only when the person says so."""

from __future__ import annotations

from datetime import date

import time_machine
from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from app.models import Expense, Receipt
from app.services import ocr, receipt_files
from tests import receipt_images as files
from tests.builders import add
from tests.page_steps import open_page
from tests.polling import until


def uploader(user: User, marker: str) -> ui.upload:
    return user.find(marker=marker).elements.pop()


async def choose(user: User, marker: str, name: str, data: bytes, kind: str = 'image/jpeg') -> None:
    await uploader(user, marker).handle_uploads([SmallFileUpload(name=name, content_type=kind, _data=data)])


async def test_attach_view_and_remove_on_an_expense_being_edited(user: User) -> None:
    t = await open_page(user, '/expenses?month=2026-01')
    expense = add(t['alice'], t, description='Market')
    await user.open('/expenses?month=2026-01')
    row = next(r for r in user.find(marker='expenses-table').elements.pop().rows if r['id'] == expense.id)
    user.find(marker='expenses-table').trigger('edit', row)
    await user.should_see(marker='expense-dialog')
    await user.should_see(marker='no-receipt')
    assert uploader(user, 'receipt-camera').props['capture'] == 'environment'

    await choose(user, 'receipt-file', 'till.jpg', files.photo())
    await until(lambda: Receipt.select().count() == 1)
    receipt = Receipt.get()
    assert receipt.expense_id == expense.id
    await user.should_see(marker='receipt-thumbnail')
    thumbnail = user.find(marker='receipt-thumbnail').elements.pop()
    assert thumbnail.source == f'/receipt-files/{receipt.id}/thumbnail'

    user.find(marker='receipt-thumbnail').click()
    await user.should_see(marker='receipt-viewer')
    assert user.find(marker='receipt-full').elements.pop().source == f'/receipt-files/{receipt.id}'
    viewer = user.find(marker='receipt-viewer').elements.pop().parent_slot.parent
    user.find(marker='close-receipt').click()
    await until(lambda: viewer.value is False)  # the browser's 'hide' then deletes it

    user.find(marker='delete-receipt').click()
    await until(lambda: Receipt.select().count() == 0)
    await user.should_see(marker='no-receipt')
    assert receipt_files.stored_files() == []


async def test_a_refused_file_says_why_and_nothing_is_kept(user: User) -> None:
    t = await open_page(user, '/expenses?month=2026-01')
    expense = add(t['alice'], t)
    await user.open('/expenses?month=2026-01')
    row = next(r for r in user.find(marker='expenses-table').elements.pop().rows if r['id'] == expense.id)
    user.find(marker='expenses-table').trigger('edit', row)
    await user.should_see(marker='expense-dialog')
    await choose(user, 'receipt-file', 'photo.jpg', files.executable_named_jpeg())
    await user.should_see('This file is not a photo or a PDF')
    assert Receipt.select().count() == 0 and receipt_files.stored_files() == []


@time_machine.travel('2026-03-20 09:00:00', tick=False)
async def test_a_new_expense_keeps_its_files_until_saved_and_the_reading_fills_the_form(
    user: User, monkeypatch
) -> None:
    reading = ocr.ReceiptReading(total_cents=568, date=date(2026, 3, 12), shop='Carrefour Market', text='…')
    monkeypatch.setattr(ocr, 'available', lambda: True)
    monkeypatch.setattr(ocr, 'read_receipt', lambda data, **_: reading)
    t = await open_page(user, '/expenses?month=2026-03')
    user.find(marker='add-expense').click()
    await user.should_see(marker='expense-dialog')
    await choose(user, 'receipt-camera', 'IMG_1.jpg', files.photo())
    await user.should_see(marker='receipt-suggestion')
    await user.should_see('Carrefour Market')
    assert Receipt.select().count() == 0  # nothing kept before the expense exists
    assert user.find(marker='expense-amount').elements.pop().value == ''  # nothing filled before the person says so

    user.find(marker='use-reading').click()
    assert user.find(marker='expense-amount').elements.pop().value == '5,68'
    assert user.find(marker='expense-date').elements.pop().value == '2026-03-12'
    assert user.find(marker='expense-description').elements.pop().value == 'Carrefour Market'
    user.find(marker='expense-category').elements.pop().value = t['food'].id
    user.find(marker='expense-payment-method').elements.pop().value = t['card'].id
    user.find(marker='save-expense').click()
    await user.should_see('Expense added.')
    expense = Expense.get()
    assert (expense.amount_cents, expense.date, expense.description) == (568, date(2026, 3, 12), 'Carrefour Market')
    assert [r.expense_id for r in Receipt.select()] == [expense.id]


async def test_a_blank_photo_says_it_could_not_be_read(user: User, monkeypatch) -> None:
    from app.i18n import Message
    from app.services.errors import Invalid

    def unreadable(data, **_):
        raise Invalid(
            Message('Could not read this receipt: no total, date or shop name was found. Fill them in yourself.')
        )

    monkeypatch.setattr(ocr, 'available', lambda: True)
    monkeypatch.setattr(ocr, 'read_receipt', unreadable)
    await open_page(user, '/expenses?month=2026-01')
    user.find(marker='add-expense').click()
    await user.should_see(marker='expense-dialog')
    await choose(user, 'receipt-camera', 'blank.jpg', files.blank_photo())
    await user.should_see(marker='receipt-unread')
    await user.should_see('Could not read this receipt')


async def test_without_tesseract_nothing_is_read_or_offered(user: User, monkeypatch) -> None:
    monkeypatch.setattr(ocr, 'available', lambda: False)
    await open_page(user, '/expenses?month=2026-01')
    user.find(marker='add-expense').click()
    await user.should_see(marker='expense-dialog')
    await choose(user, 'receipt-camera', 'IMG_1.jpg', files.photo())
    await user.should_see(marker='receipt-thumbnail')
    await user.should_not_see(marker='receipt-suggestion')
    await user.should_not_see('Reading the receipt')


async def test_hostile_file_names_are_text(user: User) -> None:
    t = await open_page(user, '/expenses?month=2026-01')
    expense = add(t['alice'], t)
    await user.open('/expenses?month=2026-01')
    row = next(r for r in user.find(marker='expenses-table').elements.pop().rows if r['id'] == expense.id)
    user.find(marker='expenses-table').trigger('edit', row)
    await user.should_see(marker='expense-dialog')
    await choose(user, 'receipt-file', '<img src=x onerror=alert(1)>.png', files.photo('PNG'))
    await until(lambda: Receipt.select().count() == 1)
    assert '<' not in Receipt.get().filename
