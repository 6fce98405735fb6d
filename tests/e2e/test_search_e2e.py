"""Search in a real browser (issue 18): from the Expenses page, find expenses of other years, open one, and
see a hostile tag shown as text. `WIS_SEARCH_SHOTS=folder` keeps screenshots (laptop, phone, dark)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from app.db import close_database, open_database
from tests.e2e.conftest import run_wizard

HOSTILE = '<img src=x onerror=alert(1)>'


def seed(server) -> None:
    """Expenses over three years, tagged, written through the services into the server's database."""
    open_database(server.env['DATABASE_URL'])
    try:
        from app.models import Category, PaymentMethod, User
        from app.services import expenses

        admin = User.get()
        categories = {c.name: c.id for c in Category.select()}
        methods = {m.name: m.id for m in PaymentMethod.select()}

        def add(day: str, amount: str, category: str, description: str, tags: list[str], place: str = '') -> None:
            data = {
                'amount': amount,
                'date': day,
                'category_id': categories[category],
                'payment_method_id': methods['Card'],
                'description': description,
                'place': place,
                'tags': tags,
            }
            expenses.create_expense(admin, data)

        add('2024-12-05', '15,99', 'Leisure', 'Netflix', ['abonnement'])
        add('2025-12-05', '15,99', 'Leisure', 'Netflix', ['abonnement'])
        add('2025-07-14', '42,00', 'Food', 'Déjeuner au café', ['vacances'], place='Crêperie Élysée')
        add(date.today().isoformat(), '3,20', 'Food', 'Boulangerie', [HOSTILE])
    finally:
        close_database()


def shoot(page, name: str) -> None:
    folder = os.environ.get('WIS_SEARCH_SHOTS')
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f'{name}.png'), full_page=True)


def test_search_from_the_expenses_page_and_open_a_result(page, server) -> None:
    alerts: list[str] = []
    page.on('dialog', lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    run_wizard(page, server)
    seed(server)
    page.goto(server.url + '/expenses')
    page.get_by_role('cell', name='Boulangerie').wait_for()
    page.get_by_text(HOSTILE).wait_for()  # the tag's text, drawn as text

    page.get_by_label('Search all expenses').fill('netflix')
    page.get_by_text('Across all time: 2 expenses, 31,98 €').wait_for()
    page.wait_for_url('**/expenses?search=netflix')
    assert page.get_by_role('cell', name='Netflix').count() == 2
    assert page.get_by_text('abonnement').count() == 2
    shoot(page, 'search-laptop-light')

    # accents and case are ignored, prefixes match, every word must match
    page.get_by_label('Search all expenses').fill('CREPERIE dejeu')
    page.get_by_role('cell', name='Déjeuner au café').wait_for()
    page.get_by_text('Across all time: 1 expense, 42,00 €').wait_for()

    # a result opens for editing, like a row of the month
    page.get_by_role('cell', name='Déjeuner au café').click()
    page.get_by_text('Edit the expense').wait_for()
    assert page.get_by_label('Amount', exact=True).input_value() == '42,00'
    page.get_by_text('vacances').last.wait_for()
    page.get_by_role('button', name='Cancel').click()
    page.get_by_text('Edit the expense').wait_for(state='hidden')

    # nothing found says so; a bad range says why; the way back is the month
    page.get_by_label('Search all expenses').fill('zzyzx')
    page.get_by_text('Nothing matches this search').wait_for()
    page.get_by_label('Search all expenses').fill('20..10')
    page.get_by_text('is upside down').wait_for()
    page.get_by_role('button', name='Back to the month').click()
    page.get_by_role('cell', name='Boulangerie').wait_for()

    # the address is a bookmark: the filters come back with it
    page.goto(server.url + '/expenses?tag=abonnement&from=2025-01-01')
    page.get_by_text('Across all time: 1 expense, 15,99 €').wait_for()
    page.set_viewport_size({'width': 390, 'height': 844})
    page.goto(server.url + '/expenses?search=netflix')
    page.get_by_text('Across all time: 2 expenses, 31,98 €').wait_for()
    shoot(page, 'search-phone-light')
    width = page.evaluate('document.documentElement.scrollWidth')
    assert width <= 390, f'the page is {width} px wide on a 390 px phone'
    assert alerts == []
