"""POST /sysapi/import with the choices finished last (issue 16): `subcategory_map` and `skip_types`, good and
malformed, over HTTP against the real app."""

from __future__ import annotations

import json

from nicegui.testing import User

from app.models import Category, Expense
from tests.page_steps import logged_in_alice
from tests.test_import_flow_api import post_file

FILE = 'Date,Amount,Category,Subcategory,Description,Type\n2026-01-15,3.20,Food,Bakery,Bread,expense\n'


async def test_subcategory_map_files_a_subcategory_under_an_existing_one(user: User) -> None:
    t = await logged_in_alice(user)
    mapping = json.dumps({'Food': {'Bakery': t['groceries'].id}})
    dry = (await post_file(user, FILE, subcategory_map=mapping)).json()
    assert dry['new_categories'] == [] and dry['file']['skip_types'] == ['income', 'transfer']
    done = await post_file(user, FILE, subcategory_map=mapping, dry_run='false')
    assert done.status_code == 200, done.text
    bread = Expense.get()
    assert (bread.category_id, bread.subcategory_id) == (t['food'].id, t['groceries'].id)
    assert not Category.select().where(Category.name == 'Bakery').exists()


async def test_malformed_subcategory_maps_are_422_and_anothers_category_404(user: User) -> None:
    await logged_in_alice(user)
    for value in ('[1]', '{"Food": 3}', '{"Food": {"Bakery": "x"}}', '{"Food": {"Bakery": true}}', '{bad'):
        response = await post_file(user, FILE, subcategory_map=value)
        assert (response.status_code, response.json()['field']) == (422, 'subcategory_map'), (value, response.text)
    missing = await post_file(user, FILE, subcategory_map=json.dumps({'Food': {'Bakery': 999999}}))
    assert (missing.status_code, missing.json()['field']) == (404, 'subcategory_map')
    assert Expense.select().count() == 0


async def test_skip_types_through_the_api(user: User) -> None:
    await logged_in_alice(user)
    content = FILE + '2026-01-16,2000,Job,,Salary,income\n'
    report = (await post_file(user, content, skip_types='')).json()
    assert (report['new'], report['skipped'], report['file']['skip_types']) == (2, {}, [])


REFUNDED = (
    'Date;Libellé;Montant\n'
    '14/03/2026;CB AMAZON EU;-80,00\n'
    '17/03/2026;VIR SALAIRE;2 100,00\n'
    '21/03/2026;REMB AMAZON EU;30,00\n'
)


async def test_refunds_are_deducted_by_default_skipped_on_request_and_checked(user: User) -> None:
    await logged_in_alice(user)
    report = (await post_file(user, REFUNDED)).json()
    assert (report['refunds'], report['refunds_deducted'], report['total_cents']) == ('deduct', 1, 5000)
    assert report['skipped'] == {'refund': 1}
    assert [(r['row'], r['status'], r['purchase_row'], r['purchase_after']) for r in report['refund_rows']] == [
        (3, 'unmatched', None, None),
        (4, 'deducted', 2, 50.0),
    ]
    skipped = (await post_file(user, REFUNDED, refunds='skip')).json()
    assert (skipped['refunds_deducted'], skipped['total_cents'], skipped['skipped']) == (0, 8000, {'refund': 2})
    bad = await post_file(user, REFUNDED, refunds='net')
    assert (bad.status_code, bad.json()['field']) == (422, 'refunds')
    done = (await post_file(user, REFUNDED, dry_run='false')).json()
    assert done['imported'] == 1 and Expense.get().amount_cents == 5000
