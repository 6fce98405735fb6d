"""The access matrix: for users A, B (linked to A) and C (not linked), over every /sysapi endpoint that
touches expenses, categories or payment methods.

- An endpoint that names an object by id (update, delete, or create/update pointing at a category or
  payment method): C gets 404 for each of A's objects and A's data stays exactly as it was; B succeeds;
  after A and B unlink, B gets 404 too.
- An endpoint that lists or sums (lists, exports, statistics): A's data never appears in C's answer, does
  appear in B's, and no longer does once A and B unlink.

The table below is the matrix. `test_every_endpoint_is_in_the_matrix` fails when a /sysapi route exists
that neither the table nor EXEMPT lists, so a new endpoint cannot slip past these checks.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from fastapi import FastAPI
from nicegui.testing import User

from app.api import sysapi
from app.models import ApiToken, Category, Expense, PaymentMethod
from app.services import budgets, links, receipts, recurring, tokens
from tests import receipt_images
from tests.conftest import make_user
from tests.page_steps import open_as
from tests.polling import until

MONTH = '2026-01'
A_PLACE = (48.8530, 2.3499)
AMOUNT_CENTS = 98765  # A's expense: its amount is the marker looked for in listings, statistics and exports
MARKERS = ('987.65', '987,65', '98765', '98 765', '98\u202f765', '98\u00a0765', 'A-secret')


def _sysapi_routes() -> set[str]:
    probe = FastAPI()
    probe.include_router(sysapi)
    return {path for path in probe.openapi()['paths'] if path.startswith('/sysapi/')}


ROUTES = _sysapi_routes()


@dataclass
class World:
    """A, B (linked to A) and C with their things, and a personal token for each."""

    a: dict
    b: dict
    c: dict
    headers: dict[str, dict[str, str]]

    def own(self, caller: str) -> dict:
        return {'b': self.b, 'c': self.c}[caller]


def _things(user, prefix: str, cents: int, day: date, where: tuple[float, float]) -> dict:
    food = Category.create(owner=user, name=f'{prefix}-secret Food', color='#f59e0b', icon='restaurant')
    sub = Category.create(owner=user, name=f'{prefix}-secret Groceries', parent=food)
    spare = Category.create(owner=user, name=f'{prefix}-secret Spare')
    spare_sub = Category.create(owner=user, name=f'{prefix}-secret Spare sub', parent=food)
    card = PaymentMethod.create(owner=user, name=f'{prefix}-secret Card')
    spare_card = PaymentMethod.create(owner=user, name=f'{prefix}-secret Spare card')
    expense = Expense.create(
        owner=user,
        amount_cents=cents,
        date=day,
        category=food,
        subcategory=sub,
        payment_method=card,
        description=f'{prefix}-secret dinner',
        place=f'{prefix}-secret place',
        latitude=where[0],
        longitude=where[1],
    )
    return {
        'user': user,
        'food': food.id,
        'sub': sub.id,
        'spare': spare.id,
        'spare_sub': spare_sub.id,
        'card': card.id,
        'spare_card': spare_card.id,
        'expense': expense.id,
    }


def _world() -> World:
    alice, bob, carol = make_user('alice'), make_user('bob'), make_user('carol')
    world = World(
        # B's and C's own expenses fall on another day, week and place than A's, so that no daily, weekly or
        # place sum mixes them and A's amount stays recognisable.
        a=_things(alice, 'A', AMOUNT_CENTS, date(2026, 1, 15), A_PLACE),
        b=_things(bob, 'B', 1111, date(2026, 1, 5), (43.2965, 5.3698)),
        c=_things(carol, 'C', 2222, date(2026, 1, 5), (45.7640, 4.8357)),
        headers={
            name: {'Authorization': f'Bearer {tokens.create_token(u, "matrix")[1]}'}
            for name, u in (('b', bob), ('c', carol))
        },
    )
    world.a['token'] = tokens.create_token(alice, 'A-secret token')[0].id
    world.a['budget'] = budgets.create_budget(alice, '2000').id  # counts A's expense: its spent is the marker
    world.a['rule'] = recurring.create_rule(  # starts in 2030: no occurrence mixes into the listings
        alice,
        {
            'amount': '3.00',
            'category_id': world.a['food'],
            'payment_method_id': world.a['card'],
            'description': 'A-secret rule',
            'unit': 'month',
            'start': '2030-01-01',
        },
    ).id
    world.a['receipt'] = receipts.attach(alice, world.a['expense'], 'A-secret.jpg', receipt_images.photo()).id
    links.link_users(None, 'alice', 'bob')
    return world


def _snapshot(owner_id: int) -> list:
    """Every row A owns, to prove that a refused call changed nothing."""
    return [
        [tuple(row.__data__.items()) for row in model.select().where(model.owner == owner_id).order_by(model.id)]
        for model in (Expense, Category, PaymentMethod)
    ]


Body = Callable[[World, str], dict]


@dataclass(frozen=True)
class Case:
    """One row of the matrix: a call that either names an object of A (`kind='object'`) or lists/sums data
    (`kind='listing'`). `body(world, caller)` gives the form (POST) or query (GET) for caller 'b' or 'c'."""

    name: str
    method: str
    path: str
    kind: str
    body: Body = field(default=lambda w, who: {'month': MONTH})
    path_args: Callable[[World], dict] = field(default=lambda w: {})
    # what B, linked to A, gets: 200, or 422 where the rule is about ownership, not sharing (issue 13: a
    # category's parent has the same owner as the category, even between linked users)
    partner_status: int = 200

    def url(self, world: World) -> str:
        return self.path.format(**self.path_args(world))


def own(key: str) -> Callable[[World, str], int]:
    return lambda w, who: w.own(who)[key]


OBJECT_CASES = [
    Case(
        'update A expense',
        'POST',
        '/sysapi/expense_update',
        'object',
        lambda w, who: {'id': w.a['expense'], 'description': 'changed'},
    ),
    Case('delete A expense', 'POST', '/sysapi/expense_delete', 'object', lambda w, who: {'id': w.a['expense']}),
    Case(
        'create with A category',
        'POST',
        '/sysapi/expense_create',
        'object',
        lambda w, who: {
            'amount': '1.00',
            'date': '2026-01-20',
            'category_id': w.a['food'],
            'payment_method_id': w.own(who)['card'],
        },
    ),
    Case(
        'create with A subcategory',
        'POST',
        '/sysapi/expense_create',
        'object',
        lambda w, who: {
            'amount': '1.00',
            'date': '2026-01-20',
            'category_id': w.a['food'],
            'subcategory_id': w.a['sub'],
            'payment_method_id': w.own(who)['card'],
        },
    ),
    Case(
        'create with A payment method',
        'POST',
        '/sysapi/expense_create',
        'object',
        lambda w, who: {
            'amount': '1.00',
            'date': '2026-01-20',
            'category_id': w.own(who)['food'],
            'payment_method_id': w.a['card'],
        },
    ),
    Case(  # issue 20: the payer, the members of a split and the other side of a settlement are users
        'create paid by A',
        'POST',
        '/sysapi/expense_create',
        'object',
        lambda w, who: {
            'amount': '1.00',
            'category_id': w.own(who)['food'],
            'payment_method_id': w.own(who)['card'],
            'paid_by': w.a['user'].id,
        },
    ),
    Case(
        'create split with A',
        'POST',
        '/sysapi/expense_create',
        'object',
        lambda w, who: {
            'amount': '1.00',
            'category_id': w.own(who)['food'],
            'payment_method_id': w.own(who)['card'],
            'split_mode': 'equal',
            'split_members': f'{w.own(who)["user"].id},{w.a["user"].id}',
        },
    ),
    Case(
        'settle with A',
        'POST',
        '/sysapi/settlement_create',
        'object',
        lambda w, who: {'from_user_id': w.own(who)['user'].id, 'to_user_id': w.a['user'].id, 'amount': '1.00'},
    ),
    Case(
        'move own expense to A category',
        'POST',
        '/sysapi/expense_update',
        'object',
        lambda w, who: {'id': w.own(who)['expense'], 'category_id': w.a['spare']},
    ),
    Case(
        'pay own expense with A method',
        'POST',
        '/sysapi/expense_update',
        'object',
        lambda w, who: {'id': w.own(who)['expense'], 'payment_method_id': w.a['spare_card']},
    ),
    Case(
        'update A category',
        'POST',
        '/sysapi/category_update',
        'object',
        lambda w, who: {'id': w.a['spare'], 'name': 'renamed'},
    ),
    Case('delete A category', 'POST', '/sysapi/category_delete', 'object', lambda w, who: {'id': w.a['spare']}),
    Case('delete A subcategory', 'POST', '/sysapi/category_delete', 'object', lambda w, who: {'id': w.a['spare_sub']}),
    Case(
        'subcategory under A category',
        'POST',
        '/sysapi/category_create',
        'object',
        lambda w, who: {'name': 'mine under theirs', 'parent_id': w.a['spare']},
        partner_status=422,
    ),
    Case(
        'move own category under A category',
        'POST',
        '/sysapi/category_update',
        'object',
        lambda w, who: {'id': w.own(who)['spare'], 'parent_id': w.a['spare']},
        partner_status=422,
    ),
    Case(
        'delete own category moving into A category',
        'POST',
        '/sysapi/category_delete',
        'object',
        lambda w, who: {'id': w.own(who)['spare'], 'move_to_id': w.a['spare']},
    ),
    Case(
        'update A payment method',
        'POST',
        '/sysapi/payment_method_update',
        'object',
        lambda w, who: {'id': w.a['spare_card'], 'name': 'renamed'},
    ),
    Case(
        'delete A payment method',
        'POST',
        '/sysapi/payment_method_delete',
        'object',
        lambda w, who: {'id': w.a['spare_card']},
    ),
    Case(
        'delete own method moving into A method',
        'POST',
        '/sysapi/payment_method_delete',
        'object',
        lambda w, who: {'id': w.own(who)['spare_card'], 'move_to_id': w.a['spare_card']},
    ),
    Case(
        'name the place of A expense',
        'POST',
        '/sysapi/place_update',
        'object',
        lambda w, who: {'latitude': A_PLACE[0], 'longitude': A_PLACE[1], 'name': 'renamed'},
    ),
    Case(
        'update A budget',
        'POST',
        '/sysapi/budget_update',
        'object',
        lambda w, who: {'id': w.a['budget'], 'amount': '5'},
    ),
    Case('delete A budget', 'POST', '/sysapi/budget_delete', 'object', lambda w, who: {'id': w.a['budget']}),
    Case(
        'update A rule', 'POST', '/sysapi/recurring_update', 'object', lambda w, who: {'id': w.a['rule'], 'amount': '4'}
    ),
    Case('pause A rule', 'POST', '/sysapi/recurring_pause', 'object', lambda w, who: {'id': w.a['rule']}),
    Case('resume A rule', 'POST', '/sysapi/recurring_resume', 'object', lambda w, who: {'id': w.a['rule']}),
    Case('delete A rule', 'POST', '/sysapi/recurring_delete', 'object', lambda w, who: {'id': w.a['rule']}),
    Case(
        'rule with A category',
        'POST',
        '/sysapi/recurring_create',
        'object',
        lambda w, who: {
            'amount': '1.00',
            'category_id': w.a['food'],
            'payment_method_id': w.own(who)['card'],
            'unit': 'month',
            'start': '2030-01-01',
        },
    ),
    Case('view A receipt', 'GET', '/sysapi/receipt', 'object', lambda w, who: {'id': w.a['receipt']}),
    Case(
        'A receipt thumbnail',
        'GET',
        '/sysapi/receipt',
        'object',
        lambda w, who: {'id': w.a['receipt'], 'thumbnail': 'true'},
    ),
    Case('delete A receipt', 'POST', '/sysapi/receipt_delete', 'object', lambda w, who: {'id': w.a['receipt']}),
    Case(
        'receipt on A expense',
        'POST',
        '/sysapi/receipt_upload',
        'object',
        lambda w, who: {'expense_id': w.a['expense'], 'file': ('b.png', receipt_images.photo('PNG'), 'image/png')},
    ),
    Case(
        'import with A category as the default',
        'POST',
        '/sysapi/import',
        'object',
        lambda w, who: {
            'file': ('bank.csv', b'Date,Amount,Description\n2026-01-21,-4.20,bakery\n', 'text/csv'),
            'default_category': w.a['food'],
            'default_payment_method': w.own(who)['card'],
            'dry_run': 'false',
        },
    ),
    Case(
        'budget for A category',
        'POST',
        '/sysapi/budget_create',
        'object',
        lambda w, who: {'amount': '5', 'category_id': w.a['food']},
    ),
    Case(
        'budget for A payment method',
        'POST',
        '/sysapi/budget_create',
        'object',
        lambda w, who: {'amount': '5', 'payment_method_id': w.a['card']},
    ),
]

LISTING_CASES = [
    Case('list expenses', 'GET', '/sysapi/expenses', 'listing'),
    Case('search expenses', 'GET', '/sysapi/expenses', 'listing', lambda w, who: {'month': MONTH, 'search': 'secret'}),
    Case('categories', 'GET', '/sysapi/categories', 'listing', lambda w, who: {}),
    Case('categories flat', 'GET', '/sysapi/categories_flat', 'listing', lambda w, who: {}),
    Case('payment methods', 'GET', '/sysapi/payment_methods', 'listing', lambda w, who: {}),
    Case('export csv', 'GET', '/sysapi/export_csv', 'listing'),
    Case('export csv, every month', 'GET', '/sysapi/export_csv', 'listing', lambda w, who: {'month': 'all'}),
    Case('export xlsx', 'GET', '/sysapi/export_xlsx', 'listing'),
    Case('dashboard data', 'GET', '/sysapi/dashboard-data', 'listing'),
    Case('stats', 'GET', '/sysapi/stats', 'listing'),
    Case('daily evolution', 'GET', '/sysapi/daily_evolution', 'listing'),
    Case('category distribution', 'GET', '/sysapi/category_distribution', 'listing'),
    Case('weekly comparison', 'GET', '/sysapi/weekly_comparison', 'listing'),
    Case('payment method stats', 'GET', '/sysapi/payment_method_stats', 'listing'),
    Case('top expenses', 'GET', '/sysapi/top_expenses', 'listing', lambda w, who: {'month': MONTH, 'limit': 5}),
    Case('year overview', 'GET', '/sysapi/year_overview', 'listing'),
    Case('users', 'GET', '/sysapi/users', 'listing', lambda w, who: {}),
    Case('places', 'GET', '/sysapi/places', 'listing', lambda w, who: {}),
    Case(
        'places near A',
        'GET',
        '/sysapi/places/suggest',
        'listing',
        lambda w, who: {'lat': A_PLACE[0], 'lon': A_PLACE[1]},
    ),
    Case('linked users', 'GET', '/sysapi/users/linked', 'listing', lambda w, who: {}),
    Case('budgets', 'GET', '/sysapi/budgets', 'listing'),
    Case('recurring rules', 'GET', '/sysapi/recurring', 'listing', lambda w, who: {}),
    Case('balances', 'GET', '/sysapi/balances', 'listing', lambda w, who: {}),
]

# Personal things: not shared even with linked users. Neither B nor C may list or touch A's.
PERSONAL_CASES = [
    Case(
        'revoke A token',
        'DELETE',
        '/sysapi/tokens/{token_id}',
        'personal',
        lambda w, who: {},
        lambda w: {'token_id': w.a['token']},
    ),
    Case('list tokens', 'GET', '/sysapi/tokens', 'personal', lambda w, who: {}),
]

CASES = OBJECT_CASES + LISTING_CASES + PERSONAL_CASES

# Routes that never return or change another user's expenses, categories or payment methods, with why.
EXEMPT = {
    '/sysapi/login': 'authentication',
    '/sysapi/logout': 'authentication',
    '/sysapi/session': "the caller's own account",
    '/sysapi/payment_method_create': "creates in the caller's own account and names no other object",
    '/sysapi/health': 'the database answers or not; no user data',
    '/sysapi/update/check': 'administrators only (403 for others); tested in test_update_secrets',
    '/sysapi/update/execute': 'administrators only; updates the installation',
    '/sysapi/update/status': "the update's progress, credentials masked; no user data; test_update_secrets",
    '/sysapi/users/link': 'names users, not data; tested in test_api_users',
    '/sysapi/users/unlink': 'names users, not data; tested in test_api_users',
    '/sysapi/users/invitations': "the caller's own invitations",
    '/sysapi/users/invitations/accept': "the caller's own invitations",
    '/sysapi/users/invitations/decline': "the caller's own invitations",
    '/sysapi/users/invitations/cancel': "the caller's own invitations",
    '/sysapi/users/create': 'administrators only (403 for others); tested in test_api_users',
    '/sysapi/users/delete': 'administrators only (403 for others); tested in test_api_users',
    '/sysapi/users/password': 'administrators only (403 for others); tested in test_api_users',
    '/sysapi/users/admin': 'administrators only (403 for others); tested in test_api_users',
    '/sysapi/rates': "exchange rates are the installation's, no user data; what waits for a rate is dates, "
    'currencies and counts among what the caller sees; POST is for administrators (403); test_rates_api',
    '/sysapi/settlement_delete': 'only the two people of a settlement, or who recorded it; test_settlements_api',
    '/sysapi/export_settlements_csv': 'a former link keeps the settlements it was part of (issue 20: unlinking keeps '
    'the history), unlike a listing; who sees which is tested in test_settlement_exports',
    '/sysapi/tokens': "the caller's own personal tokens; tested in test_tokens",
    '/sysapi/imports': "the caller's own imports; test_import_flow_api: another user's list is empty",
    '/sysapi/import_undo': "one of the caller's own imports, 404 otherwise; test_import_flow_api",
    '/sysapi/alerts': "the caller's own alerts (a household budget alerts its members); tested in test_budgets_api",
    '/sysapi/tokens/{token_id}': "revokes only one of the caller's own tokens (404 otherwise); tested in test_tokens",
}


def test_every_endpoint_is_in_the_matrix() -> None:
    covered = {case.path for case in CASES} | set(EXEMPT)
    missing = sorted(ROUTES - covered)
    assert not missing, f'add these /sysapi routes to the access matrix (or to EXEMPT with a reason): {missing}'


def test_every_case_names_a_route() -> None:
    """A route not built (or renamed) fails here rather than passing as a refusal: its 404 proves nothing."""
    unknown = sorted({case.path for case in CASES} - ROUTES)
    assert not unknown, f'the access matrix names routes that do not exist: {unknown}'


def _params(case: Case):
    return pytest.param(case, id=case.name)


async def _call(user: User, case: Case, world: World, who: str):
    data = case.body(world, who)
    url = case.url(world)
    if case.method == 'GET':
        return await user.http_client.get(url, params=data, headers=world.headers[who])
    if case.method == 'DELETE':
        return await user.http_client.delete(url, headers=world.headers[who])
    files = {name: value for name, value in data.items() if isinstance(value, tuple)}  # multipart uploads
    form = {name: value for name, value in data.items() if name not in files}
    return await user.http_client.post(url, data=form, files=files or None, headers=world.headers[who])


def _text(response) -> str:
    """The answer as text; an XLSX workbook is opened and its cells joined."""
    if response.content[:2] == b'PK':
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return '\n'.join(
            ' '.join(str(cell) for cell in row if cell is not None)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return response.text


def _leaks(response) -> list[str]:
    text = _text(response)
    return [marker for marker in MARKERS if marker in text] + (['alice'] if 'alice' in text else [])


@pytest.mark.parametrize('case', [_params(c) for c in OBJECT_CASES])
async def test_objects_of_a(user: User, case: Case) -> None:
    world = _world()
    before = _snapshot(world.a['user'].id)

    outsider = await _call(user, case, world, 'c')
    assert outsider.status_code == 404, (case.name, outsider.text)
    assert outsider.json()['error']
    assert _snapshot(world.a['user'].id) == before, f"{case.name}: C changed A's data"
    assert not _leaks(outsider), outsider.text

    links.unlink_users(None, 'alice', 'bob')
    before = _snapshot(world.a['user'].id)
    former = await _call(user, case, world, 'b')
    assert former.status_code == 404, (case.name, 'after unlink', former.text)
    assert _snapshot(world.a['user'].id) == before

    links.link_users(None, 'alice', 'bob')
    before = _snapshot(world.a['user'].id), _snapshot(world.b['user'].id)
    partner = await _call(user, case, world, 'b')
    assert partner.status_code == case.partner_status, (case.name, partner.text)
    if case.partner_status != 200:
        assert partner.json()['error']
        assert (_snapshot(world.a['user'].id), _snapshot(world.b['user'].id)) == before, case.name


@pytest.mark.parametrize('case', [_params(c) for c in LISTING_CASES])
async def test_listings_show_a_only_to_linked_users(user: User, case: Case) -> None:
    world = _world()

    outsider = await _call(user, case, world, 'c')
    assert outsider.status_code == 200, (case.name, outsider.text)
    assert not _leaks(outsider), (case.name, _leaks(outsider))

    partner = await _call(user, case, world, 'b')
    assert partner.status_code == 200, (case.name, partner.text)
    assert _leaks(partner), f"{case.name}: B should see A's data here, so this case proves nothing"

    links.unlink_users(None, 'alice', 'bob')
    former = await _call(user, case, world, 'b')
    assert former.status_code == 200
    assert not _leaks(former), (case.name, 'after unlink', _leaks(former))


@pytest.mark.parametrize('case', [_params(c) for c in PERSONAL_CASES])
async def test_personal_things_of_a_stay_hers(user: User, case: Case) -> None:
    world = _world()
    tokens_before = [tuple(t.__data__.items()) for t in ApiToken.select().order_by(ApiToken.id)]
    for who in ('c', 'b'):
        response = await _call(user, case, world, who)
        if case.method == 'GET':
            assert response.status_code == 200, (case.name, who, response.text)
            assert not _leaks(response), (case.name, who, _leaks(response))
        else:
            assert response.status_code == 404, (case.name, who, response.text)
    assert ApiToken.get_by_id(world.a['token']).name == 'A-secret token'
    assert len(tokens_before) == ApiToken.select().count()


# --- pages ------------------------------------------------------------------------------------------
#
# Pages take ids only through events the browser sends (a table's edit/delete carries the row it was
# given); such events are forged below with A's ids. Pages that list show A's data to B, never to C.

PAGES = ['/?month=2026-01', '/expenses?month=2026-01', '/categories', '/payment-methods', '/map']


def rendered(user: User) -> str:
    """Everything the open page holds for the browser: texts and properties (table rows, chart data)."""
    return '\n'.join(f'{getattr(e, "text", "")} {e.props}' for e in list(user.client.elements.values()))


def page_leaks(user: User) -> list[str]:
    text = rendered(user)
    return [marker for marker in MARKERS if marker in text]


@pytest.mark.parametrize('path', PAGES)  # a page still on a placeholder fails: it shows no one's data
async def test_pages_show_a_only_to_linked_users(user: User, path: str) -> None:
    _world()
    await open_as(user, 'carol', path)
    await until(lambda: 'C-secret' in rendered(user), failure=f'{path}: C should see its own data')
    assert not page_leaks(user), (path, page_leaks(user))

    await open_as(user, 'bob', path)
    await until(lambda: 'A-secret' in rendered(user), failure=f"{path}: B should see A's data")

    links.unlink_users(None, 'alice', 'bob')
    await open_as(user, 'bob', path)
    await until(lambda: 'B-secret' in rendered(user))
    assert not page_leaks(user), (path, 'after unlink', page_leaks(user))


async def test_forged_expense_events_cannot_touch_a(user: User) -> None:
    """The expenses table sends back the row of an edit or delete click; a forged row with A's id must
    reach nothing of A's."""
    world = _world()
    before = _snapshot(world.a['user'].id)
    a_row = {
        'id': world.a['expense'],
        'amount_cents': AMOUNT_CENTS,
        'date': '2026-01-15',
        'description': 'forged',
        # C's own choices, so that the edit dialog opens; saving must still not reach A's expense.
        'category_id': world.c['food'],
        'subcategory_id': None,
        'payment_method_id': world.c['card'],
    }
    await open_as(user, 'carol', '/expenses?month=2026-01')
    await user.should_see(marker='expenses-table', retries=100)
    user.find(marker='expenses-table').trigger('delete', a_row)
    await user.should_see(marker='confirm-delete-yes', retries=100)
    user.find(marker='confirm-delete-yes').click()
    await user.should_see('does not exist', retries=100)
    assert _snapshot(world.a['user'].id) == before

    user.notify.messages.clear()
    user.find(marker='expenses-table').trigger('edit', a_row)
    await user.should_see('does not exist', retries=100)  # the page reads the expense again: C may not see it
    await user.should_not_see(marker='save-expense')  # so no dialog opens on A's expense
    assert _snapshot(world.a['user'].id) == before
