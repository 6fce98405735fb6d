"""A French household for the tour: two linked accounts that read French, with French data, made through the API.

Its own household, linked to nobody of the English one, so that a French page shows no English category or
description (the tour's language check would rightly call them English words). The first account is an
administrator (the Users, Journal and Update tabs are toured in French too); the English administrator
creates it with `Accept-Language: fr`, so its starting categories and payment methods come in French
(Alimentation, Espèces, Chèque...). The tour then sets its language, currency and formats in Settings, in
the browser, before `seed_french_data` adds the second account (who takes those formats), a category with
a subcategory, an API token and four months of spending, some with a place.
"""

from __future__ import annotations

import random
from datetime import date

from tests.e2e.household import MONTHS, Account, _months_back, add_recurring, shared_shopping, tag_outings

FRENCH_ADMIN, FRENCH_PARTNER = 'camille', 'mathis'
FRENCH_TOKEN = 'Raccourci du téléphone'
FRENCH_GARDEN, FRENCH_PLANTS = 'Jardin', 'Plantes'
DESCRIPTIONS = ['Supermarché', 'Boulangerie', 'Dîner au restaurant', 'Tickets de métro', 'Pharmacie', 'Cinéma']
PLACES = [('Marché', 48.8530, 2.3499), ('Boulangerie du coin', 48.8606, 2.3376), ('Gare de Lyon', 48.8443, 2.3744)]
RECURRING = [('Loyer', '850', 'month', 1, -40), ('Abonnement musique', '10,99', 'month', 1, 6)]
FRENCH = {'Accept-Language': 'fr-FR,fr;q=0.9'}


def create_french_admin(url: str, admin: str, admin_password: str, password: str) -> None:
    """The French administrator, created by the English one in French (its presets are French)."""
    creator = Account(url, admin, admin_password)
    try:
        creator.client.headers.update(FRENCH)
        creator.call('post', '/users/create', json={'username': FRENCH_ADMIN, 'password': password, 'is_admin': True})
    finally:
        creator.close()


def seed_french_data(url: str, password: str, today: date | None = None) -> int:
    """The partner, the link, a category, a token and the spending; the number of expenses recorded."""
    today = today or date.today()
    rng = random.Random(15)
    camille = Account(url, FRENCH_ADMIN, password)
    accounts = [camille]
    try:
        camille.client.headers.update(FRENCH)
        camille.call('post', '/users/create', json={'username': FRENCH_PARTNER, 'password': password})
        camille.call('post', '/users/link', json={'user1': FRENCH_ADMIN, 'user2': FRENCH_PARTNER})
        accounts.append(Account(url, FRENCH_PARTNER, password))
        garden_body = {'name': FRENCH_GARDEN, 'color': '#15803d', 'icon': 'yard'}
        garden = camille.call('post', '/category_create', json=garden_body)
        camille.call('post', '/category_create', json={'name': FRENCH_PLANTS, 'parent_id': garden['category']['id']})
        camille.call('post', '/tokens', json={'name': FRENCH_TOKEN})
        recorded = sum(_record(account, today, rng) for account in accounts)
        camille.call('post', '/budget_create', json={'amount': '900'})  # budgets (issue 17)
        camille.call(
            'post', '/budget_create', json={'amount': '40', 'category_id': garden['category']['id'], 'rollover': True}
        )
        recorded += shared_shopping(camille, accounts[1], today, 'Courses de la semaine')
        tag_outings(camille)
        return recorded + add_recurring(camille, today, RECURRING)
    finally:
        for account in accounts:
            account.close()


def _record(account: Account, today: date, rng: random.Random) -> int:
    tree = account.call('get', '/categories')
    methods = account.call('get', '/payment_methods')
    count = 0
    for year, month in _months_back(today, MONTHS):
        last_day = today.day if (year, month) == (today.year, today.month) else 28
        for _ in range(10):
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
