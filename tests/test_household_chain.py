"""Issue 13, item 3: writes across households in a chain of links. A–B linked, B–C linked, A–C not linked.

B's things are seen by A and by C, who do not share with each other, so a write by A to them (or by C) would
change what someone the writer is not linked to sees. Every such write, through every /sysapi write route
and every page action, is refused with a message and changes nothing; C's view stays exactly as it was.
Rules: app/services/access.py (`check_may_change`, `check_may_reference`), docs/security/chain.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from nicegui.testing import User

from app.models import Category, Expense, PaymentMethod
from app.services import categories, expenses, links, payment_methods, tokens
from app.services.errors import ServiceError
from tests.conftest import make_user
from tests.page_steps import one, open_as

DAY = date(2026, 1, 10)


def _things(user, prefix: str) -> dict:
    food = Category.create(owner=user, name=f'{prefix} Food', color='#f59e0b')
    sub = Category.create(owner=user, name=f'{prefix} Groceries', parent=food)
    spare = Category.create(owner=user, name=f'{prefix} Spare')
    card = PaymentMethod.create(owner=user, name=f'{prefix} Card')
    spare_card = PaymentMethod.create(owner=user, name=f'{prefix} Spare card')
    return {
        'user': user,
        'food': food.id,
        'sub': sub.id,
        'spare': spare.id,
        'card': card.id,
        'spare_card': spare_card.id,
    }


def _expense(owner, category: int, payment_method: int, subcategory: int | None = None) -> int:
    return Expense.create(
        owner=owner,
        amount_cents=1234,
        date=DAY,
        category=category,
        subcategory=subcategory,
        payment_method=payment_method,
        description=f'{owner.username} lunch',
    ).id


@dataclass
class Chain:
    a: dict
    b: dict
    c: dict
    headers: dict[str, dict[str, str]]


def _chain() -> Chain:
    alice, bob, carol = make_user('alice'), make_user('bob'), make_user('carol')
    chain = Chain(
        a=_things(alice, 'A'),
        b=_things(bob, 'B'),
        c=_things(carol, 'C'),
        headers={
            u.username: {'Authorization': f'Bearer {tokens.create_token(u, "chain")[1]}'} for u in (alice, bob, carol)
        },
    )
    links.link_users(None, 'alice', 'bob')
    links.link_users(None, 'bob', 'carol')
    chain.a['expense'] = _expense(alice, chain.a['food'], chain.a['card'], chain.a['sub'])
    chain.b['expense'] = _expense(bob, chain.b['food'], chain.b['card'], chain.b['sub'])
    # C files its own expense under B's category and pays with B's card, as linked users may
    chain.c['expense'] = _expense(carol, chain.b['food'], chain.b['card'], chain.b['sub'])
    return chain


def _database() -> list:
    """Every row of every expense, category and payment method: a refused write changes none of them."""
    return [
        [tuple(row.__data__.items()) for row in model.select().order_by(model.id)]
        for model in (Expense, Category, PaymentMethod)
    ]


def _c_view(chain: Chain) -> dict:
    """What C sees: its categories, payment methods and expenses with the names they show."""
    carol = chain.c['user']
    return {
        'categories': categories.category_tree(carol),
        'payment_methods': payment_methods.list_payment_methods(carol),
        'expenses': list(expenses.list_expenses(carol, None).expenses),
    }


# (who writes, route, body, expected status). Each would change what someone the writer is not linked to sees.
API_CASES = [
    # the issue's attack: A re-parents B's category (which C's expense uses) under A's own category
    ('alice', 'category_update', lambda c: {'id': c.b['food'], 'parent_id': c.a['spare']}, 409),
    ('alice', 'category_update', lambda c: {'id': c.b['sub'], 'parent_id': c.a['food']}, 409),
    ('alice', 'category_update', lambda c: {'id': c.b['spare'], 'parent_id': c.a['food']}, 409),
    ('alice', 'category_update', lambda c: {'id': c.b['food'], 'name': 'Renamed by A'}, 409),
    ('alice', 'category_update', lambda c: {'id': c.b['food'], 'color': '#000000'}, 409),
    ('alice', 'category_update', lambda c: {'id': c.b['food'], 'icon': 'home'}, 409),
    ('alice', 'category_update', lambda c: {'id': c.b['sub'], 'parent_id': ''}, 409),
    ('alice', 'category_delete', lambda c: {'id': c.b['spare']}, 409),
    (
        'alice',
        'category_delete',
        lambda c: {'id': c.b['food'], 'move_to_id': c.a['spare'], 'with_subcategories': 'true'},
        409,
    ),
    ('alice', 'category_delete', lambda c: {'id': c.b['sub'], 'move_to_id': c.a['spare']}, 409),
    ('alice', 'category_create', lambda c: {'name': 'Under B', 'parent_id': c.b['food']}, 422),
    ('alice', 'payment_method_update', lambda c: {'id': c.b['card'], 'name': 'Renamed by A'}, 409),
    ('alice', 'payment_method_update', lambda c: {'id': c.b['card'], 'icon': 'home'}, 409),
    ('alice', 'payment_method_delete', lambda c: {'id': c.b['spare_card']}, 409),
    ('alice', 'payment_method_delete', lambda c: {'id': c.b['card'], 'move_to_id': c.a['card']}, 409),
    ('alice', 'expense_update', lambda c: {'id': c.b['expense'], 'description': 'changed by A'}, 409),
    ('alice', 'expense_update', lambda c: {'id': c.b['expense'], 'category_id': c.a['food']}, 409),
    ('alice', 'expense_delete', lambda c: {'id': c.b['expense']}, 409),
    ('alice', 'expense_update', lambda c: {'id': c.c['expense'], 'description': 'changed by A'}, 404),
    ('alice', 'expense_delete', lambda c: {'id': c.c['expense']}, 404),
    ('alice', 'category_update', lambda c: {'id': c.c['food'], 'name': 'x'}, 404),
    ('alice', 'payment_method_update', lambda c: {'id': c.c['card'], 'name': 'x'}, 404),
    # C, at the other end, is refused the same way
    ('carol', 'category_update', lambda c: {'id': c.b['food'], 'name': 'Renamed by C'}, 409),
    ('carol', 'category_update', lambda c: {'id': c.b['spare'], 'parent_id': c.c['food']}, 409),
    ('carol', 'payment_method_update', lambda c: {'id': c.b['card'], 'name': 'Renamed by C'}, 409),
    ('carol', 'expense_update', lambda c: {'id': c.b['expense'], 'description': 'changed by C'}, 409),
    # B, in the middle, may not file what C sees under A's things (C cannot see them)
    (
        'bob',
        'expense_create',
        lambda c: {
            'amount': '1.00',
            'date': '2026-01-11',
            'category_id': c.a['food'],
            'payment_method_id': c.b['card'],
        },
        422,
    ),
    (
        'bob',
        'expense_create',
        lambda c: {
            'amount': '1.00',
            'date': '2026-01-11',
            'category_id': c.b['food'],
            'payment_method_id': c.a['card'],
        },
        422,
    ),
    (
        'bob',
        'expense_update',
        lambda c: {'id': c.b['expense'], 'category_id': c.a['food'], 'subcategory_id': c.a['sub']},
        422,
    ),
    ('bob', 'expense_update', lambda c: {'id': c.b['expense'], 'payment_method_id': c.a['card']}, 422),
    ('bob', 'expense_update', lambda c: {'id': c.c['expense'], 'category_id': c.a['spare']}, 422),
    (
        'bob',
        'category_delete',
        lambda c: {'id': c.b['food'], 'move_to_id': c.a['spare'], 'with_subcategories': 'true'},
        422,
    ),
    ('bob', 'payment_method_delete', lambda c: {'id': c.b['card'], 'move_to_id': c.a['card']}, 422),
    ('bob', 'category_update', lambda c: {'id': c.b['spare'], 'parent_id': c.a['food']}, 422),
    # a subcategory must belong to the chosen category, whoever owns it
    (
        'carol',
        'expense_update',
        lambda c: {'id': c.c['expense'], 'category_id': c.b['food'], 'subcategory_id': c.c['sub']},
        422,
    ),
]


def _case_id(case) -> str:
    who, route, body, status = case
    return f'{who}-{route}-{status}-{API_CASES.index(case)}'


@pytest.mark.parametrize('case', API_CASES, ids=[_case_id(c) for c in API_CASES])
async def test_every_write_route_is_refused_across_the_chain(user: User, case) -> None:
    who, route, body, status = case
    chain = _chain()
    before, view = _database(), _c_view(chain)
    response = await user.http_client.post(f'/sysapi/{route}', data=body(chain), headers=chain.headers[who])
    assert response.status_code == status, response.text
    assert response.json()['error']
    assert _database() == before
    assert _c_view(chain) == view


async def test_the_issue_attack_leaves_c_its_category_and_a_its_delete(user: User) -> None:
    """The reported sequence: A re-parents B's Food under A's own; C's expense would then show A's name, C could
    not re-file it and A could not delete its category. Now the re-parent is refused and both stay free."""
    chain = _chain()
    response = await user.http_client.post(
        '/sysapi/category_update',
        data={'id': chain.b['food'], 'parent_id': chain.a['spare']},
        headers=chain.headers['alice'],
    )
    assert response.status_code == 409, response.text
    assert 'does not share with you' in response.json()['error']
    assert Expense.get_by_id(chain.c['expense']).category_id == chain.b['food']
    # C can still re-file its expense under a category of its own
    response = await user.http_client.post(
        '/sysapi/expense_update',
        data={'id': chain.c['expense'], 'category_id': chain.c['spare']},
        headers=chain.headers['carol'],
    )
    assert response.status_code == 200, response.text
    # A can delete its own category: the only expense using it is A's own, moved elsewhere first
    response = await user.http_client.post(
        '/sysapi/category_delete',
        data={'id': chain.a['food'], 'move_to_id': chain.a['spare'], 'with_subcategories': 'true'},
        headers=chain.headers['alice'],
    )
    assert response.status_code == 200, response.text
    assert Category.get_or_none(Category.id == chain.a['food']) is None
    response = await user.http_client.post(
        '/sysapi/category_delete', data={'id': chain.a['spare']}, headers=chain.headers['alice']
    )
    assert response.status_code == 409  # A's expense now uses it: the ordinary "in use" refusal


async def test_the_middle_and_the_ends_keep_their_ordinary_rights(user: User) -> None:
    """What stays allowed: B changes its own things (it is linked to everyone who sees them); A and C file their
    own expenses under B's things (everyone who sees those expenses sees B's things)."""
    chain = _chain()
    ok = [
        ('bob', 'category_update', {'id': chain.b['food'], 'name': 'B Meals'}),
        ('bob', 'expense_update', {'id': chain.c['expense'], 'description': 'fixed by B'}),
        (
            'alice',
            'expense_create',
            {
                'amount': '2.00',
                'date': '2026-01-12',
                'category_id': chain.b['food'],
                'subcategory_id': chain.b['sub'],
                'payment_method_id': chain.b['card'],
            },
        ),
        ('carol', 'expense_update', {'id': chain.c['expense'], 'payment_method_id': chain.c['card']}),
        ('alice', 'category_update', {'id': chain.a['food'], 'name': 'A Meals'}),
    ]
    for who, route, data in ok:
        response = await user.http_client.post(f'/sysapi/{route}', data=data, headers=chain.headers[who])
        assert response.status_code == 200, (who, route, response.text)


def test_restore_after_undo_is_checked_like_a_write(database) -> None:
    chain = _chain()
    alice, bob = chain.a['user'], chain.b['user']
    deleted = categories.delete_category(bob, chain.b['spare'])
    with pytest.raises(ServiceError) as refused:
        categories.restore_category(alice, deleted.snapshot)
    assert refused.value.status == 409
    method = payment_methods.delete_payment_method(bob, chain.b['spare_card'])
    with pytest.raises(ServiceError):
        payment_methods.restore_payment_method(alice, method.snapshot)
    snapshot = expenses.delete_expense(bob, chain.b['expense'])
    with pytest.raises(ServiceError):
        expenses.restore_expense(alice, snapshot)
    assert Expense.get_or_none(Expense.id == chain.b['expense']) is None
    categories.restore_category(bob, deleted.snapshot)  # the owner's own Undo still works
    expenses.restore_expense(bob, snapshot)


def test_after_unlink_c_keeps_its_own_copy_out_of_a_reach(database) -> None:
    """B and C unlink: C's expense moves to C's own copy of B's Food (links.unlink_users), so B's Food is
    again seen only by A and B, and A may rename it without reaching C."""
    chain = _chain()
    links.unlink_users(None, 'bob', 'carol')
    view = _c_view(chain)
    renamed = categories.update_category(chain.a['user'], chain.b['food'], name='Renamed by A')
    assert renamed.name == 'Renamed by A'
    assert _c_view(chain) == view


def test_a_link_made_later_freezes_what_the_new_partner_sees(database) -> None:
    """B files an expense under A's category while A–B is the whole household; then B links to C, who now sees
    that expense and the name of A's category. A may no longer rename or delete that category (C would see
    the change), and says so; A's other categories stay A's to change."""
    alice, bob, carol = make_user('alice'), make_user('bob'), make_user('carol')
    a = _things(alice, 'A')
    _things(bob, 'B')
    links.link_users(None, 'alice', 'bob')
    expenses.create_expense(
        bob, {'amount': '3.00', 'date': '2026-01-12', 'category_id': a['food'], 'payment_method_id': a['card']}
    )
    links.link_users(None, 'bob', 'carol')
    before = _database()
    for write in (
        lambda: categories.update_category(alice, a['food'], name='Renamed by A'),
        lambda: categories.delete_category(alice, a['food'], move_to=a['spare'], with_subcategories=True),
        lambda: payment_methods.update_payment_method(alice, a['card'], name='Renamed by A'),
    ):
        with pytest.raises(ServiceError) as refused:
            write()
        assert refused.value.status == 409
        assert 'does not share with you' in refused.value.message
    assert _database() == before
    assert categories.update_category(alice, a['spare'], name='A Spare renamed').name == 'A Spare renamed'
    assert [e.category for e in expenses.list_expenses(carol, None).expenses] == ['A Food']


async def test_categories_page_refuses_rename_reparent_and_move(user: User) -> None:
    chain = _chain()
    before, view = _database(), _c_view(chain)
    await open_as(user, 'alice', '/categories')
    food = chain.b['food']
    await user.should_see(marker=f'edit-category-{food}')

    user.find(marker=f'edit-category-{food}').click()
    await user.should_see(marker='category-dialog')
    user.find(marker='category-name').clear().type('Renamed by A')
    user.find(marker='save-category').click()
    await user.should_see('does not share with you')
    await user.should_see(marker='category-dialog')
    assert _database() == before

    await open_as(user, 'alice', '/categories')
    user.find(marker=f'edit-category-{chain.b["spare"]}').click()
    await user.should_see(marker='category-dialog')
    one(user, 'category-parent').value = chain.a['food']
    user.find(marker='save-category').click()
    await user.should_see('does not share with you')
    assert _database() == before

    await open_as(user, 'alice', '/categories')
    user.find(marker=f'delete-category-{chain.b["sub"]}').click()
    await user.should_see(marker='move-dialog')
    one(user, 'move-to').value = chain.a['spare']
    user.find(marker='move-and-delete').click()
    await user.should_see('does not share with you')
    assert _database() == before
    assert _c_view(chain) == view


async def test_payment_methods_page_refuses_rename_and_move(user: User) -> None:
    chain = _chain()
    before, view = _database(), _c_view(chain)
    await open_as(user, 'alice', '/payment-methods')
    card = chain.b['card']
    await user.should_see(marker=f'edit-payment-method-{card}')
    user.find(marker=f'edit-payment-method-{card}').click()
    await user.should_see(marker='payment-method-dialog')
    user.find(marker='payment-method-name').clear().type('Renamed by A')
    user.find(marker='save-payment-method').click()
    await user.should_see('does not share with you')
    assert _database() == before

    await open_as(user, 'alice', '/payment-methods')
    user.find(marker=f'delete-payment-method-{card}').click()
    await user.should_see(marker='move-dialog')
    one(user, 'move-to').value = chain.a['card']
    user.find(marker='move-and-delete').click()
    await user.should_see('does not share with you')
    assert _database() == before
    assert _c_view(chain) == view


async def test_expense_form_refuses_filing_under_what_c_cannot_see(user: User) -> None:
    """B, in the middle, picks A's category in the expense form: the form says why under the field and nothing
    is recorded (C would see B's expense under a category C cannot see)."""
    chain = _chain()
    before, view = _database(), _c_view(chain)
    await open_as(user, 'bob', '/expenses?month=2026-01')
    user.find(marker='add-expense').click()
    await user.should_see(marker='expense-dialog')
    user.find(marker='expense-amount').type('4')
    user.find(marker='expense-category').elements.pop().value = chain.a['food']
    user.find(marker='expense-payment-method').elements.pop().value = chain.b['card']
    user.find(marker='save-expense').click()
    await user.should_see('does not share with everyone who sees this expense')
    await user.should_see(marker='expense-dialog')
    assert _database() == before
    assert _c_view(chain) == view


async def test_expense_form_refuses_a_editing_b_expense(user: User) -> None:
    """A opens B's expense (A sees it) and saves a change: refused, since C sees B's expenses too."""
    chain = _chain()
    before, view = _database(), _c_view(chain)
    await open_as(user, 'alice', '/expenses?month=2026-01')
    await user.should_see(marker='expenses-table')
    row = {'id': chain.b['expense'], 'amount_cents': 1234, 'date': DAY.isoformat(), 'description': 'bob lunch'}
    row |= {'category_id': chain.b['food'], 'subcategory_id': chain.b['sub'], 'payment_method_id': chain.b['card']}
    user.find(marker='expenses-table').trigger('edit', row)
    await user.should_see(marker='expense-dialog')
    user.find(marker='expense-description').clear().type('changed by A')
    user.find(marker='save-expense').click()
    await user.should_see('does not share with you')
    assert _database() == before
    assert _c_view(chain) == view
