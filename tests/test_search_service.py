"""Search and filters over all time (issue 18): each filter alone and together, across months and linked users,
the full-text index kept in sync by every write, and bad input answered with a message, never a crash."""

from __future__ import annotations

import pytest

from app.db import db, is_postgres
from app.models import Expense
from app.services import expenses, links
from app.services.errors import Invalid, NotFound
from app.services.expense_search import ExpenseFilters, parse_filters
from app.services.months import Month
from app.services.search_postgres import PG_DOCUMENT
from tests.builders import add, basics, link, make_user

pytestmark = pytest.mark.usefixtures('database')


def found(user, **values) -> list[str]:
    """Descriptions of what a search with these filters (query-parameter names) finds, over all time."""
    filters = parse_filters(user, {k.replace('date_', ''): v for k, v in values.items()})
    return sorted(e.description for e in expenses.list_expenses(user, None, filters=filters).expenses)


@pytest.fixture
def world(alice, things):
    """alice's expenses over two years, with places and tags."""
    add(alice, things, amount='15.99', date='2024-12-05', description='Netflix', place='Online', tags=['abo'])
    add(alice, things, amount='15.99', date='2025-12-05', description='Netflix', place='Online', tags=['abo'])
    add(alice, things, amount='42.00', date='2025-03-10', description='Déjeuner au café', place='Crêperie Élysée')
    add(
        alice,
        things,
        amount='12.50',
        date='2025-03-20',
        description='Ticket',
        category_id=things['transport'].id,
        payment_method_id=things['cash'].id,
        tags=['Vacances', 'train'],
    )
    add(alice, things, amount='80.00', date='2026-01-02', description='Courses', subcategory_id=things['groceries'].id)
    return things


def test_a_word_is_found_in_every_month_and_in_every_field(alice, world) -> None:
    assert found(alice, search='netflix') == ['Netflix', 'Netflix']  # two years, one search
    assert found(alice, search='online') == ['Netflix', 'Netflix']  # the place
    assert found(alice, search='vacances') == ['Ticket']  # a tag
    assert found(alice, search='transport') == ['Ticket']  # the category
    assert found(alice, search='groceries') == ['Courses']  # the subcategory
    assert found(alice, search='cash') == ['Ticket']  # the payment method
    assert len(found(alice, search='alice')) == 5  # the creator


def test_case_accents_and_prefixes_are_ignored(alice, world) -> None:
    assert found(alice, search='CAFE') == ['Déjeuner au café']
    assert found(alice, search='dejeu') == ['Déjeuner au café']
    assert found(alice, search='elysee creperie') == ['Déjeuner au café']  # both words, any order
    assert found(alice, search='vacan') == ['Ticket']
    assert found(alice, search='Nétflïx') == ['Netflix', 'Netflix']
    assert found(alice, search='netflix train') == []  # every word must match


def test_amounts_and_dates_in_the_search_box(alice, world) -> None:
    assert found(alice, search='>50') == ['Courses']
    assert found(alice, search='<13') == ['Ticket']
    assert found(alice, search='12,50') == ['Ticket']
    assert found(alice, search='12.50') == ['Ticket']
    assert found(alice, search='15..42') == ['Déjeuner au café', 'Netflix', 'Netflix']
    assert found(alice, search='2025') == ['Déjeuner au café', 'Netflix', 'Ticket']
    assert found(alice, search='2025-03') == ['Déjeuner au café', 'Ticket']
    assert found(alice, search='since:2025-12-01') == ['Courses', 'Netflix']
    assert found(alice, search='until:2024') == ['Netflix']
    assert found(alice, search='netflix 2025') == ['Netflix']
    assert found(alice, search='>=15.99 <=15.99 since:2025') == ['Netflix']


def test_each_filter_alone(alice, world) -> None:
    assert found(alice, date_from='2025-12-01') == ['Courses', 'Netflix']
    assert found(alice, date_to='2024-12-31') == ['Netflix']
    assert found(alice, category_id=world['transport'].id) == ['Ticket']
    assert found(alice, category_id=world['food'].id) == ['Courses', 'Déjeuner au café', 'Netflix', 'Netflix']
    assert found(alice, category_id=world['groceries'].id) == ['Courses']
    assert found(alice, payment_method_id=world['cash'].id) == ['Ticket']
    assert found(alice, tag='ABO') == ['Netflix', 'Netflix']
    assert found(alice, tag='vacances') == ['Ticket']
    assert found(alice, min='42') == ['Courses', 'Déjeuner au café']
    assert found(alice, max='13,00') == ['Ticket']
    assert len(found(alice, created_by='alice')) == 5
    assert len(found(alice, created_by=str(alice.id))) == 5
    assert len(found(alice, has_receipt='false')) == 5


def test_filters_combined_with_each_other_and_with_a_search(alice, world) -> None:
    assert found(alice, search='netflix', date_from='2025-01-01', date_to='2025-12-31') == ['Netflix']
    assert found(alice, category_id=world['food'].id, min='20', max='50') == ['Déjeuner au café']
    assert found(alice, tag='abo', search='2024') == ['Netflix']
    assert found(alice, payment_method_id=world['card'].id, search='ticket') == []
    assert found(alice, search='>10', tag='train', created_by='alice', date_from='2025-03-01') == ['Ticket']


def test_the_count_and_total_cover_every_match_not_just_the_page(alice, world) -> None:
    filters = parse_filters(alice, {'search': 'alice'})
    page = expenses.list_expenses(alice, None, filters=filters, limit=2)
    assert page.count == 5 and len(page.expenses) == 2
    assert page.total_cents == 1599 * 2 + 4200 + 1250 + 8000
    assert page.month == 'all'


def test_a_month_with_a_search_stays_in_the_month(alice, world) -> None:
    filters = parse_filters(alice, {'search': 'netflix'}, month=Month(2025, 12))
    page = expenses.list_expenses(alice, None, filters=filters)
    assert page.count == 1 and page.month == '2025-12'
    assert not ExpenseFilters(month=Month(2025, 12)).narrowed and filters.narrowed


def test_linked_users_expenses_are_found_and_strangers_never(alice, world) -> None:
    bob, eve = make_user('bob'), make_user('eve')
    bob_things, eve_things = basics(bob), basics(eve)
    link(alice, bob)
    add(bob, bob_things, description='Netflix de Bob', date='2023-06-01', tags=['abo'])
    add(eve, eve_things, description='Netflix de Eve', date='2025-06-01', tags=['abo'])
    assert found(alice, search='netflix') == ['Netflix', 'Netflix', 'Netflix de Bob']
    assert found(alice, tag='abo') == ['Netflix', 'Netflix', 'Netflix de Bob']
    assert found(alice, search='bob') == ['Netflix de Bob']  # bob as the creator, and the word
    assert found(eve, search='netflix') == ['Netflix de Eve']
    assert found(eve, search='alice') == []  # a stranger's name finds nothing of theirs
    with pytest.raises(NotFound):
        parse_filters(eve, {'category_id': world['food'].id})
    with pytest.raises(NotFound):
        parse_filters(eve, {'created_by': 'alice'})
    links.unlink(alice, 'bob')
    assert found(alice, search='netflix') == ['Netflix', 'Netflix']
    assert found(bob, search='netflix') == ['Netflix de Bob']


def fts_ids(word: str) -> set[int]:
    """What the text index finds for a word: FTS5 on SQLite, the `tsvector` document on PostgreSQL."""
    if is_postgres():
        query = f"SELECT id FROM expense WHERE {PG_DOCUMENT} @@ to_tsquery('simple', %s)"
        return {row[0] for row in db.execute_sql(query, (f'{word}:*',)).fetchall()}
    rows = db.execute_sql('SELECT rowid FROM expense_fts WHERE expense_fts MATCH ?', (f'"{word}"*',)).fetchall()
    return {row[0] for row in rows}


def check_index() -> None:
    """FTS5's own check: the index says exactly what the `expense` rows say (PostgreSQL keeps its own)."""
    if not is_postgres():
        db.execute_sql("INSERT INTO expense_fts (expense_fts, rank) VALUES ('integrity-check', 1)")


def test_the_full_text_index_follows_create_update_delete_and_undo(alice, things) -> None:
    expense = add(alice, things, description='Boulangerie', place='Lyon')
    assert fts_ids('boulang') == {expense.id} and fts_ids('lyon') == {expense.id}
    expenses.update_expense(alice, expense.id, {'description': 'Pâtisserie', 'amount': '3'})
    assert fts_ids('boulang') == set() and fts_ids('patis') == {expense.id}
    check_index()
    snapshot = expenses.delete_expense(alice, expense.id)
    assert fts_ids('patis') == set()
    check_index()
    restored = expenses.restore_expense(alice, snapshot)
    assert fts_ids('patis') == {restored.id} and found(alice, search='patisserie') == ['Pâtisserie']
    check_index()


def test_the_index_follows_imports_unlinks_and_deleted_users(alice, things) -> None:
    """Writes that do not go through create_expense (an import's bulk insert, an unlink that re-files, a
    user's deletion that cascades) keep the index right too: triggers on `expense` maintain it."""
    Expense.insert_many(
        [
            {
                'owner': alice.id,
                'amount_cents': 500,
                'date': '2020-01-01',
                'category': things['food'].id,
                'payment_method': things['card'].id,
                'description': f'Imported {n}',
                'place': '',
            }
            for n in range(3)
        ]
    ).execute()
    assert found(alice, search='imported') == ['Imported 0', 'Imported 1', 'Imported 2']
    bob = make_user('bob')
    link(alice, bob)
    add(bob, things, description='Bob ski pass')  # filed under alice's Food
    links.unlink(alice, 'bob')  # bob's expense moves to bob's copy of Food
    assert found(bob, search='ski') == ['Bob ski pass'] and found(alice, search='ski') == []
    check_index()
    Expense.delete().where(Expense.owner == bob.id).execute()  # type: ignore[misc]  # types-peewee
    assert fts_ids('ski') == set()
    check_index()


def test_without_the_index_the_same_words_are_found(alice, world) -> None:
    """A database built from the models alone (no migration 12) searches the columns instead (case folded;
    accents only through the names, which are folded in Python)."""
    if is_postgres():
        pytest.skip('a SQLite database without its FTS5 table; PostgreSQL always has its expression')
    db.execute_sql('DROP TABLE expense_fts')
    for name in ('insert', 'delete', 'update'):
        db.execute_sql(f'DROP TRIGGER expense_fts_after_{name}')
    assert found(alice, search='netflix') == ['Netflix', 'Netflix']
    assert found(alice, search='ONLINE') == ['Netflix', 'Netflix']
    assert found(alice, search='vacances') == ['Ticket']


@pytest.mark.parametrize(
    'search',
    ['"', '"netflix', 'netflix*', '*', 'NEAR(netflix ticket)', 'netflix NEAR ticket', '-netflix', 'a OR b', '^x', ':'],
)
def test_full_text_syntax_in_a_search_is_only_text(alice, world, search) -> None:
    filters = parse_filters(alice, {'search': search})
    expenses.list_expenses(alice, None, filters=filters)  # never an FTS syntax error


def test_fts_operators_have_no_power(alice, world) -> None:
    assert found(alice, search='"netflix"') == ['Netflix', 'Netflix']
    assert found(alice, search='-netflix') == ['Netflix', 'Netflix']  # the minus is no exclusion
    assert found(alice, search='netflix OR ticket') == []  # OR is a word like any other


@pytest.mark.parametrize(
    ('values', 'field', 'words'),
    [
        ({'search': 'x' * 10_000}, 'search', '10000 characters'),
        ({'search': '20..10'}, 'search', 'upside down'),
        ({'search': '>50 <10'}, 'search', 'both over and under'),
        ({'search': 'since:2026 until:2025'}, 'search', 'ends before it starts'),
        ({'search': 'since:tomorrow'}, 'search', 'needs a date'),
        ({'search': '2025-02-30'}, 'search', 'is not a date'),
        ({'min': '20', 'max': '10'}, 'min', 'upside down'),
        ({'from': '2026-02-01', 'to': '2026-01-01'}, 'from', 'upside down'),
        ({'min': 'lots'}, 'min', 'amount'),
        ({'from': '31/31/2025'}, 'from', ''),
        ({'has_receipt': 'maybe'}, 'has_receipt', 'true or false'),
        ({'category_id': 'x'}, 'category_id', 'whole number'),
        ({'tag': 'a,b'}, 'tag', 'comma'),
    ],
)
def test_bad_filters_are_refused_with_a_message_naming_the_field(alice, world, values, field, words) -> None:
    with pytest.raises(Invalid) as refused:
        parse_filters(alice, values)
    assert refused.value.field == field
    assert words in refused.value.message


def test_a_literal_sign_is_looked_for_as_text(alice, things) -> None:
    add(alice, things, description='Remise 10%')
    add(alice, things, description='Plein')
    assert found(alice, search='%') == ['Remise 10%']


def test_with_or_without_a_receipt(alice, things) -> None:
    from app.models import Receipt

    kept = add(alice, things, description='With a receipt')
    add(alice, things, description='Without')
    gone = add(alice, things, description='Receipt set aside')
    Receipt.create(expense_id=kept.id, sha256='a' * 64, content_type='image/jpeg', size=10)
    Receipt.create(expense_id=gone.id, sha256='b' * 64, content_type='image/jpeg', size=10, deleted_at=kept.created_at)
    assert found(alice, has_receipt='true') == ['With a receipt']
    assert found(alice, has_receipt='no') == ['Receipt set aside', 'Without']
