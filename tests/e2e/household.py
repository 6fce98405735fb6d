"""A household for the tour: three linked accounts with a few months of spending, made through the API.

The first account (the administrator) comes from the setup wizard; this module adds the others, links them,
gives one of them its own category with a subcategory, records expenses over the last four months (some
with a place, for the map), creates a personal API token, and so leaves a few audit events (logins, a user
created by an administrator, a token). Everything goes through `/sysapi`, as a script would, so the data
is what the services make of it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

import httpx

from tests.conftest import API_KEY

ADMIN, PARTNER, FLATMATE = 'alice', 'bob', 'carol'
PASSWORD = 'household password'
TOKEN_NAME = 'Phone shortcut'
MONTHS = 4
DESCRIPTIONS = ['Supermarket', 'Bakery', 'Dinner out', 'Metro tickets', 'Pharmacy', 'Cinema', 'Hardware store']
RECURRING = [('Rent', '850', 'month', 1, -40), ('Music streaming', '10.99', 'month', 1, 6), ('Gym', '15', 'week', 2, 3)]
TOUR_RATE = '1.08'  # a dollar rate entered by hand (issue 20): Settings › Exchange rates shows it
PLACES = [('Market', 48.8530, 2.3499), ('Bakery', 48.8606, 2.3376), ('Station', 48.8443, 2.3744)]


@dataclass(frozen=True)
class Household:
    usernames: tuple[str, ...]
    password: str
    expenses: int
    month: str  # the current month, YYYY-MM, where the dashboard opens


class Account:
    """One user's API session (cookie + installation key)."""

    def __init__(self, url: str, username: str, password: str) -> None:
        self.client = httpx.Client(base_url=url + '/sysapi', params={'key': API_KEY}, timeout=30)
        self.call('post', '/login', data={'username': username, 'password': password})

    def call(self, method: str, path: str, **kwargs) -> dict | list:
        response = self.client.request(method, path, **kwargs)
        if response.status_code != 200:
            raise AssertionError(f'{method.upper()} /sysapi{path} answered {response.status_code}: {response.text}')
        return response.json()

    def close(self) -> None:
        self.client.close()


def _months_back(today: date, count: int) -> list[tuple[int, int]]:
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def _record_expenses(account: Account, today: date, rng: random.Random) -> int:
    """About a dozen expenses a month in categories and subcategories the account sees, never after today."""
    tree = account.call('get', '/categories')
    methods = account.call('get', '/payment_methods')
    count = 0
    for year, month in _months_back(today, MONTHS):
        last_day = today.day if (year, month) == (today.year, today.month) else 28
        for _ in range(12):
            category = rng.choice(tree)
            children = category['children']
            body = {
                'amount': f'{rng.randint(150, 9000) / 100:.2f}',
                'date': date(year, month, rng.randint(1, last_day)).isoformat(),
                'category_id': category['id'],
                'subcategory_id': rng.choice(children)['id'] if children and rng.random() < 0.7 else None,
                'payment_method_id': rng.choice(methods)['id'],
                'description': rng.choice(DESCRIPTIONS),
            }
            if rng.random() < 0.3:
                place, latitude, longitude = rng.choice(PLACES)
                body.update(place=place, latitude=latitude, longitude=longitude)
            account.call('post', '/expense_create', json=body)
            count += 1
    return count


def add_recurring(account: Account, today: date, rules: list[tuple[str, str, str, int, int]]) -> int:
    """Recurring rules (description, amount, unit, every, days from today to the start); the expenses
    they recorded at once (a rule that started in the past records its past dates)."""
    category = account.call('get', '/categories')[0]['id']
    method = account.call('get', '/payment_methods')[0]['id']
    made = 0
    for description, amount, unit, every, days in rules:
        body = {'amount': amount, 'category_id': category, 'payment_method_id': method, 'unit': unit, 'every': every}
        body.update(description=description, start=date.fromordinal(today.toordinal() + days).isoformat())
        made += account.call('post', '/recurring_create', json=body)['rule']['created_count']
    return made


def seed_household(url: str, admin_password: str, today: date | None = None) -> Household:
    """Fill the installation whose administrator `ADMIN` (with `admin_password`) the wizard created."""
    today = today or date.today()
    rng = random.Random(12)
    admin = Account(url, ADMIN, admin_password)
    accounts = [admin]
    try:
        for username in (PARTNER, FLATMATE):
            admin.call('post', '/users/create', json={'username': username, 'password': PASSWORD})
            admin.call('post', '/users/link', json={'user1': ADMIN, 'user2': username})
            accounts.append(Account(url, username, PASSWORD))
        # a household of three where everyone shares with everyone (a chain is tested in test_household_chain)
        admin.call('post', '/users/link', json={'user1': PARTNER, 'user2': FLATMATE})
        partner = accounts[1]
        garden = partner.call('post', '/category_create', json={'name': 'Garden', 'color': '#15803d', 'icon': 'yard'})
        partner.call('post', '/category_create', json={'name': 'Plants', 'parent_id': garden['category']['id']})
        admin.call('post', '/tokens', json={'name': TOKEN_NAME})
        expenses = sum(_record_expenses(account, today, rng) for account in accounts)
        expenses += add_recurring(admin, today, RECURRING)
        # budgets: everything for the household, the partner's Garden with rollover (issue 17)
        admin.call('post', '/budget_create', json={'amount': '900'})
        admin.call(
            'post', '/budget_create', json={'amount': '40', 'category_id': garden['category']['id'], 'rollover': True}
        )
        expenses += shared_shopping(admin, accounts[1], today, 'Weekly shop')
        tag_outings(admin)
        admin.call('post', '/rates', json={'currency': 'USD', 'rate': TOUR_RATE, 'date': today.isoformat()})
    finally:
        for account in accounts:
            account.close()
    return Household(
        usernames=(ADMIN, PARTNER, FLATMATE), password=PASSWORD, expenses=expenses, month=today.strftime('%Y-%m')
    )


def shared_shopping(payer: Account, other: Account, today: date, description: str) -> int:
    """An expense of the payer's split equally with everyone linked to them, and the other's partial
    settlement (issue 20): the Household page then has balances, a suggestion and a settlement to show."""
    payer_id = next(u['id'] for u in payer.call('get', '/users')['users'] if u['is_me'])
    linked = [link['user_id'] for link in payer.call('get', '/users/linked')['linked']]
    tree = payer.call('get', '/categories')
    methods = payer.call('get', '/payment_methods')
    body = {
        'amount': '90.00',
        'date': today.isoformat(),
        'category_id': tree[0]['id'],
        'payment_method_id': methods[0]['id'],
        'description': description,
        'split': {'mode': 'equal', 'members': [payer_id, *linked]},
    }
    payer.call('post', '/expense_create', json=body)
    other_id = next(u['id'] for u in other.call('get', '/users')['users'] if u['is_me'])
    other.call('post', '/settlement_create', json={'from_user_id': other_id, 'to_user_id': payer_id, 'amount': '10'})
    return 1


# Tags and a receipt (issue 18): the household's cinema outings ("Cinema", "Cinéma": the search folds accents) get
# the tag "Paris", the same in both languages, and one of them a till receipt, so that the tour sees a search with
# filters (the tags' chips, a receipt's mark) and Settings › Tags with data, in English and in French.
OUTINGS_TAG = 'Paris'
OUTINGS_SEARCH = f'/expenses?search=cinema&tag={OUTINGS_TAG}'


def tag_outings(account: Account) -> int:
    """Tag what a search for "cinema" finds (every linked account's), attach a receipt to one; how many."""
    from tests import receipt_images

    found = account.call('get', '/expenses', params={'search': 'cinema', 'limit': 100})
    assert isinstance(found, dict)
    outings = found['expenses']
    for expense in outings:
        account.call('post', '/expense_update', json={'id': expense['id'], 'tags': [OUTINGS_TAG]})
    if outings:
        photo = receipt_images.receipt_photo('Cinéma du Panthéon', [('PLACE', 950), ('POPCORN', 450)], '14/03/2026')
        files = {'file': ('ticket.jpg', photo, 'image/jpeg')}
        account.call('post', '/receipt_upload', data={'expense_id': str(outings[0]['id'])}, files=files)
    return len(outings)
