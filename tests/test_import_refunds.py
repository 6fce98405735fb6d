"""Money in, in a file of spending (issue 16, item 2): a refund is taken off the purchase of the file it pays
back, money in that refunds nothing is skipped and listed, and both stay right when the file (or a later,
overlapping one) is imported again. Through `import_file`, the service the page, the API and the CLI call."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.models import Expense
from app.services import import_file, import_history
from app.services.errors import Invalid
from app.services.import_refunds import shop_key
from app.services.import_types import ImportOptions

pytestmark = pytest.mark.usefixtures('database')

DRY = ImportOptions()
COMMIT = ImportOptions(dry_run=False)
BANK = (
    'Date;Libellé;Montant\n'
    '02/03/2026;CB AMAZON EU 02/03;-80,00\n'
    '03/03/2026;CB CARREFOUR CITY;-23,40\n'
    '05/03/2026;VIR SALAIRE ACME;2 100,00\n'
    '09/03/2026;REMB AMAZON EU;30,00\n'
)


def write(tmp_path: Path, text: str, name: str = 'bank.csv') -> Path:
    path = tmp_path / name
    path.write_text(text, encoding='utf-8')
    return path


def run(user, path: Path, options: ImportOptions = DRY, **choices):
    if '/' in path.read_text(encoding='utf-8'):  # these bank files write day/month/year, all days under 13
        choices.setdefault('date_format', '%d/%m/%Y')
    return import_file.import_file(user, path, path.name, options, **choices)


def amounts() -> list[tuple[str, int]]:
    return sorted((e.description, e.amount_cents) for e in Expense.select())


def test_shop_keys_pair_a_refund_with_its_purchase() -> None:
    assert shop_key('CB CARREFOUR 12/03') == shop_key('REMB. Carrefour') == 'carrefour'
    assert shop_key('Avoir Décathlon n°1234') == shop_key('PAIEMENT CB DECATHLON') == 'decathlon'
    assert shop_key('12/03 1234') == ''


def test_a_refund_is_taken_off_its_purchase_and_salary_is_skipped(alice, tmp_path) -> None:
    path = write(tmp_path, BANK)
    report = run(alice, path)
    assert (report.rows, report.new, report.refunds_deducted, dict(report.skipped)) == (4, 2, 1, {'refund': 1})
    assert report.total_cents == 5000 + 2340
    fates = [(r.row_number, r.status, r.purchase_row, r.purchase_before, r.purchase_after) for r in report.refunds]
    assert fates == [(4, 'unmatched', None, 0, 0), (5, 'deducted', 2, 8000, 5000)]
    run(alice, path, COMMIT)
    assert amounts() == [('CB AMAZON EU 02/03', 5000), ('CB CARREFOUR CITY', 2340)]
    again = run(alice, path)
    assert (again.new, again.duplicates, again.to_import) == (0, 2, 0)


def test_a_purchase_refunded_in_full_is_not_imported_not_even_the_second_time(alice, tmp_path) -> None:
    path = write(tmp_path, BANK.replace('30,00', '80,00'))
    report = run(alice, path, COMMIT)
    assert (report.imported, dict(report.skipped)) == (1, {'refund': 1, 'refunded': 1})
    assert amounts() == [('CB CARREFOUR CITY', 2340)]
    again = run(alice, path)
    assert (again.new, again.duplicates, again.to_import, dict(again.skipped)) == (
        0,
        1,
        0,
        {'refund': 1, 'refunded': 1},
    )


def test_skip_leaves_the_purchases_whole(alice, tmp_path) -> None:
    path = write(tmp_path, BANK)
    report = run(alice, path, ImportOptions(dry_run=False, refunds='skip'))
    assert (report.refunds_deducted, dict(report.skipped), report.refunds_mode) == (0, {'refund': 2}, 'skip')
    assert [r.status for r in report.refunds] == ['skipped', 'skipped']
    assert amounts() == [('CB AMAZON EU 02/03', 8000), ('CB CARREFOUR CITY', 2340)]
    with pytest.raises(Invalid) as error:
        run(alice, path, ImportOptions(refunds='net'))
    assert error.value.field == 'refunds'


def test_a_refund_before_its_purchase_or_larger_than_it_refunds_nothing(alice, tmp_path) -> None:
    text = (
        'Date;Libellé;Montant\n'
        '01/03/2026;REMB FNAC;10,00\n'
        '02/03/2026;CB FNAC;-20,00\n'
        '03/03/2026;REMB FNAC;25,00\n'
        '04/03/2026;CB DARTY;-20,00\n'
        '20/09/2026;REMB DARTY;5,00\n'
    )
    report = run(alice, write(tmp_path, text))
    assert [r.status for r in report.refunds] == ['unmatched', 'unmatched', 'unmatched']
    assert (report.new, report.total_cents) == (2, 4000)


def test_two_refunds_of_one_purchase_and_the_latest_purchase_first(alice, tmp_path) -> None:
    text = (
        'Date;Libellé;Montant\n'
        '01/03/2026;CB ZARA;-50,00\n'
        '05/03/2026;CB ZARA;-40,00\n'
        '06/03/2026;AVOIR ZARA;15,00\n'
        '07/03/2026;AVOIR ZARA;25,00\n'
    )
    report = run(alice, write(tmp_path, text), COMMIT)
    assert [(r.purchase_row, r.purchase_before, r.purchase_after) for r in report.refunds] == [
        (3, 4000, 2500),
        (3, 2500, 0),
    ]
    assert amounts() == [('CB ZARA', 5000)]


def test_a_later_file_with_the_refund_does_not_import_its_purchase_twice(alice, tmp_path) -> None:
    first = write(tmp_path, 'Date;Libellé;Montant\n02/03/2026;CB AMAZON EU;-80,00\n', 'february.csv')
    run(alice, first, COMMIT)
    later = write(tmp_path, 'Date;Libellé;Montant\n02/03/2026;CB AMAZON EU;-80,00\n09/03/2026;REMB AMAZON EU;30,00\n')
    report = run(alice, later)
    assert (report.new, report.duplicates, report.refunds_deducted) == (0, 1, 0)
    assert [(r.status, r.purchase_row) for r in report.refunds] == [('recorded', 2)]
    assert dict(report.skipped) == {'refund': 1}


def test_credit_columns_are_money_in_too_and_undo_takes_all_back(alice, tmp_path) -> None:
    text = 'Date,Description,Debit,Credit\n2026-03-02,SHOP X,19.99,\n2026-03-04,SHOP X refund,,4.99\n'
    report = run(alice, write(tmp_path, text), COMMIT)
    assert (report.imported, report.total_cents, report.refunds_deducted) == (1, 1500, 1)
    import_history.undo_import(alice, report.import_id)
    assert Expense.select().count() == 0


def test_the_cli_lists_money_in_and_takes_refunds_skip(tmp_path, alice) -> None:
    import os
    import subprocess
    import sys

    from app.config import get_settings
    from app.db import close_database, open_database
    from app.migrations import run_migrations
    from tests.conftest import test_environment as environment_of

    root = Path(__file__).resolve().parents[1]
    path = write(tmp_path, BANK)
    env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'HOME': str(tmp_path), 'LANG': 'en_US.UTF-8'}
    env.update(environment_of(tmp_path))

    def manage(*args: str) -> str:
        close_database()
        done = subprocess.run([sys.executable, 'manage.py', *args], cwd=root, env=env, capture_output=True, text=True)
        open_database(get_settings().database_url)
        run_migrations()
        assert done.returncode == 0, done.stderr
        return done.stdout

    common = ('import', 'file', '--file', str(path), '--username', 'alice', '--date-format', '%d/%m/%Y')
    out = manage(*common, '--dry-run')
    assert '2 rows of money in (1 taken off the purchase they refund):' in out
    assert '  row 5: 2026-03-09 +30.00 "REMB AMAZON EU" -> row 2: 80.00 -> 50.00' in out
    out = manage(*common, '--refunds', 'skip')
    assert 'Imported 2 expenses, total 103.40' in out
    assert amounts() == [('CB AMAZON EU 02/03', 8000), ('CB CARREFOUR CITY', 2340)]
