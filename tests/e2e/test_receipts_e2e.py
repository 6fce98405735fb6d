"""Receipts in a real browser: a photo chosen in the add dialog is read (total, date, shop) when Tesseract is
installed, waits for Save, is attached, and shows as a thumbnail and full size when the expense is opened."""

import os
from pathlib import Path

from playwright.sync_api import expect

from app.services import ocr
from tests import receipt_images
from tests.e2e.conftest import run_wizard

SHOTS = os.environ.get('WIS_RECEIPT_SHOTS')  # a folder: keep screenshots of the dialog (README)


def test_attach_a_photo_and_see_it(page, server, tmp_path: Path) -> None:
    photo = tmp_path / 'till.jpg'
    photo.write_bytes(
        receipt_images.receipt_photo(
            'Carrefour Market', [('PAIN', 125), ('LAIT 1L', 98), ('POMMES', 345)], '12/03/2026'
        )
    )
    run_wizard(page, server)
    page.goto(server.url + '/expenses?month=2026-03')
    page.get_by_role('button', name='Add expense').click()
    form = page.get_by_role('dialog')  # the Expenses page's own filters have an Amount and a Category too
    page.get_by_text('No receipt yet.').wait_for()
    assert page.locator('input[type=file][capture=environment]').count() == 1  # the phone's camera

    page.locator('input[type=file][accept*="pdf"]').set_input_files(photo)
    page.get_by_role('img', name='Receipt').wait_for()
    if ocr.available():
        page.get_by_text('Read on the receipt').wait_for(timeout=90_000)
        if SHOTS:
            page.screenshot(path=f'{SHOTS}/receipt-reading.png')
        page.get_by_role('button', name='Use these').click()
        expect(form.get_by_label('Amount', exact=True)).to_have_value('5,68')
        expect(form.get_by_label('Date', exact=True)).to_have_value('2026-03-12')
        expect(form.get_by_label('Description (optional)')).to_have_value('Carrefour Market')
    else:
        form.get_by_label('Amount', exact=True).fill('5,68')
        form.get_by_label('Date', exact=True).fill('2026-03-12')
    form.get_by_label('Category', exact=True).click()
    page.get_by_role('option', name='Food').click()
    form.get_by_label('Payment method').click()
    page.get_by_role('option', name='Card').click()
    form.get_by_role('button', name='Save', exact=True).click()
    page.get_by_text('Expense added.').wait_for()

    page.get_by_role('cell', name='5,68').first.click()
    page.get_by_text('Edit the expense').wait_for()
    thumbnail = page.get_by_role('img', name='Receipt')
    thumbnail.wait_for()
    page.wait_for_function("() => [...document.querySelectorAll('img[alt=Receipt]')].some(i => i.naturalWidth > 0)")
    if SHOTS:
        page.screenshot(path=f'{SHOTS}/receipt-dialog.png')
    thumbnail.click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.q-dialog img')].some(i => i.src.match(/receipt-files\\/\\d+$/) "
        '&& i.naturalWidth > 500)'
    )
    if SHOTS:
        page.screenshot(path=f'{SHOTS}/receipt-full.png')
    page.get_by_role('button', name='Close').click()
