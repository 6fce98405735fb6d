"""Issue 16, the parts finished last: the guess from the values for a file whose header names nothing we know
(or that has no header), the subcategories of a file filed under existing ones, and the type column's skips
chosen by the person. Through `import_file`, the service the page, the API and the CLI call."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.models import Category, Expense
from app.services import import_file
from app.services.errors import NotFound
from app.services.import_types import ImportOptions
from tests.builders import make_user

pytestmark = pytest.mark.usefixtures('database')

DRY = ImportOptions()
COMMIT = ImportOptions(dry_run=False)


def write(tmp_path: Path, text: str, name: str = 'bank.csv') -> Path:
    path = tmp_path / name
    path.write_text(text, encoding='utf-8')
    return path


def run(user, path: Path, options: ImportOptions = DRY, **choices):
    return import_file.import_file(user, path, path.name, options, **choices)


def test_a_file_without_a_header_is_mapped_from_its_values(alice, tmp_path) -> None:
    path = write(tmp_path, '15/01/2026;CARREFOUR CITY PARIS;-23,40\n16/01/2026;SNCF BILLET;-45,00\n')
    report = run(alice, path)
    assert report.source.headers == ('#1', '#2', '#3')
    assert dict(report.source.mapping) == {'date': '#1', 'amount': '#3', 'description': '#2'}
    assert (report.new, report.total_cents, report.missing_columns) == (2, 6840, ())
    done = run(alice, path, COMMIT)
    assert done.imported == 2
    assert sorted((e.description, e.amount_cents) for e in Expense.select()) == [
        ('CARREFOUR CITY PARIS', 2340),
        ('SNCF BILLET', 4500),
    ]


def test_headers_in_another_language_are_mapped_from_the_values(alice, tmp_path) -> None:
    path = write(tmp_path, 'Fecha,Concepto,Importe\n2026-01-15,Panadería,3.20\n2026-01-16,Farmacia,12.95\n')
    report = run(alice, path)
    assert dict(report.source.mapping) == {'date': 'Fecha', 'amount': 'Importe', 'description': 'Concepto'}
    assert (report.new, report.total_cents) == (2, 1615)


def test_a_named_mapping_still_wins_over_the_guess(alice, tmp_path) -> None:
    path = write(tmp_path, 'Fecha,Concepto,Importe,Otro\n2026-01-15,Pan,3.20,9.99\n')
    report = run(alice, path, mapping={'date': 'Fecha', 'amount': 'Otro'})
    assert dict(report.source.mapping) == {'date': 'Fecha', 'amount': 'Otro'}
    assert report.total_cents == 999


SUBS = (
    'Date,Amount,Category,Subcategory,Description\n2026-01-15,3.20,Food,Bakery,Bread\n2026-01-16,40,Food,Market,Veg\n'
)


def test_a_subcategory_of_the_file_is_filed_under_an_existing_subcategory(alice, things, tmp_path) -> None:
    path = write(tmp_path, SUBS)
    report = run(alice, path)
    assert {(n.name, n.parent) for n in report.new_categories} == {('Bakery', 'Food'), ('Market', 'Food')}
    groceries = things['groceries']
    mapped = ImportOptions(subcategory_map=(('Food', 'Bakery', groceries.id),))
    report = run(alice, path, mapped)
    assert {(n.name, n.parent) for n in report.new_categories} == {('Market', 'Food')}
    before = Category.select().count()
    done = run(alice, path, ImportOptions(dry_run=False, subcategory_map=mapped.subcategory_map))
    assert done.imported == 2 and Category.select().count() == before + 1
    bread = Expense.get(Expense.description == 'Bread')
    assert (bread.category_id, bread.subcategory_id) == (things['food'].id, groceries.id)
    market = Category.get(Category.name == 'Market')
    assert Expense.get(Expense.description == 'Veg').subcategory_id == market.id
    assert market.parent_id == things['food'].id


def test_a_subcategory_may_go_to_a_top_category_and_under_a_mapped_parent(alice, things, tmp_path) -> None:
    path = write(tmp_path, SUBS.replace('Food', 'Alimentation'))
    mapping = ImportOptions(
        dry_run=False,
        category_map=(('Alimentation', things['food'].id),),
        subcategory_map=(
            ('Food', 'Bakery', things['restaurants'].id),
            ('alimentation', 'market', things['transport'].id),
        ),
    )
    run(alice, path, mapping)
    bread, veg = Expense.get(Expense.description == 'Bread'), Expense.get(Expense.description == 'Veg')
    assert (bread.category_id, bread.subcategory_id) == (things['food'].id, things['restaurants'].id)
    assert (veg.category_id, veg.subcategory_id) == (things['transport'].id, None)
    assert not Category.select().where(Category.name.in_(['Bakery', 'Market', 'Alimentation'])).exists()


def test_a_subcategory_cannot_be_mapped_to_someone_elses_category(alice, things, tmp_path) -> None:
    stranger = make_user('mallory')
    theirs = Category.create(owner=stranger, name='Secret')
    path = write(tmp_path, SUBS)
    with pytest.raises(NotFound):
        run(alice, path, ImportOptions(subcategory_map=(('Food', 'Bakery', theirs.id),)))


TYPED = (
    'Date,Amount,Description,Type\n'
    '2026-01-15,3.20,Bread,expense\n'
    '2026-01-16,2000,Salary,income\n'
    '2026-01-17,500,To savings,transfer\n'
)


def test_the_type_column_skips_what_the_person_chose(alice, tmp_path) -> None:
    path = write(tmp_path, TYPED)
    report = run(alice, path)
    assert report.source.skip_types == ('income', 'transfer')
    assert (report.new, dict(report.skipped)) == (1, {'income': 1, 'transfer': 1})
    report = run(alice, path, skip_types=('income',))
    assert report.source.skip_types == ('income',)
    assert (report.new, dict(report.skipped), report.total_cents) == (2, {'income': 1}, 50320)
    report = run(alice, path, skip_types=())
    assert (report.new, report.skipped) == (3, ())


def test_a_currency_column_keeps_each_rows_currency_and_counts_it_converted(alice, tmp_path) -> None:
    from app.models import MissingRate
    from app.services import rates

    admin = make_user('root', admin=True)
    rates.set_rate(admin, 'USD', '1.25', '2026-01-15')  # none for February: that row waits for its rate
    path = write(
        tmp_path,
        'date,amount,currency,description\n'
        '2026-01-15,50.00,usd,Hotel\n'
        '2026-01-16,12.00,EUR,Bakery\n'
        '2026-02-20,10.00,USD,Museum\n'
        '2026-01-17,3.00,XYZ,Nowhere\n',
    )
    report = run(alice, path)
    assert report.new == 3 and [(p.row_number, p.column) for p in report.invalid] == [(5, 'currency')]
    assert run(alice, path, ImportOptions(dry_run=False, skip_invalid=True)).imported == 3
    stored = {e.description: (e.currency, e.original_cents, e.amount_cents) for e in Expense.select()}
    assert stored['Hotel'] == ('USD', 5000, 4000)  # 50 $ at 1.25 $ per euro: 40 €
    assert stored['Bakery'] == ('EUR', 1200, 1200)  # the owner's own currency: nothing to convert
    assert stored['Museum'][:2] == ('USD', 1000)
    museum = Expense.get(Expense.description == 'Museum')
    assert MissingRate.select().where(MissingRate.expense == museum.id).exists()
    # the same file again: every row is recognised, in its own currency
    again = run(alice, path)
    assert (again.new, again.duplicates) == (0, 3)
