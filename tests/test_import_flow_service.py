"""The import flow on rows the read side has understood (issue 16, items 4-6): duplicates as multisets,
bank ids, possible duplicates, names matched ignoring case and accents, dry run, one transaction, undo."""

from __future__ import annotations

import datetime as dt

import pytest

from app.i18n import Message
from app.models import Category, Expense, ImportBatch, ImportedExpense, PaymentMethod
from app.services import expenses, import_history, import_run
from app.services.errors import Conflict, Invalid, NotFound
from app.services.import_run import run_rows
from app.services.import_types import ImportOptions, SourceInfo
from app.services.imports import ParsedRow, RowProblem, SkippedRow
from tests.builders import add, link, make_user

pytestmark = pytest.mark.usefixtures('database')

SOURCE = SourceInfo(file_name='bank.csv', file_size=123, file_format='csv')
DRY = ImportOptions()
COMMIT = ImportOptions(dry_run=False)


def row(number: int, day: str = '2026-01-15', cents: int = 350, description: str = 'Coffee', **fields) -> ParsedRow:
    values = {
        'time': None,
        'category': 'Food',
        'subcategory': None,
        'payment_method': 'Card',
        'place': None,
        'latitude': None,
        'longitude': None,
        'tags': (),
        'currency': None,
        'external_id': None,
        **fields,
    }
    return ParsedRow(
        row_number=number, date=dt.date.fromisoformat(day), amount_cents=cents, description=description, **values
    )


def state() -> tuple:
    """Everything an import may change, as comparable values."""
    return (
        sorted(
            Expense.select(
                Expense.id,
                Expense.owner,
                Expense.amount_cents,
                Expense.date,
                Expense.category,
                Expense.subcategory,
                Expense.payment_method,
                Expense.description,
            ).tuples()
        ),
        sorted(Category.select(Category.id, Category.owner, Category.name, Category.parent).tuples()),
        sorted(PaymentMethod.select(PaymentMethod.id, PaymentMethod.owner, PaymentMethod.name).tuples()),
        ImportedExpense.select().count(),
    )


def test_two_identical_coffees_are_both_imported_then_neither(alice, things) -> None:
    rows = [row(2), row(3), row(4, cents=1200, description='Lunch')]
    first = run_rows(alice, rows, SOURCE, COMMIT)
    assert (first.new, first.duplicates, first.imported, first.total_cents) == (3, 0, 3, 1900)
    again = run_rows(alice, rows, SOURCE, COMMIT)
    assert (again.new, again.duplicates, again.imported) == (0, 3, 0)
    assert Expense.select().count() == 3
    three = run_rows(alice, [*rows, row(5)], SOURCE, DRY)
    assert (three.new, three.duplicates) == (1, 3)


def test_a_known_bank_id_wins_over_changed_columns(alice, things) -> None:
    run_rows(alice, [row(2, external_id='FIT-1'), row(3, external_id='FIT-2')], SOURCE, COMMIT)
    changed = run_rows(alice, [row(2, description='COFFEE SHOP 12', external_id='FIT-1')], SOURCE, DRY)
    assert (changed.new, changed.duplicates) == (0, 1)
    fresh = run_rows(alice, [row(9, external_id='FIT-3')], SOURCE, DRY)
    assert fresh.duplicates == 1  # no known id, but date, amount and description match an expense
    other_day = run_rows(alice, [row(9, day='2026-02-20', external_id='FIT-3')], SOURCE, DRY)
    assert other_day.new == 1


def test_description_matching_ignores_case_accents_and_spacing(alice, things) -> None:
    add(alice, things, amount='4.20', date='2026-01-10', description='Café  de la Gare')
    report = run_rows(alice, [row(2, day='2026-01-10', cents=420, description='CAFE DE LA GARE')], SOURCE, DRY)
    assert (report.new, report.duplicates) == (0, 1)


def test_a_loose_match_with_a_hand_entered_expense_is_asked_about(alice, things) -> None:
    hand = add(alice, things, amount='23.90', date='2026-01-12', description='groceries')
    rows = [row(2, day='2026-01-14', cents=2390, description='CARREFOUR 0412'), row(3, day='2026-01-20', cents=2390)]
    report = run_rows(alice, rows, SOURCE, DRY)
    assert (report.new, report.possible_count) == (1, 1)
    (possible,) = report.possible
    assert (possible.row_number, possible.existing_id, possible.kept) == (2, hand.id, False)
    assert report.to_import == 1
    skipped = run_rows(alice, rows, SOURCE, COMMIT)
    assert skipped.imported == 1
    kept = run_rows(alice, rows, SOURCE, ImportOptions(dry_run=False, keep_possible=(2,)))
    assert kept.imported == 1 and Expense.select().where(Expense.amount_cents == 2390).count() == 3


def test_an_imported_expense_is_not_a_possible_duplicate(alice, things) -> None:
    run_rows(alice, [row(2, day='2026-01-12', cents=2390, description='a')], SOURCE, COMMIT)
    report = run_rows(alice, [row(2, day='2026-01-13', cents=2390, description='b')], SOURCE, DRY)
    assert (report.new, report.possible_count) == (1, 0)


def test_names_are_matched_or_listed_and_created_once(alice, things) -> None:
    rows = [
        row(2, category='FOOD', subcategory='groceries', payment_method='card'),
        row(3, category='Épicerie', subcategory='Fruits', payment_method='Chèque', cents=100),
        row(4, category='epicerie', subcategory='fruits', payment_method='CHEQUE', cents=200),
        row(5, category='Food', subcategory='Bakery', cents=300),
    ]
    report = run_rows(alice, rows, SOURCE, DRY)
    assert {(n.name, n.parent, n.rows) for n in report.new_categories} == {
        ('Épicerie', None, 2),
        ('Fruits', 'Épicerie', 2),
        ('Bakery', 'Food', 1),
    }
    methods = {(n.name, n.rows) for n in report.new_payment_methods}
    assert methods in ({('Chèque', 2)}, set())  # new accounts may already have a cheque method
    before = Category.select().count()
    run_rows(alice, rows, SOURCE, COMMIT)
    assert Category.select().count() == before + 3
    fruits = Category.get(Category.name == 'Fruits')
    assert fruits.parent.name == 'Épicerie' and fruits.owner_id == alice.id
    first = Expense.get(Expense.amount_cents == 350)
    assert (first.category_id, first.subcategory_id) == (things['food'].id, things['groceries'].id)
    assert PaymentMethod.select().where(PaymentMethod.owner == alice.id).count() == len(
        {m.name.casefold() for m in PaymentMethod.select().where(PaymentMethod.owner == alice.id)}
    )


def test_names_can_be_mapped_to_existing_ones(alice, things) -> None:
    options = ImportOptions(
        dry_run=False,
        category_map=(('Courses', things['groceries'].id),),
        payment_method_map=(('CB', things['card'].id),),
    )
    run_rows(alice, [row(2, category='Courses', payment_method='CB')], SOURCE, options)
    expense = Expense.get()
    assert (expense.category_id, expense.subcategory_id, expense.payment_method_id) == (
        things['food'].id,
        things['groceries'].id,
        things['card'].id,
    )


def test_rows_without_names_get_the_defaults(alice, things) -> None:
    rows = [row(2, category=None, payment_method=None)]
    report = run_rows(alice, rows, SOURCE, DRY)
    assert [n.name for n in report.new_categories] == ['Uncategorised']
    run_rows(alice, rows, SOURCE, ImportOptions(dry_run=False, default_category=things['transport'].id))
    assert Expense.get().category_id == things['transport'].id


def test_counts_of_skipped_and_invalid_rows_and_nothing_written_on_errors(alice, things) -> None:
    problem = RowProblem(row_number=5, column='amount', value='abc', message=Message('not an amount'))
    rows = [row(2), SkippedRow(row_number=3, reason='income'), SkippedRow(row_number=4, reason='transfer'), problem]
    rows += [row(6, cents=-500), row(7, description='x' * 600)]
    before = state()
    report = run_rows(alice, rows, SOURCE, DRY)
    assert report.skipped == (('income', 1), ('refund', 1), ('transfer', 1))
    assert report.invalid_count == 2
    assert [(p.row_number, p.column) for p in report.invalid] == [(5, 'amount'), (7, 'description')]
    with pytest.raises(Invalid):
        run_rows(alice, rows, SOURCE, COMMIT)
    assert state() == before
    done = run_rows(alice, rows, SOURCE, ImportOptions(dry_run=False, skip_invalid=True))
    assert done.imported == 1


def test_a_failure_while_writing_rolls_everything_back(alice, things, monkeypatch) -> None:
    before = state()
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        raise RuntimeError('disk full')

    monkeypatch.setattr(import_run, 'insert_links', failing)
    with pytest.raises(RuntimeError):
        run_rows(alice, [row(2, category='New one'), row(3)], SOURCE, COMMIT)
    assert calls and state() == before


def test_undo_restores_the_exact_state_and_keeps_hand_entered_ones(alice, things) -> None:
    add(alice, things, amount='3.50', date='2026-01-01', description='by hand')
    before = state()
    report = run_rows(
        alice, [row(2, category='Brand new', subcategory='Sub', payment_method='Wallet'), row(3)], SOURCE, COMMIT
    )
    assert state() != before
    undone = import_history.undo_import(alice, report.import_id)
    assert (undone.expenses_deleted, undone.categories_deleted, undone.payment_methods_deleted) == (2, 2, 1)
    assert state() == before
    with pytest.raises(Conflict):
        import_history.undo_import(alice, report.import_id)
    history = import_history.list_imports(alice)
    assert [(h.id, h.imported, h.remaining, h.undone_at is not None) for h in history] == [
        (report.import_id, 2, 0, True)
    ]
    again = run_rows(alice, [row(3, external_id=None)], SOURCE, DRY)
    assert again.new == 1


def test_undo_keeps_a_created_category_used_by_hand_since(alice, things) -> None:
    report = run_rows(alice, [row(2, category='Garden')], SOURCE, COMMIT)
    garden = Category.get(Category.name == 'Garden')
    expenses.create_expense(
        alice,
        {'amount': '5', 'date': '2026-01-02', 'category_id': garden.id, 'payment_method_id': things['card'].id},
    )
    undone = import_history.undo_import(alice, report.import_id)
    assert undone.categories_deleted == 0 and Category.get_by_id(garden.id)


def test_another_users_import_is_not_found(alice, things) -> None:
    bob = make_user('bob')
    link(alice, bob)
    report = run_rows(alice, [row(2)], SOURCE, COMMIT)
    for action in (import_history.get_import, import_history.undo_import):
        with pytest.raises(NotFound):
            action(bob, report.import_id)
    assert import_history.list_imports(bob) == []
    assert ImportBatch.select().count() == 1


def test_linked_users_expenses_count_as_duplicates(alice, things) -> None:
    bob = make_user('bob')
    link(alice, bob)
    add(alice, things, amount='3.50', date='2026-01-15', description='Coffee')
    report = run_rows(bob, [row(2)], SOURCE, DRY)
    assert (report.new, report.duplicates) == (0, 1)


def test_tags_are_stored_and_undo_takes_them_away(alice, things) -> None:
    from app.models import ExpenseTag, Tag

    report = run_rows(alice, [row(2, tags=('Holiday', 'été')), row(3, cents=100, tags=('holiday',))], SOURCE, COMMIT)
    assert sorted(t.name for t in Tag.select()) == ['Holiday', 'été']
    assert ExpenseTag.select().count() == 3
    bad = run_rows(alice, [row(4, tags=('a,b',))], SOURCE, DRY)
    assert [(p.row_number, p.column) for p in bad.invalid] == [(4, 'tags')]
    import_history.undo_import(alice, report.import_id)
    assert Tag.select().count() == 0 and ExpenseTag.select().count() == 0


def test_imported_rows_are_in_the_search_index_and_its_trigger_stays(alice, things) -> None:
    from app.db import db, is_postgres

    if is_postgres():
        pytest.skip('the full-text index is SQLite only')
    trigger = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'expense_fts_after_insert'"
    before = db.execute_sql(trigger).fetchone()
    run_rows(alice, [row(2, description='Boulangerie du coin'), row(3, description='Épicerie fine')], SOURCE, COMMIT)
    assert db.execute_sql(trigger).fetchone() == before
    found = db.execute_sql("SELECT rowid FROM expense_fts WHERE expense_fts MATCH 'epicerie'").fetchall()
    assert [r[0] for r in found] == [Expense.get(Expense.description == 'Épicerie fine').id]
    add(alice, things, description='boulangerie by hand')  # the trigger works for the next expense
    found = db.execute_sql("SELECT count(*) FROM expense_fts WHERE expense_fts MATCH 'boulangerie'").fetchone()
    assert found[0] == 2
    report = run_rows(alice, [row(4, description='Boulangerie du coin', cents=999)], SOURCE, COMMIT)
    import_history.undo_import(alice, report.import_id)
    found = db.execute_sql("SELECT count(*) FROM expense_fts WHERE expense_fts MATCH 'boulangerie'").fetchone()
    assert found[0] == 2
    results = expenses.list_expenses(alice, None, search='épicerie')
    assert [e.description for e in results.expenses] == ['Épicerie fine']
