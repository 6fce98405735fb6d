"""User administration: delete with and without data, recreate restores, last admin, password reset."""

from __future__ import annotations

import pytest

from app.models import ApiToken, Category, Expense, PaymentMethod, Session, UserLink
from app.models import User as Account
from app.services import access, links, sessions, setup, tokens, users
from app.services.errors import Conflict, Invalid, NotFound
from app.services.presets import DEFAULT_CATEGORIES, DEFAULT_PAYMENT_METHODS
from tests.conftest import PASSWORD, make_user
from tests.sharing_data import household, spend, totals

pytestmark = pytest.mark.usefixtures('database')


def test_delete_keeps_data_and_recreate_brings_it_back() -> None:
    make_user('root', admin=True)
    alice = make_user('alice')
    a = household(alice)
    spend(alice, 1000, a['food'], subcategory=a['groceries'], method=a['card'])
    spend(alice, 250, a['food'])
    before = totals(alice)
    session = sessions.create_session(alice)
    _, token = tokens.create_token(alice, 'phone')

    report = users.delete_user(alice)

    assert (report.expenses, report.categories, report.payment_methods) == (2, 2, 1)
    assert report.sessions == 1 and report.tokens == 1 and not report.data_deleted
    assert 'Kept its data: 2 expenses, 2 categories and 1 payment method' in report.message()
    assert users.find_user('alice') is None
    assert users.authenticate('alice', PASSWORD) is None
    assert sessions.user_for_token(session) is None and tokens.user_for_api_token(token) is None
    assert Expense.select().count() == 2  # still there

    again = users.create_user('Alice', 'a new password!')
    assert again.id == alice.id and again.username == 'Alice' and not again.is_admin
    assert totals(again) == before
    assert users.owned_counts(again) == (2, 2, 1)
    assert users.seed_defaults(again) == (0, 0)  # a restored account is not given presets on top
    assert ApiToken.select().count() == 0  # tokens of the deleted account stay revoked


def test_delete_with_data_deletes_it() -> None:
    make_user('root', admin=True)
    alice, carol = make_user('alice'), make_user('carol')
    a = household(alice)
    c = household(carol)
    Category.create(owner=alice, name='Deep', parent=a['groceries'])
    spend(alice, 1000, a['food'], subcategory=a['groceries'], method=a['card'])
    spend(carol, 40, c['food'])

    report = users.delete_user(alice, delete_data=True)

    assert (report.expenses, report.categories, report.payment_methods) == (1, 3, 1) and report.data_deleted
    assert 'Deleted its data: 1 expense, 3 categories and 1 payment method.' in report.message()
    assert Expense.select().where(Expense.owner == alice.id).count() == 0
    assert Category.select().where(Category.owner == alice.id).count() == 0
    assert PaymentMethod.select().where(PaymentMethod.owner == alice.id).count() == 0
    assert totals(carol)['total'] == 40  # nobody else lost anything
    again = users.create_user('alice', PASSWORD)
    assert users.owned_counts(again) == (0, 0, 0)
    expected = len(DEFAULT_CATEGORIES) + sum(len(c['children']) for c in DEFAULT_CATEGORIES)
    assert users.seed_defaults(again) == (expected, len(DEFAULT_PAYMENT_METHODS))
    assert Category.select().where(Category.owner == alice.id).count() == expected


def test_deleting_a_linked_user_leaves_the_partner_whole() -> None:
    make_user('root', admin=True)
    alice, bob = make_user('alice'), make_user('bob')
    a = household(alice)
    links.link_users(None, 'alice', 'bob')
    spend(bob, 800, a['food'], subcategory=a['groceries'], method=a['card'])
    bob_before = totals(bob)
    links.invite(make_user('carol'), 'alice')

    report = users.delete_user(alice, delete_data=True)

    assert report.links == 2 and report.copied_for_others == 3
    assert UserLink.select().count() == 0
    assert totals(bob) == bob_before
    e = Expense.get(Expense.owner == bob.id)
    assert Category.get_by_id(e.category_id).owner_id == bob.id
    assert access.visible_owner_ids(bob) == [bob.id]


def test_last_admin_cannot_be_deleted_or_demoted() -> None:
    root = make_user('root', admin=True)
    with pytest.raises(Conflict, match='only administrator'):
        users.delete_user(root)
    with pytest.raises(Conflict, match='only administrator'):
        users.set_admin(root, False)
    other = make_user('other')
    users.set_admin(other, True)
    assert users.count_admins() == 2
    with pytest.raises(Invalid, match='demote yourself'):
        users.set_admin(root, False, actor=root)
    with pytest.raises(Invalid, match='own account'):
        users.delete_user(root, actor=root)
    users.set_admin(root, False, actor=other)
    assert not Account.get_by_id(root.id).is_admin
    with pytest.raises(Conflict):
        users.delete_user(other)
    users.delete_user(root)
    with pytest.raises(NotFound):
        users.delete_user(root)  # already gone


def test_reset_password_ends_sessions() -> None:
    alice = make_user('alice')
    sessions.create_session(alice)
    sessions.create_session(alice)
    with pytest.raises(Invalid):
        users.reset_password(alice, 'short')
    assert Session.select().count() == 2
    assert users.reset_password(alice, 'another good one').sessions == 2
    assert users.authenticate('alice', 'another good one') is not None
    assert Session.select().count() == 0


def _choices(categories: list[dict], methods: list[dict]) -> setup.SetupChoices:
    return setup.SetupChoices('root', PASSWORD, PASSWORD, categories=categories, payment_methods=methods)


def test_the_wizard_refuses_a_too_long_subcategory_instead_of_dropping_it() -> None:
    setup.reset_cache()
    long_child = 'Groceries and everything else the corner shop sells ' * 2
    choices = _choices([{'name': 'Food', 'color': '#f59e0b', 'icon': 'restaurant', 'children': [long_child]}], [])
    with pytest.raises(Invalid) as refused:
        setup.complete_setup(choices)
    assert "starting subcategory 'Groceries and everything else" in refused.value.message
    assert 'shorten it to 80 at most' in refused.value.message
    assert Account.select().count() == 0 and Category.select().count() == 0  # one transaction: nothing is left


def test_the_wizard_refuses_a_duplicate_through_the_category_rules() -> None:
    setup.reset_cache()
    food = {'name': 'Food', 'color': '#f59e0b', 'icon': 'restaurant', 'children': ['Bakery', 'bakery']}
    with pytest.raises(Conflict) as refused:
        setup.complete_setup(_choices([food], []))
    assert 'already exists' in refused.value.message and Account.select().count() == 0
    with pytest.raises(Conflict):
        setup.complete_setup(_choices([], [{'name': 'Card', 'icon': 'credit_card'}, {'name': 'CARD'}]))
    admin = setup.complete_setup(
        _choices([{**food, 'children': ['Bakery']}], [{'name': 'Card', 'icon': 'credit_card'}])
    )
    assert admin.is_admin and [c.name for c in Category.select().order_by(Category.id)] == ['Food', 'Bakery']
    assert Category.get(Category.name == 'Bakery').color == '#f59e0b'  # a subcategory takes its parent's colour


def test_the_wizards_list_checks_names_as_they_are_added() -> None:
    assert setup.preset_name('  Pets ', ['Food']) == 'Pets'
    with pytest.raises(Invalid, match='already in the list'):
        setup.preset_name('food', ['Food'])
    for bad in ('   ', 'x' * 81):
        with pytest.raises(Invalid, match='1 to 80 characters'):
            setup.preset_name(bad, [])
