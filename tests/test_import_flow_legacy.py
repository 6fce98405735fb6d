"""The v2.4 importer's three defects, fixed (issue 16, item 7): shared categories and payment methods copied
to each user who uses them with their nesting; no second `Cash`; records edited in v2.4 since the last
import reported, and updated with update_changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.models import Category, Expense, LegacyRecord, PaymentMethod, User
from app.services import access
from app.services.legacy_import import import_legacy
from tests.builders import make_user
from tests.test_legacy_import import legacy_folder

pytestmark = pytest.mark.usefixtures('database')


def rewrite(folder: Path, name: str, change) -> None:
    path = folder / name
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_shared_categories_are_copied_to_each_user_with_their_nesting(tmp_path: Path) -> None:
    folder = legacy_folder(tmp_path)

    def jane_buys_groceries(expenses: dict) -> None:
        expenses['6'] = {'id': 6, 'user': 'jane', 'amount': 7, 'date': '2026-04-02', 'category_id': 2}

    rewrite(folder, 'expenses.json', jane_buys_groceries)
    report = import_legacy(folder)
    admin, jane = User.get(User.username == 'admin'), User.get(User.username == 'jane')
    for user in (admin, jane):
        food = Category.get((Category.name == 'Food') & (Category.owner == user))
        groceries = Category.get((Category.name == 'Groceries') & (Category.owner == user))
        assert groceries.parent_id == food.id
    for category in Category.select():
        if category.parent_id is not None:
            assert category.parent.owner_id == category.owner_id
    for expense in Expense.select():
        seen = access.visible_owner_ids(expense.owner_id)
        assert expense.category.owner_id == expense.owner_id
        if expense.payment_method_id is not None:
            assert expense.payment_method.owner_id == expense.owner_id, expense.id
        assert expense.category.owner_id in seen
    six = Expense.get_by_id(LegacyRecord.get(LegacyRecord.legacy_key == '6').target_id)
    assert (six.category.name, six.subcategory.name, six.owner_id) == ('Food', 'Groceries', jane.id)
    assert PaymentMethod.select().where(PaymentMethod.name == 'Card').count() == 2  # used by both
    assert report.created['categories'] == 6  # Food+Groceries twice, Transport, Uncategorized
    again = import_legacy(folder)
    assert sum(again.created.values()) == 0 and sum(again.changed.values()) == 0


def test_an_account_that_has_cash_gets_no_second_cash(tmp_path: Path) -> None:
    admin = make_user('admin', admin=True)
    PaymentMethod.create(owner=admin, name='CASH')
    Category.create(owner=admin, name='food')
    import_legacy(legacy_folder(tmp_path))
    assert PaymentMethod.select().where(PaymentMethod.owner == admin).count() == 2  # CASH and Card
    assert [m.name for m in PaymentMethod.select().where(PaymentMethod.owner == admin).order_by(PaymentMethod.id)] == [
        'CASH',
        'Card',
    ]
    foods = Category.select().where((Category.owner == admin) & (Category.parent.is_null()))
    assert [c.name for c in foods if c.name.lower() == 'food'] == ['food']
    two = Expense.get_by_id(LegacyRecord.get(LegacyRecord.legacy_key == '2').target_id)
    assert two.payment_method.name == 'CASH' and two.category.name == 'food'


def test_records_edited_in_v24_since_are_reported_then_updated(tmp_path: Path) -> None:
    folder = legacy_folder(tmp_path)
    import_legacy(folder)

    def edited(expenses: dict) -> None:
        expenses['1'].update(amount=47.25, description='Groceries and bread', updated_at='2099-01-01T00:00:00Z')

    rewrite(folder, 'expenses.json', edited)
    one = LegacyRecord.get((LegacyRecord.kind == 'expense') & (LegacyRecord.legacy_key == '1')).target_id
    report = import_legacy(folder)
    assert report.changed['expenses'] == 1 and report.updated['expenses'] == 0
    assert any('edited in v2.4' in w and 'amount_cents' in w for w in report.warnings)
    assert Expense.get_by_id(one).amount_cents == 4550
    dry = import_legacy(folder, dry_run=True, update_changed=True)
    assert dry.updated['expenses'] == 1 and Expense.get_by_id(one).amount_cents == 4550
    done = import_legacy(folder, update_changed=True)
    assert done.updated['expenses'] == 1
    updated = Expense.get_by_id(one)
    assert (updated.amount_cents, updated.description) == (4725, 'Groceries and bread')
    assert sum(import_legacy(folder).changed.values()) == 0


def test_an_edit_made_here_is_not_taken_for_a_v24_edit(tmp_path: Path) -> None:
    folder = legacy_folder(tmp_path)

    def dated(expenses: dict) -> None:
        expenses['1']['updated_at'] = '2026-03-21T10:30:00Z'

    rewrite(folder, 'expenses.json', dated)
    import_legacy(folder)
    one = LegacyRecord.get((LegacyRecord.kind == 'expense') & (LegacyRecord.legacy_key == '1')).target_id
    Expense.update(description='changed in 3.x').where(Expense.id == one).execute()
    report = import_legacy(folder, update_changed=True)
    assert report.changed['expenses'] == 0 and Expense.get_by_id(one).description == 'changed in 3.x'
