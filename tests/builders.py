"""The one place for building a test's world: users, links between them, and the categories, payment methods
and expenses they own. The themed data sets built on these (statistics, sharing, places) are in
tests/stats_data.py, tests/sharing_data.py and tests/places_data.py; the `alice` and `things` fixtures
(tests/conftest.py) are `make_user('alice')` and `basics(alice)`.
"""

from __future__ import annotations

from app.models import User, UserLink
from app.services import categories, expenses, payment_methods, users

PASSWORD = 'correct horse battery'


def make_user(username: str = 'alice', password: str = PASSWORD, *, admin: bool = False) -> User:
    return users.create_user(username, password, is_admin=admin)


def link(first: User, second: User) -> None:
    """An active link between two users, as if `first` had invited `second` and been accepted."""
    a, b = sorted((first.id, second.id))
    UserLink.create(user_a=a, user_b=b, status='active', invited_by=first.id)


def basics(user: User) -> dict:
    """Food (with Groceries and Restaurants), Transport, and Card / Cash for `user`."""
    food = categories.create_category(user, 'Food', color='#f59e0b')
    return {
        'food': food,
        'groceries': categories.create_category(user, 'Groceries', parent_id=food.id),
        'restaurants': categories.create_category(user, 'Restaurants', parent_id=food.id),
        'transport': categories.create_category(user, 'Transport'),
        'card': payment_methods.create_payment_method(user, 'Card'),
        'cash': payment_methods.create_payment_method(user, 'Cash'),
    }


def add(user: User, things: dict, amount='10.00', date='2026-01-15', **fields):
    data = {
        'amount': amount,
        'date': date,
        'category_id': things['food'].id,
        'payment_method_id': things['card'].id,
        **fields,
    }
    return expenses.create_expense(user, data)
