"""Export -> import into an empty account -> export gives the same file (issue 16), for our CSV and XLSX
(in English and in French); the same file again imports nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from app.models import Category, Expense, PaymentMethod, User
from app.services import exports
from app.services.import_file import import_file
from app.services.import_types import ImportOptions
from tests.builders import add, basics, make_user

pytestmark = pytest.mark.usefixtures('database')


def spend(user: User) -> None:
    t = basics(user)
    add(
        user,
        t,
        amount='12.50',
        date='2026-01-15',
        description='Weekly shop at Marché',
        subcategory_id=t['groceries'].id,
    )
    add(
        user,
        t,
        amount='12.50',
        date='2026-01-15',
        description='Weekly shop at Marché',
        subcategory_id=t['groceries'].id,
    )
    add(user, t, amount='3.20', date='2026-01-16', description='', payment_method_id=t['cash'].id)
    add(user, t, amount='1234.56', date='2025-12-31', description='=cmd|"/c calc"!A0, "quoted"; semi')
    add(
        user,
        t,
        amount='48.00',
        date='2026-02-01',
        description='<img src=x onerror=alert(1)>',
        category_id=t['transport'].id,
        latitude=48.8566,
        longitude=2.3522,
    )


def empty(user: User) -> None:
    """The account as new: no expenses, categories or payment methods."""
    Expense.delete().where(Expense.owner == user.id).execute()
    Category.delete().where(Category.owner == user.id, Category.parent.is_null(False)).execute()
    Category.delete().where(Category.owner == user.id).execute()
    PaymentMethod.delete().where(PaymentMethod.owner == user.id).execute()


def csv_of(user: User) -> bytes:
    target = io.BytesIO()
    exports.write_csv(user, None, target)
    return target.getvalue()


def test_csv_round_trip_is_identical(tmp_path: Path) -> None:
    alice = make_user('alice')
    spend(alice)
    before = csv_of(alice)
    path = tmp_path / 'expenses-all.csv'
    path.write_bytes(before)
    empty(alice)
    report = import_file(alice, path, path.name, ImportOptions(dry_run=False))
    assert report.source.preset == 'wis-csv'
    assert (report.imported, report.invalid_count, report.skipped) == (5, 0, ())
    assert csv_of(alice) == before
    again = import_file(alice, path, path.name, ImportOptions(dry_run=False))
    assert (again.imported, again.duplicates) == (0, 5)


@pytest.mark.parametrize('language', ['en', 'fr'])
def test_xlsx_round_trip_is_identical(tmp_path: Path, language: str) -> None:
    alice = make_user('alice')
    spend(alice)
    before = csv_of(alice)
    path = tmp_path / 'expenses-all.xlsx'
    exports.write_xlsx(alice, None, path, language=language)
    empty(alice)
    report = import_file(alice, path, path.name, ImportOptions(dry_run=False))
    assert report.source.preset == 'wis-xlsx'
    assert (report.imported, report.invalid_count) == (5, 0)
    assert csv_of(alice) == before
