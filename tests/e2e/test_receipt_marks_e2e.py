"""The receipt's mark in the expenses list, in a real browser (issue 18): on a laptop in the table's description
cell, on a phone in the expense's card, with the count when there are several; a click (or Enter) opens the
receipts full size and nothing else (the card's own click opens the expense). A hostile file name and
description stay text.
`WIS_RECEIPT_SHOTS=folder` keeps screenshots."""

from __future__ import annotations

import os
from pathlib import Path

from app.config import load, use_settings
from app.db import close_database, open_database
from tests import receipt_images
from tests.e2e.conftest import run_wizard

HOSTILE = '<img src=x onerror=alert(1)>'
SHOTS = os.environ.get('WIS_RECEIPT_SHOTS')
FULL_SIZE_SHOWN = (
    "() => [...document.querySelectorAll('.q-dialog img')].some(i => i.src.match(/receipt-files\\/\\d+$/) "
    '&& i.naturalWidth > 500)'
)


def seed(server) -> None:
    """Two expenses of March 2026, one with a till receipt, written through the services (with the server's
    settings: the receipt's file goes to its DATA_DIR)."""
    use_settings(load(Path(server.env['WIS_CONFIG']), environ=server.env))
    open_database(server.env['DATABASE_URL'])
    try:
        from app.models import Category, PaymentMethod, User
        from app.services import expenses, receipts

        admin = User.get()
        food = Category.get(Category.name == 'Food').id
        card = PaymentMethod.get(PaymentMethod.name == 'Card').id
        base = {'date': '2026-03-12', 'category_id': food, 'payment_method_id': card}
        kept = expenses.create_expense(admin, {**base, 'amount': '5,68', 'description': HOSTILE})
        expenses.create_expense(admin, {**base, 'amount': '2,10', 'description': 'Bus'})
        photo = receipt_images.receipt_photo('Carrefour Market', [('PAIN', 125), ('LAIT 1L', 98)], '12/03/2026')
        receipts.attach(admin, kept.id, f'{HOSTILE}.jpg', photo)
        three = expenses.create_expense(admin, {**base, 'date': '2026-03-02', 'amount': '31,40', 'description': 'Fuel'})
        for number, shop in enumerate(('Total Access', 'Esso', 'Shell')):
            ticket = receipt_images.receipt_photo(shop, [('GAZOLE', 3140)], '02/03/2026')
            receipts.attach(admin, three.id, f'fuel{number}.jpg', ticket)
    finally:
        close_database()
        use_settings(None)


def shoot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f'{name}.png'))


def test_the_mark_opens_the_receipt_on_a_laptop_and_on_a_phone(page, server) -> None:
    alerts: list[str] = []
    page.on('dialog', lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    run_wizard(page, server)
    seed(server)
    page.goto(server.url + '/expenses?month=2026-03')
    page.get_by_role('cell', name='Bus').wait_for()
    marks = page.get_by_role('button', name='1 receipt attached: show it')
    assert marks.count() == 1  # only the expense that has one
    several = page.get_by_role('button', name='3 receipts attached: show them')
    assert several.count() == 1 and several.locator('[data-receipt-count]').inner_text().strip() == '3'
    assert marks.locator('[data-receipt-count]').count() == 0  # no count for a single receipt
    shoot(page, 'receipt-mark-desktop')
    several.click()
    page.wait_for_function(FULL_SIZE_SHOWN)
    page.wait_for_function("() => document.querySelectorAll('.q-dialog img[src*=receipt-files]').length === 3")
    assert page.locator('.q-dialog').get_by_text('fuel0.jpg').count() == 1
    page.get_by_role('button', name='Close').click()
    page.locator('.q-dialog').wait_for(state='detached')
    marks.click()
    page.wait_for_function(FULL_SIZE_SHOWN)
    page.locator('.q-dialog').get_by_text('onerror').wait_for()  # the file's name, as text
    assert page.get_by_text('Edit the expense').count() == 0  # the mark's click is not the row's
    shoot(page, 'receipt-mark-viewer')
    page.get_by_role('button', name='Close').click()
    page.locator('.q-dialog').wait_for(state='detached')

    page.set_viewport_size({'width': 390, 'height': 844})
    page.reload()
    card_marks = page.locator('.q-table__grid-content [data-receipt]')
    card_marks.first.wait_for()
    assert card_marks.count() == 2
    badge = page.locator('.q-table__grid-content [data-receipt] [data-receipt-count]')
    assert badge.count() == 1 and badge.inner_text().strip() == '3'
    card_mark = page.locator('.q-table__grid-content').get_by_role('button', name='1 receipt attached: show it')
    shoot(page, 'receipt-mark-phone')
    card_mark.focus()
    page.keyboard.press('Enter')
    page.wait_for_function(FULL_SIZE_SHOWN)
    assert page.get_by_text('Edit the expense').count() == 0
    page.emulate_media(color_scheme='dark')
    shoot(page, 'receipt-mark-phone-viewer-dark')
    page.get_by_role('button', name='Close').click()
    assert alerts == []
