"""The starting categories and payment methods the setup wizard offers; every one can be edited later."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

from app.i18n import Message
from app.models import User
from app.services import categories as category_service
from app.services import payment_methods
from app.services.errors import ServiceError

DEFAULT_CATEGORIES: list[dict] = [
    {'name': 'Food', 'color': '#f59e0b', 'icon': 'restaurant', 'children': ['Groceries', 'Restaurants', 'Bakery']},
    {
        'name': 'Transport',
        'color': '#3b82f6',
        'icon': 'directions_car',
        'children': ['Fuel', 'Public transport', 'Parking'],
    },
    {'name': 'Housing', 'color': '#8b5cf6', 'icon': 'home', 'children': ['Rent', 'Utilities', 'Insurance']},
    {'name': 'Health', 'color': '#ef4444', 'icon': 'favorite', 'children': ['Pharmacy', 'Doctor']},
    {
        'name': 'Leisure',
        'color': '#10b981',
        'icon': 'sports_esports',
        'children': ['Outings', 'Subscriptions', 'Travel'],
    },
    {'name': 'Shopping', 'color': '#ec4899', 'icon': 'shopping_bag', 'children': ['Clothes', 'Electronics', 'Home']},
]

DEFAULT_PAYMENT_METHODS: list[dict] = [
    {'name': 'Cash', 'icon': 'payments'},
    {'name': 'Card', 'icon': 'credit_card'},
    {'name': 'Transfer', 'icon': 'account_balance'},
]


def seed(user: User, categories: Iterable[Mapping], methods: Iterable[Mapping]) -> tuple[int, int]:
    """Create starting categories (with their `children`) and payment methods for `user` through
    `categories.create_category` and `payment_methods.create_payment_method`, so that the rules on names
    (80 characters, no duplicate) are theirs. A refused item stops the whole set, naming the item, rather
    than being left out unnoticed. Returns how many categories and payment methods were created; the
    caller holds the transaction."""
    made_categories = made_methods = 0
    for preset in categories:
        with _naming('category', preset.get('name')):
            parent = category_service.create_category(
                user, preset.get('name'), None, preset.get('color'), preset.get('icon')
            )
        made_categories += 1
        for child in preset.get('children', ()):
            with _naming('subcategory', child):
                category_service.create_category(user, child, parent.id, parent.color, parent.icon)
            made_categories += 1
    for preset in methods:
        with _naming('payment method', preset.get('name')):
            payment_methods.create_payment_method(user, preset.get('name'), preset.get('icon'))
        made_methods += 1
    return made_categories, made_methods


@contextmanager
def _naming(kind: str, name: object) -> Iterator[None]:
    """Say which starting item a service refused (`kind`: 'category', 'subcategory' or 'payment method'):
    the wizard shows the message away from the list."""
    try:
        yield
    except ServiceError as exc:
        shown = ' '.join(str(name or '').split())
        shown = shown if len(shown) <= 30 else shown[:30] + '…'
        if kind == 'category':
            message = Message("The starting category '{name}' cannot be created: {reason}", name=shown, reason=exc.text)
        elif kind == 'subcategory':
            message = Message(
                "The starting subcategory '{name}' cannot be created: {reason}", name=shown, reason=exc.text
            )
        else:
            message = Message(
                "The starting payment method '{name}' cannot be created: {reason}", name=shown, reason=exc.text
            )
        raise type(exc)(message, field='categories') from None
