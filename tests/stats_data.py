"""Hand-built data for the statistics tests, inserted through the models directly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.models import Category, Expense, PaymentMethod, User
from tests.builders import make_user


@dataclass
class Household:
    user: User
    food: Category
    groceries: Category
    restaurants: Category
    transport: Category
    fuel: Category
    gifts: Category  # a category without subcategories
    card: PaymentMethod
    cash: PaymentMethod


def household(username: str = 'alice', *, admin: bool = True) -> Household:
    user = make_user(username, admin=admin)
    food = Category.create(owner=user, name='Food', color='#f59e0b')
    transport = Category.create(owner=user, name='Transport', color='#3b82f6')
    return Household(
        user=user,
        food=food,
        groceries=Category.create(owner=user, name='Groceries', parent=food, color='#fbbf24'),
        restaurants=Category.create(owner=user, name='Restaurants', parent=food, color='#d97706'),
        transport=transport,
        fuel=Category.create(owner=user, name='Fuel', parent=transport, color='#60a5fa'),
        gifts=Category.create(owner=user, name='Gifts', color='#ec4899'),
        card=PaymentMethod.create(owner=user, name='Card'),
        cash=PaymentMethod.create(owner=user, name='Cash'),
    )


def spend(
    owner: User,
    cents: int,
    day: date | str,
    category: Category,
    subcategory: Category | None = None,
    payment_method: PaymentMethod | None = None,
    description: str = '',
) -> Expense:
    return Expense.create(
        owner=owner,
        amount_cents=cents,
        date=day if isinstance(day, date) else date.fromisoformat(day),
        category=category,
        subcategory=subcategory,
        payment_method=payment_method,
        description=description,
    )
