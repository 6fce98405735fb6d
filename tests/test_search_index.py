"""The search index by household (issue 18, migration 16): the full-text index knows whose expense each row is,
so a common word costs the household's matches, not every household's; the query starts from those matches;
the count, total and page come from one query; and PostgreSQL searches the same way through its own index.

Speed itself is measured in bench/search.py (docs/PERFORMANCE.md); these tests pin what makes it fast (the
index's content and the query plan) and that the results stay right."""

from __future__ import annotations

import pytest
from peewee import fn

from app.db import db, is_postgres
from app.migrations import v0012_tags_and_search, v0016_search_by_household, v0021_search_owned_postgres
from app.models import Expense
from app.services import expense_search, expenses, search_postgres
from app.services.expense_search import parse_filters
from tests.builders import add, basics, link, make_user

pytestmark = pytest.mark.usefixtures('database')


@pytest.fixture
def sqlite_index(database) -> None:
    if is_postgres():
        pytest.skip('the FTS5 index is SQLite; PostgreSQL has its own test below')


def fts_ids(query: str) -> set[int]:
    return {row[0] for row in db.execute_sql('SELECT rowid FROM expense_fts WHERE expense_fts MATCH ?', (query,))}


def check_index() -> None:
    db.execute_sql("INSERT INTO expense_fts (expense_fts, rank) VALUES ('integrity-check', 1)")


def descriptions(user, sort: str = '-date', offset: int = 0, limit: int | None = None, **values) -> list[str]:
    page = expenses.list_expenses(
        user, None, filters=parse_filters(user, values), sort=sort, offset=offset, limit=limit
    )
    return [e.description for e in page.expenses]


@pytest.fixture
def households(alice, things):
    """alice and bob share; eve is a stranger. Each has pizzas."""
    bob, eve = make_user('bob'), make_user('eve')
    link(alice, bob)
    eve_things = basics(eve)
    mine = [add(alice, things, date=f'2025-0{n}-01', amount=f'{n}.00', description=f'Pizza {n}') for n in (1, 2, 3)]
    add(bob, things, date='2024-06-01', amount='9.00', description='Pizza de Bob', place='Napoli')
    strangers = [add(eve, eve_things, description='Pizza chez Eve') for _ in range(3)]
    return {'alice': alice, 'bob': bob, 'eve': eve, 'mine': mine, 'strangers': strangers}


@pytest.mark.usefixtures('sqlite_index')
def test_the_index_answers_a_word_with_the_households_matches_only(households) -> None:
    alice, eve = households['alice'], households['eve']
    every = fts_ids('"pizza"*')
    assert len(every) == 7
    ours = fts_ids(expense_search._fts_match('pizza', [alice.id, households['bob'].id]))
    assert ours == {e.id for e in households['mine']} | (every - {e.id for e in households['strangers']})
    assert fts_ids(expense_search._fts_match('pizza', [eve.id])) == {e.id for e in households['strangers']}
    assert fts_ids(expense_search._fts_match('napoli', [alice.id])) == set()  # bob's place, not alice's
    # the owner's number is only matched as the owner: a description "1" is no owner
    assert fts_ids(expense_search._fts_match(str(alice.id), [eve.id])) == set()


@pytest.mark.usefixtures('sqlite_index')
def test_the_index_follows_a_change_of_owner(households) -> None:
    alice, eve = households['alice'], households['eve']
    moved = households['mine'][0]
    Expense.update(owner=eve.id).where(Expense.id == moved.id).execute()
    check_index()
    assert moved.id in fts_ids(expense_search._fts_match('pizza', [eve.id]))
    assert moved.id not in fts_ids(expense_search._fts_match('pizza', [alice.id]))
    assert 'Pizza 1' not in descriptions(alice, search='pizza')


@pytest.mark.usefixtures('sqlite_index')
def test_a_search_starts_from_its_matches_not_from_the_households_rows(households) -> None:
    """The plan that makes a common word fast: the matches (already the household's) are read by their ids;
    the owners' index, which would walk every expense of the household, is not used."""
    alice = households['alice']
    for values in ({'search': 'pizza'}, {'search': 'pizza 2025 1..5'}, {'search': 'pizza', 'from': '2025-01-01'}):
        conditions = expense_search._conditions(alice, parse_filters(alice, values))
        sql, params = Expense.select(Expense.id).where(*conditions).sql()
        plan = ' | '.join(row[3] for row in db.execute_sql(f'EXPLAIN QUERY PLAN {sql}', params))
        assert 'INTEGER PRIMARY KEY' in plan and 'expense_fts' in plan, plan
        assert 'expense_owner_id' not in plan, plan
    # without a word, the owners' index is what narrows (the month view, a filter)
    conditions = expense_search._conditions(alice, parse_filters(alice, {'from': '2025-01-01'}))
    sql, params = Expense.select(Expense.id).where(*conditions).sql()
    plan = ' | '.join(row[3] for row in db.execute_sql(f'EXPLAIN QUERY PLAN {sql}', params))
    assert 'expense_owner_id' in plan, plan


def test_count_total_and_page_of_a_search_in_every_sort_and_past_the_end(households) -> None:
    alice = households['alice']
    page = expenses.list_expenses(alice, None, filters=parse_filters(alice, {'search': 'pizza'}), limit=2)
    assert (page.count, page.total_cents, len(page.expenses)) == (4, 1500, 2)
    assert descriptions(alice, search='pizza') == ['Pizza 3', 'Pizza 2', 'Pizza 1', 'Pizza de Bob']
    assert descriptions(alice, sort='amount', search='pizza') == ['Pizza 1', 'Pizza 2', 'Pizza 3', 'Pizza de Bob']
    assert descriptions(alice, sort='-amount', limit=1, offset=1, search='pizza') == ['Pizza 3']
    assert descriptions(alice, sort='created_by', search='pizza')[-1] == 'Pizza de Bob'
    assert descriptions(alice, sort='-description', limit=2, search='pizza') == ['Pizza de Bob', 'Pizza 3']
    beyond = expenses.list_expenses(alice, None, filters=parse_filters(alice, {'search': 'pizza'}), offset=10, limit=5)
    assert (beyond.count, beyond.total_cents, beyond.expenses) == (4, 1500, ())  # the count, though no row
    nothing = expenses.list_expenses(alice, None, filters=parse_filters(alice, {'search': 'zzyzx'}), limit=5)
    assert (nothing.count, nothing.total_cents, nothing.expenses) == (0, 0, ())


def test_a_strangers_words_and_names_never_reach_a_search(households) -> None:
    alice, eve = households['alice'], households['eve']
    assert descriptions(alice, search='eve') == []
    assert descriptions(alice, search='chez') == []
    assert descriptions(eve, search='pizza') == ['Pizza chez Eve'] * 3
    assert descriptions(eve, search='napoli') == []
    assert descriptions(alice, search='napoli') == ['Pizza de Bob']
    assert descriptions(alice, search='bob pizza') == ['Pizza de Bob']


def descriptions_mine(user, **values) -> list[str]:
    page = expenses.list_expenses(user, None, filters=parse_filters(user, values, scope='mine'))
    return [e.description for e in page.expenses]


def test_the_scope_mine_narrows_the_index_to_the_user(households) -> None:
    assert descriptions_mine(households['alice'], search='pizza') == ['Pizza 3', 'Pizza 2', 'Pizza 1']
    assert descriptions_mine(households['bob'], search='pizza') == ['Pizza de Bob']


@pytest.mark.usefixtures('sqlite_index')
def test_a_database_with_the_index_of_migration_12_is_rebuilt_by_migration_16(alice, things) -> None:
    """An installation updated from schema 12-15 has the old index (no owner); migration 16 replaces it, its
    rows included, and the searches find what they found."""
    kept = add(alice, things, description='Boulangerie', place='Lyon')
    for name in ('insert', 'delete', 'update'):
        db.execute_sql(f'DROP TRIGGER expense_fts_after_{name}')
    db.execute_sql('DROP TABLE expense_fts')
    v0012_tags_and_search.apply()
    columns = [row[1] for row in db.execute_sql('PRAGMA table_info(expense_fts)')]
    assert columns == ['description', 'place']
    v0016_search_by_household.apply()
    columns = [row[1] for row in db.execute_sql('PRAGMA table_info(expense_fts)')]
    assert columns == ['description', 'place', 'owner_id']
    check_index()
    assert fts_ids(expense_search._fts_match('lyon', [alice.id])) == {kept.id}
    assert descriptions(alice, search='boulang lyon') == ['Boulangerie']
    v0012_tags_and_search.apply()  # a late migration 12 (they run in any order) leaves the new index alone
    assert [row[1] for row in db.execute_sql('PRAGMA table_info(expense_fts)')][-1] == 'owner_id'
    check_index()


def test_the_postgresql_documents_are_the_ones_the_migrations_index() -> None:
    """The planner uses an expression index only for the very same expression."""
    assert search_postgres.PG_DOCUMENT == v0016_search_by_household.PG_DOCUMENT
    assert search_postgres.PG_OWNED_DOCUMENT == v0021_search_owned_postgres.PG_OWNED_DOCUMENT


def postgres_plan(user, values: dict) -> str:
    """The plan of a search as the page asks it (count, total and page in one query), with sequential scans
    off: the test database holds a few rows, and only then does the planner take an index."""
    conditions = expense_search._conditions(user, parse_filters(user, values))
    sql, params = Expense.select(Expense.id, fn.COUNT(Expense.id).over()).where(*conditions).limit(25).sql()
    with db.atomic():
        db.execute_sql('SET LOCAL enable_seqscan = off')
        return ' '.join(row[0] for row in db.execute_sql(f'EXPLAIN {sql}', params))


def test_postgresql_searches_words_through_its_index_by_household(households) -> None:
    """Migration 21: the word and the household are both asked of the GIN index, so a search reads its
    matches only, never the owners' b-tree (every expense of the household) nor the table."""
    if not is_postgres():
        pytest.skip('PostgreSQL only (the suite runs on it too)')
    alice = households['alice']
    assert descriptions(alice, search='PIZ') == ['Pizza 3', 'Pizza 2', 'Pizza 1', 'Pizza de Bob']
    assert descriptions(alice, search='izza') == []  # the start of a word, as FTS5's prefixes
    assert descriptions(alice, search='napoli') == ['Pizza de Bob']  # the place, of a linked user
    assert descriptions(households['eve'], search='pizza') == ['Pizza chez Eve'] * 3

    # the owner's lexeme is no word: a word such as "1" (as the search asks it) finds the texts' 1 only
    def ids(document: str, word: str) -> set[int]:
        query = f"SELECT id FROM expense WHERE {document} @@ to_tsquery('simple', %s)"
        return {row[0] for row in db.execute_sql(query, (f'{word}:*',)).fetchall()}

    for user in (alice, households['bob'], households['eve']):
        word = str(user.id)
        assert ids(search_postgres.PG_OWNED_DOCUMENT, word) == ids(search_postgres.PG_DOCUMENT, word)
    for values in ({'search': 'pizza'}, {'search': 'pizza food'}, {'search': 'pizza', 'has_receipt': 'false'}):
        plan = postgres_plan(alice, values)
        assert 'expense_search_owned' in plan, plan
        assert 'expense_owner_id' not in plan and 'Seq Scan on expense ' not in plan, plan
    # without a word, the owners' index narrows (the month view, a filter)
    assert 'expense_owner_id' in postgres_plan(alice, {'from': '2025-01-01'})
    indexes = {row[0] for row in db.execute_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'expense'")}
    assert 'expense_search_owned' in indexes and 'expense_search_document' not in indexes  # 21 replaced 16's


def test_postgresql_finds_a_word_in_names_and_tags_on_the_same_row(households, things) -> None:
    """A word's other matches (category, payment method, creator, tag) are ORed on the row itself."""
    if not is_postgres():
        pytest.skip('PostgreSQL only (the suite runs on it too)')
    alice, bob = households['alice'], households['bob']
    add(alice, things, date='2025-05-01', amount='23.00', description='Train', tags=['vacances'])
    assert descriptions(alice, search='vacances') == ['Train']
    assert descriptions(alice, search='vacances train') == ['Train']
    assert descriptions(alice, search='bob') == ['Pizza de Bob']  # the creator's name
    assert descriptions(bob, search='vacances') == ['Train']  # a linked user's tag
    assert descriptions(households['eve'], search='vacances') == []
    assert descriptions(alice, search='23') == ['Train']  # a number: an amount, or a word
    assert descriptions(alice, search='23 vacances') == ['Train']
    plan = postgres_plan(alice, {'search': 'vacances'})
    assert 'expense_search_owned' in plan and 'expense_pkey' in plan, plan


def test_accents_and_case_are_folded_alike_in_the_text_and_the_word(alice, things) -> None:
    add(alice, things, description='ÉCOLE Crêperie', place='Ñandú')
    assert descriptions(alice, search='ecole') == ['ÉCOLE Crêperie']
    assert descriptions(alice, search='CRÊPE') == ['ÉCOLE Crêperie']
    assert descriptions(alice, search='nandu') == ['ÉCOLE Crêperie']


def test_a_search_total_leaves_out_an_expense_waiting_for_its_rate(households) -> None:
    """Issue 20: listed, but not added while its exchange rate is missing, in the one-query count and total."""
    from app.models import MissingRate

    alice = households['alice']
    waiting = households['mine'][2]  # Pizza 3, 3.00
    MissingRate.create(expense=waiting.id, currency='USD', day=waiting.date)
    page = expenses.list_expenses(alice, None, filters=parse_filters(alice, {'search': 'pizza'}), limit=2)
    assert (page.count, page.total_cents) == (4, 1200)
    assert [e.description for e in page.expenses] == ['Pizza 3', 'Pizza 2']
