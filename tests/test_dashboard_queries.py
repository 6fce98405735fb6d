"""The dashboard sends a fixed number of queries, whatever the size of the household and of its month.

`playhouse.test_utils.assert_query_count` counts every statement peewee sends. The count is pinned for a
small and a large household: more expenses, categories, subcategories or payment methods must never mean
more queries (one per figure, one per kind of name, whatever the number of rows).
"""

from __future__ import annotations

import random
from datetime import date

import pytest
from playhouse.test_utils import assert_query_count

from app.models import Category, PaymentMethod
from app.services import stats
from app.services.months import Month
from tests.builders import link
from tests.stats_data import Household, household, spend

pytestmark = pytest.mark.usefixtures('database')

FEB_2024 = Month(2024, 2)

# the owners the viewer sees (links, then which linked users are still there), the month's days, its
# categories and their names, its payment methods and their names, its top expenses and their owners'
# names, the summary with the month before, the year and the names of the year's other categories
DASHBOARD_QUERIES = 12


def crowded_household(expenses_per_user: int, extra_categories: int) -> Household:
    """alice, linked to bob and to carol; each with `extra_categories` more categories (two subcategories
    each) and payment methods, and `expenses_per_user` expenses in February 2024 over all of them, plus
    expenses in other months of 2024 in a category February never uses (the year chart names it)."""
    rng = random.Random(expenses_per_user)
    people = [household('alice'), household('bob', admin=False), household('carol', admin=False)]
    link(people[0].user, people[1].user)
    link(people[0].user, people[2].user)
    for person in people:
        choices: list[tuple[Category, Category | None]] = [
            (person.food, person.groceries),
            (person.food, None),
            (person.transport, person.fuel),
            (person.gifts, None),
        ]
        methods: list[PaymentMethod | None] = [person.card, person.cash, None]
        for number in range(extra_categories):
            parent = Category.create(owner=person.user, name=f'Category {number}', color='#22c55e')
            for sub in ('a', 'b'):
                choices.append((parent, Category.create(owner=person.user, name=f'{sub} {number}', parent=parent)))
            methods.append(PaymentMethod.create(owner=person.user, name=f'Method {number}'))
        for _ in range(expenses_per_user):
            category, subcategory = rng.choice(choices)
            day = date(2024, 2, rng.randint(1, 29))
            spend(person.user, rng.randint(1, 50_000), day, category, subcategory, rng.choice(methods), 'shop')
        holidays = Category.create(owner=person.user, name='Holidays', color='#0ea5e9')
        for month in (1, 7, 12):
            spend(person.user, rng.randint(1, 50_000), date(2024, month, 15), holidays)
    return people[0]


@pytest.mark.parametrize(('expenses_per_user', 'extra_categories'), [(4, 1), (200, 20)])
def test_the_dashboard_query_count_does_not_grow_with_the_data(expenses_per_user: int, extra_categories: int) -> None:
    alice = crowded_household(expenses_per_user, extra_categories)
    with assert_query_count(DASHBOARD_QUERIES):
        data = stats.dashboard(alice.user, FEB_2024)
    # the figures are whole: every expense of the three linked users, and names for all of them
    assert data.stats.count == 3 * expenses_per_user
    assert len(data.category_distribution) <= 3 + extra_categories
    assert {e.owner for e in data.top_expenses} <= {'alice', 'bob', 'carol'}
    assert 'Holidays' in [c.name for c in data.year_overview.categories]
    assert stats.DELETED_CATEGORY not in [c.name for c in data.category_distribution]
