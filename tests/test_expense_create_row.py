"""Issue 21, item 5: a save asks only for what a new expense can have (no receipt yet, its tags only when given,
its split only when recorded, its conversion only when foreign or split) and reuses what it read for its
checks. The row it answers is the row read back whole, in every case that skips something; and the few
statements it still sends are counted, so that a slower save shows here first."""

from __future__ import annotations

from datetime import date

import pytest

from app import prepared
from app.models import ApiToken, ExpenseShare, ExpenseSplit, MissingRate, User
from app.services import expenses, rates, splits, tokens
from tests.builders import basics, link, make_user
from tests.dialect import statements_of

pytestmark = pytest.mark.usefixtures('database')


@pytest.fixture
def world():
    admin = make_user('root', admin=True)
    alice, bob = make_user('alice'), make_user('bob')
    return admin, alice, bob, basics(alice)


def body(things: dict, **fields) -> dict:
    return {
        'amount': '12.34',
        'date': '2026-01-15',
        'category_id': things['food'].id,
        'payment_method_id': things['card'].id,
        'description': 'one <img src=x onerror=alert(1)> more',
        **fields,
    }


CASES = {
    'plain': {},
    'tags': {'tags': 'market, weekly'},
    'subcategory': {'subcategory_id': 'groceries'},
    'subcategory as category': {'category_id': 'groceries'},
    'location and place': {'latitude': '48.85', 'longitude': '2.35', 'place': 'Marché'},
    'known foreign rate': {'currency': 'USD'},
    'missing rate': {'currency': 'CHF'},
    'split with bob': {'split': {'mode': 'equal', 'members': ['alice', 'bob']}},
    'bob paid': {'paid_by': 'bob'},
    'bob paid in dollars, shared': {'paid_by': 'bob', 'currency': 'USD', 'split': {'mode': 'shares'}},
}


def _fields(case: str, things: dict, users: dict) -> dict:
    fields = dict(CASES[case])
    for name in ('category_id', 'subcategory_id'):
        if name in fields:
            fields[name] = things[fields[name]].id
    if 'paid_by' in fields:
        fields['paid_by'] = users[fields['paid_by']].id
    if 'split' in fields:
        split = dict(fields['split'])
        split.setdefault('members', ['alice', 'bob'])
        split['members'] = [users[name].id for name in split['members']]
        if split['mode'] == 'shares':
            split['parts'] = ['1', '2']
        fields['split'] = split
    return fields


@pytest.mark.parametrize('case', list(CASES))
@pytest.mark.parametrize('default_split', ['me', 'equal'])
@pytest.mark.parametrize('linked', [False, True])
def test_the_saved_row_is_the_row_read_back(world, case: str, default_split: str, linked: bool) -> None:
    admin, alice, bob, things = world
    rates.set_rate(admin, 'USD', '1.25', '2026-01-15')
    if linked:
        link(alice, bob)
    elif 'bob' in case:
        pytest.skip('bob is not linked to alice: nobody else may pay or share')
    splits.set_default_split(alice, default_split)
    saved = expenses.create_expense(alice, body(things, **_fields(case, things, {'alice': alice, 'bob': bob})))
    assert saved == expenses.get_expense(alice, saved.id)
    if case == 'known foreign rate':
        assert (saved.amount_cents, saved.counted_cents) == (1234, 987)
    if case == 'missing rate':
        assert saved.rate_missing and MissingRate.select().where(MissingRate.expense == saved.id).exists()
    shares = list(ExpenseShare.select().join(ExpenseSplit).where(ExpenseSplit.expense == saved.id))
    if 'split' in CASES[case] or 'paid_by' in CASES[case] or (linked and default_split == 'equal'):
        assert saved.split is not None or saved.paid_by != alice.id
        counted = saved.amount_cents if saved.rate_missing else saved.counted_cents  # a stand-in until the rate
        assert sum(share.share_cents for share in shares) == counted
    else:
        assert saved.split is None and saved.paid_by == alice.id and not shares


def test_a_plain_save_is_four_selects_and_an_insert(world) -> None:
    _admin, alice, _bob, things = world
    expenses.create_expense(alice, body(things))  # prepared queries built once
    sent = statements_of(lambda: expenses.create_expense(alice, body(things)))
    selects = [sql for sql, _params in sent if 'pg_advisory_xact_lock' not in sql]  # PostgreSQL's write lock
    # links, category, payment method, the household currency (the insert is no SELECT; nothing read back)
    assert len(selects) == 4, selects


def test_the_token_look_up_is_prepared_and_checked(world) -> None:
    _admin, alice, _bob, _things = world
    _held, secret = tokens.create_token(alice, 'phone')
    assert tokens.user_for_api_token(secret).id == alice.id  # built
    assert tokens.user_for_api_token(secret).id == alice.id  # bound only
    User.update(deleted_at=User.created_at).where(User.id == alice.id).execute()
    assert tokens.user_for_api_token(secret) is None
    assert ApiToken.select().count() == 1


def test_a_prepared_query_given_the_wrong_parameters_fails_loudly(world, monkeypatch) -> None:
    """The check the suite runs on every prepared query (WIS_CHECK_PREPARED=1): a wrong order is a loud error,
    never another row."""
    _admin, alice, bob, _things = world
    monkeypatch.setenv('WIS_CHECK_PREPARED', '1')

    def build():
        return User.select(User.id).where((User.id == alice.id) & (User.username == 'alice')).limit(1)

    assert prepared.first('test: user by id and name', build, [alice.id, 'alice', 1]).id == alice.id
    with pytest.raises(prepared.PreparedMismatch):
        prepared.first('test: user by id and name', build, ['alice', alice.id, 1])
    with pytest.raises(prepared.PreparedMismatch):
        prepared.first('test: user by id and name', build, [bob.id, 'alice', 1])


@pytest.mark.usefixtures('database')
def test_the_prepared_insert_stores_what_model_create_stores(alice, things, monkeypatch) -> None:
    """`prepared.insert` (every add's INSERT, built once) writes the row peewee's `Model.create` writes, and
    values bound in another order than peewee's fail under WIS_CHECK_PREPARED instead of being stored."""
    from app.models import Expense

    values = {
        'owner': alice.id,
        'amount_cents': 1234,
        'date': date(2026, 1, 5),
        'category': things['food'].id,
        'payment_method': things['card'].id,
        'description': '<img src=x onerror=alert(1)> 漢字',
        'latitude': 48.85661412345679,
        'longitude': -2.35,
        'currency': 'EUR',
    }
    made = Expense.create(**values)
    mine = Expense(**values)
    prepared.insert(mine)
    assert mine.id == made.id + 1 and not mine.is_dirty()

    def stored(number: int) -> dict:
        return {k: v for k, v in Expense.select().where(Expense.id == number).dicts().get().items() if k != 'id'}

    assert stored(mine.id) == {**stored(made.id), 'created_at': mine.created_at, 'updated_at': mine.updated_at}
    monkeypatch.setenv('WIS_CHECK_PREPARED', '1')
    monkeypatch.setattr(Expense._meta, 'sorted_fields', Expense._meta.sorted_fields[::-1])  # not peewee's order
    with pytest.raises(prepared.PreparedMismatch):
        prepared.insert(Expense(**values))
