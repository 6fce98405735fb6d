"""Categories and payment methods: uniqueness, nesting, re-parenting, in-use rules, moving, sharing."""

from __future__ import annotations

import pytest

from app.models import Category, Expense, PaymentMethod
from app.services import categories, links, payment_methods
from app.services.errors import Conflict, Invalid, NotFound
from tests.builders import add, link
from tests.conftest import make_user

pytestmark = pytest.mark.usefixtures('database')


def test_tree_and_flat(alice, things) -> None:
    tree = categories.category_tree(alice)
    assert [(node.name, [c.name for c in node.children]) for node in tree] == [
        ('Food', ['Groceries', 'Restaurants']),
        ('Transport', []),
    ]
    assert tree[0].children[0].color == '#f59e0b'  # a subcategory takes its parent's colour
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
    moved = categories.delete_category(alice, things['transport'].id, move_to=things['groceries'].id).moved
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
    assert payment_methods.delete_payment_method(alice, things['card'].id, move_to=things['cash'].id).moved == 1
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


def test_delete_then_restore_brings_back_the_same_rows(alice, things) -> None:
    food = Category.get_by_id(things['food'].id)
    deleted = categories.delete_category(alice, food.id, with_subcategories=True)
    assert deleted.moved == 0
    assert [c.name for c in deleted.snapshot.children] == ['Groceries', 'Restaurants']
    assert {c.name for c in Category.select()} == {'Transport'}
    restored = categories.restore_category(alice, deleted.snapshot)
    assert (restored.id, restored.name, restored.color, restored.icon) == (food.id, 'Food', '#f59e0b', 'label')
    assert Category.get_by_id(restored.id).created_at == food.created_at
    children = {c.id: c.name for c in Category.select().where(Category.parent == food.id)}
    assert children == {things['groceries'].id: 'Groceries', things['restaurants'].id: 'Restaurants'}
    # the restored tree is usable at once
    add(alice, things, subcategory_id=things['groceries'].id)

    sub = categories.delete_category(alice, things['restaurants'].id)
    assert sub.snapshot.parent_id == food.id
    assert categories.restore_category(alice, sub.snapshot).parent_id == food.id

    method = payment_methods.delete_payment_method(alice, things['cash'].id)
    back = payment_methods.restore_payment_method(alice, method.snapshot)
    assert (back.id, back.name, back.icon) == (things['cash'].id, 'Cash', 'payments')


def test_deleting_with_subcategories_refuses_when_any_is_in_use(alice, things) -> None:
    add(alice, things, subcategory_id=things['restaurants'].id)
    with pytest.raises(Conflict, match="'Food' is used by 1 expense; move it"):
        categories.delete_category(alice, things['food'].id, with_subcategories=True)
    plan = categories.plan_deletion(alice, things['food'].id)
    assert (plan.used, plan.subcategories) == (1, ('Groceries', 'Restaurants'))
    assert plan.in_use_message.startswith("'Food' is used by 1 expense;")
    assert Category.select().count() == 4
    # moving the expenses of the whole tree first, then everything goes
    deleted = categories.delete_category(
        alice, things['food'].id, move_to=things['transport'].id, with_subcategories=True
    )
    assert deleted.moved == 1
    assert {c.name for c in Category.select()} == {'Transport'}
    assert (Expense.get().category_id, Expense.get().subcategory_id) == (things['transport'].id, None)


def test_restore_refuses_when_the_name_was_taken_meanwhile(alice, things) -> None:
    deleted = categories.delete_category(alice, things['transport'].id)
    categories.create_category(alice, 'TRANSPORT')
    with pytest.raises(Conflict, match="'Transport' cannot come back: a category of that name was added at the top"):
        categories.restore_category(alice, deleted.snapshot)
    sub = categories.delete_category(alice, things['groceries'].id)
    categories.delete_category(alice, things['restaurants'].id)
    categories.delete_category(alice, things['food'].id)
    with pytest.raises(Conflict, match='its parent category was deleted or moved meanwhile'):
        categories.restore_category(alice, sub.snapshot)

    cash = payment_methods.delete_payment_method(alice, things['cash'].id)
    payment_methods.create_payment_method(alice, 'cash')
    with pytest.raises(Conflict, match="'Cash' cannot come back: a payment method of that name was added"):
        payment_methods.restore_payment_method(alice, cash.snapshot)


def test_restore_takes_a_new_id_when_the_old_one_was_reused(alice, things) -> None:
    deleted = payment_methods.delete_payment_method(alice, things['cash'].id)
    reused = PaymentMethod.create(id=things['cash'].id, owner=alice.id, name='Voucher', icon='redeem')
    back = payment_methods.restore_payment_method(alice, deleted.snapshot)
    assert back.id != reused.id and back.name == 'Cash'


def test_restore_after_unlinking_is_refused(alice, things) -> None:
    bob = make_user('bob')
    link(alice, bob)
    garden = categories.create_category(bob, 'Garden')
    deleted = categories.delete_category(alice, garden.id)
    links.unlink(alice, 'bob')
    with pytest.raises(NotFound, match='no longer shares with you'):
        categories.restore_category(alice, deleted.snapshot)


def test_unknown_icons_are_refused_but_old_ones_stay_editable(alice, things) -> None:
    with pytest.raises(Invalid, match="'dog' is not an icon What I Spend knows. Try pets") as error:
        categories.create_category(alice, 'Pets', icon='dog')
    assert error.value.field == 'icon'
    with pytest.raises(Invalid, match='not an icon'):
        categories.update_category(alice, things['food'].id, icon='dog')
    with pytest.raises(Invalid, match='not an icon'):
        payment_methods.create_payment_method(alice, 'Cheque', icon='cheque')
    assert categories.create_category(alice, 'Pets', icon='pets').icon == 'pets'
    # data from before the list keeps its icon when saved unchanged, and can change it to a known one
    Category.update(icon='dog').where(Category.id == things['transport'].id).execute()
    PaymentMethod.update(icon='old_card').where(PaymentMethod.id == things['card'].id).execute()
    kept = categories.update_category(alice, things['transport'].id, name='Travel', icon='dog')
    assert (kept.name, kept.icon) == ('Travel', 'dog')
    assert (
        payment_methods.update_payment_method(alice, things['card'].id, name='Cards', icon='old_card').icon
        == 'old_card'
    )
    assert categories.update_category(alice, things['transport'].id, icon='train').icon == 'train'
    # a subcategory with no icon of its own takes its parent's, unless the parent's is unknown
    assert categories.create_category(alice, 'Rail', parent_id=things['transport'].id).icon == 'train'
    Category.update(icon='dog').where(Category.id == things['transport'].id).execute()
    assert categories.create_category(alice, 'Bus', parent_id=things['transport'].id).icon == 'label'
