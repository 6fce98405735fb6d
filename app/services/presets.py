"""The starting categories and payment methods the setup wizard offers; every one can be edited later."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

from app.i18n import DEFAULT, N_, Message, supported, translations
from app.models import User
from app.services import categories as category_service
from app.services import payment_methods as payment_method_service
from app.services.errors import ServiceError

# The names are English msgids (N_ marks them for the catalogue); `categories(language)` and
# `payment_methods(language)` give them in a person's language. They are stored as data in that language when
# an account is seeded, and never translated again: a person renames them as they like.
DEFAULT_CATEGORIES: list[dict] = [
    {
        'name': N_('Food'),
        'color': '#f59e0b',
        'icon': 'restaurant',
        'children': [N_('Groceries'), N_('Restaurants'), N_('Bakery')],
    },
    {
        'name': N_('Transport'),
        'color': '#3b82f6',
        'icon': 'directions_car',
        'children': [N_('Fuel'), N_('Public transport'), N_('Parking')],
    },
    {
        'name': N_('Housing'),
        'color': '#8b5cf6',
        'icon': 'home',
        'children': [N_('Rent'), N_('Utilities'), N_('Insurance')],
    },
    {'name': N_('Health'), 'color': '#ef4444', 'icon': 'favorite', 'children': [N_('Pharmacy'), N_('Doctor')]},
    {
        'name': N_('Leisure'),
        'color': '#10b981',
        'icon': 'sports_esports',
        'children': [N_('Outings'), N_('Subscriptions'), N_('Travel')],
    },
    {
        'name': N_('Shopping'),
        'color': '#ec4899',
        'icon': 'shopping_bag',
        'children': [N_('Clothes'), N_('Electronics'), N_('Home')],
    },
]

DEFAULT_PAYMENT_METHODS: list[dict] = [
    {'name': N_('Cash'), 'icon': 'payments'},
    {'name': N_('Card'), 'icon': 'credit_card'},
    {'name': N_('Transfer'), 'icon': 'account_balance'},
    {'name': N_('Cheque'), 'icon': 'receipt_long'},
]


def _named(msgid: str, language: str) -> str:
    return translations(supported(language)).gettext(msgid)


def categories(language: str = DEFAULT) -> list[dict]:
    """The starting categories (fresh copies, each with its `children`), named in `language`."""
    return [
        {
            **preset,
            'name': _named(preset['name'], language),
            'children': [_named(c, language) for c in preset['children']],
        }
        for preset in DEFAULT_CATEGORIES
    ]


def payment_methods(language: str = DEFAULT) -> list[dict]:
    """The starting payment methods (fresh copies), named in `language`: Cash, Card… / Espèces, Carte…"""
    return [{**preset, 'name': _named(preset['name'], language)} for preset in DEFAULT_PAYMENT_METHODS]


def seed(user: User, chosen_categories: Iterable[Mapping], methods: Iterable[Mapping]) -> tuple[int, int]:
    """Create starting categories (with their `children`) and payment methods for `user` through
    `categories.create_category` and `payment_methods.create_payment_method`, so that the rules on names
    (80 characters, no duplicate) are theirs. A refused item stops the whole set, naming the item, rather
    than being left out unnoticed. Returns how many categories and payment methods were created; the
    caller holds the transaction."""
    made_categories = made_methods = 0
    for preset in chosen_categories:
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
            payment_method_service.create_payment_method(user, preset.get('name'), preset.get('icon'))
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
