"""Categories and payment methods: uniqueness, nesting, re-parenting, in-use rules, moving, sharing."""

from __future__ import annotations

import pytest

from app.models import Category, Expense, PaymentMethod
from app.services import categories, payment_methods
from app.services.errors import Conflict, Invalid, NotFound
from tests.conftest import make_user
from tests.expense_data import add, basics, link

pytestmark = pytest.mark.usefixtures('database')


@pytest.fixture
def alice():
    return make_user('alice')


@pytest.fixture
def things(alice):
    return basics(alice)


def test_tree_and_flat(alice, things) -> None:
    tree = categories.category_tree(alice)
    assert [(node['name'], [c['name'] for c in node['children']]) for node in tree] == [
        ('Food', ['Groceries', 'Restaurants']),
        ('Transport', []),
    ]
    assert tree[0]['children'][0]['color'] == '#f59e0b'  # a subcategory takes its parent's colour
    assert len(categories.list_categories(alice)) == 4


def test_names_unique_per_owner_and_level_ignoring_case(alice, things) -> None:
    with pytest.raises(Conflict) as error:
        categories.create_category(alice, '  food ')
    assert error.value.field == 'name'
    with pytest.raises(Conflict):
        categories.create_category(alice, 'GROCERIES', parent_id=things['food'].id)
    # the same name at another level, or for another user, is fine
    assert categories.create_category(alice, 'Groceries').parent_id is None
    assert categories.create_category(alice, 'Food', parent_id=things['transport'].id).name == 'Food'
    assert categories.create_category(make_user('bob'), 'Food').name == 'Food'
    with pytest.raises(Conflict):
        categories.update_category(alice, things['transport'].id, name='FOOD')
    with pytest.raises(Conflict):
        payment_methods.create_payment_method(alice, 'card')
    with pytest.raises(Conflict):
        payment_methods.update_payment_method(alice, things['cash'].id, name='CARD')
    assert payment_methods.update_payment_method(alice, things['cash'].id, name='cash').name == 'cash'


@pytest.mark.parametrize(
    ('kwargs', 'field'),
    [
        ({'name': ''}, 'name'),
        ({'name': '   '}, 'name'),
        ({'name': 'x' * 81}, 'name'),
        ({'name': 'ok', 'color': 'red'}, 'color'),
        ({'name': 'ok', 'color': '#12345g'}, 'color'),
        ({'name': 'ok', 'icon': 'not an icon!'}, 'icon'),
        ({'name': 'ok', 'parent_id': 'x'}, 'parent_id'),
        ({'name': 'ok', 'parent_id': 999}, 'parent_id'),
    ],
)
def test_bad_category_input(alice, things, kwargs, field) -> None:
    before = Category.select().count()
    with pytest.raises((Invalid, NotFound)) as error:
        categories.create_category(alice, **kwargs)
    assert error.value.field == field
    assert Category.select().count() == before


def test_only_one_level_of_nesting(alice, things) -> None:
    with pytest.raises(Invalid, match='itself a subcategory'):
        categories.create_category(alice, 'Deep', parent_id=things['groceries'].id)
    with pytest.raises(Conflict, match='has subcategories'):
        categories.update_category(alice, things['food'].id, parent_id=things['transport'].id)
    with pytest.raises(Invalid, match='own parent'):
        categories.update_category(alice, things['transport'].id, parent_id=things['transport'].id)


def test_rename_and_recolour(alice, things) -> None:
    updated = categories.update_category(alice, things['food'].id, name=' Meals ', color='#ABC')
    assert (updated.name, updated.color, updated.icon) == ('Meals', '#aabbcc', 'label')


def test_reparent_moves_expenses_along(alice, things) -> None:
    top = add(alice, things, category_id=things['transport'].id)
    sub = add(alice, things, subcategory_id=things['groceries'].id)
    categories.update_category(alice, things['transport'].id, parent_id=things['food'].id)
    top = Expense.get_by_id(top.id)
    assert (top.category_id, top.subcategory_id) == (things['food'].id, things['transport'].id)
    categories.update_category(alice, things['groceries'].id, parent_id='')
    sub = Expense.get_by_id(sub.id)
    assert (sub.category_id, sub.subcategory_id) == (things['groceries'].id, None)
    other = categories.create_category(alice, 'Home')
    categories.update_category(alice, things['transport'].id, parent_id=other.id)
    top = Expense.get_by_id(top.id)
    assert (top.category_id, top.subcategory_id) == (other.id, things['transport'].id)


def test_in_use_category_cannot_be_deleted_until_moved(alice, things) -> None:
    add(alice, things, category_id=things['transport'].id)
    add(alice, things, category_id=things['transport'].id)
    with pytest.raises(Conflict, match='used by 2 expenses; move them'):
        categories.delete_category(alice, things['transport'].id)
    with pytest.raises(Conflict, match='2 subcategories'):
        categories.delete_category(alice, things['food'].id)
    assert categories.usage_counts(alice) == {things['transport'].id: 2}
    with pytest.raises(Invalid):
        categories.move_expenses(alice, things['transport'].id, things['transport'].id)
    moved = categories.delete_category(alice, things['transport'].id, move_to=things['groceries'].id)
    assert moved == 2
    assert Category.get_or_none(Category.id == things['transport'].id) is None
    pairs = {(e.category_id, e.subcategory_id) for e in Expense.select()}
    assert pairs == {(things['food'].id, things['groceries'].id)}
    # a subcategory in use: moved to a top-level category, the expenses lose the subcategory
    assert categories.move_expenses(alice, things['groceries'].id, things['food'].id) == 2
    assert {e.subcategory_id for e in Expense.select()} == {None}
    categories.delete_category(alice, things['groceries'].id)
    categories.delete_category(alice, things['restaurants'].id)
    with pytest.raises(Conflict, match='used by 2'):
        categories.delete_category(alice, things['food'].id)


def test_failed_delete_rolls_the_move_back(alice, things) -> None:
    add(alice, things, category_id=things['food'].id)
    with pytest.raises(Conflict, match='subcategories'):
        categories.delete_category(alice, things['food'].id, move_to=things['transport'].id)
    assert Expense.get().category_id == things['food'].id


def test_payment_method_rules(alice, things) -> None:
    add(alice, things)
    with pytest.raises(Conflict, match='used by 1 expense;'):
        payment_methods.delete_payment_method(alice, things['card'].id)
    assert payment_methods.usage_counts(alice) == {things['card'].id: 1}
    assert payment_methods.delete_payment_method(alice, things['card'].id, move_to=things['cash'].id) == 1
    assert Expense.get().payment_method_id == things['cash'].id
    assert [m.name for m in payment_methods.list_payment_methods(alice)] == ['Cash']
    with pytest.raises(Invalid) as error:
        payment_methods.create_payment_method(alice, 'Cheque', icon='no way')
    assert error.value.field == 'icon'


def test_sharing_and_strangers(alice, things) -> None:
    bob, eve = make_user('bob'), make_user('eve')
    link(alice, bob)
    bobs = categories.create_category(bob, 'Garden')
    assert 'Garden' in {c.name for c in categories.list_categories(alice)}
    assert 'Garden' not in {c.name for c in categories.list_categories(alice, scope='mine')}
    assert categories.update_category(alice, bobs.id, name='Yard').name == 'Yard'
    for call in (
        lambda: categories.get_category(eve, things['food'].id),
        lambda: categories.update_category(eve, things['food'].id, name='Mine now'),
        lambda: categories.delete_category(eve, things['transport'].id),
        lambda: categories.create_category(eve, 'Sub', parent_id=things['food'].id),
        lambda: payment_methods.update_payment_method(eve, things['card'].id, name='x'),
        lambda: payment_methods.delete_payment_method(eve, things['cash'].id),
    ):
        with pytest.raises(NotFound):
            call()
    assert categories.category_tree(eve) == []
    assert Category.get_by_id(things['food'].id).name == 'Food'
    assert PaymentMethod.select().count() == 2
