"""Test data for sharing: users with categories, payment methods and expenses made through the models,
so these tests do not depend on the expense services being built elsewhere."""

from __future__ import annotations

from datetime import date

from peewee import fn

from app.models import Category, Expense, PaymentMethod, User


def household(user: User, prefix: str = '') -> dict:
    """A parent category with a subcategory and a payment method owned by `user`."""
    food = Category.create(owner=user, name=f'{prefix}Food', color='#f59e0b', icon='restaurant')
    groceries = Category.create(owner=user, name=f'{prefix}Groceries', parent=food, color='#f59e0b', icon='restaurant')
    card = PaymentMethod.create(owner=user, name=f'{prefix}Card', icon='credit_card')
    return {'food': food, 'groceries': groceries, 'card': card}


def spend(
    owner: User,
    cents: int,
    category: Category,
    *,
    subcategory: Category | None = None,
    method: PaymentMethod | None = None,
    day: date = date(2026, 1, 15),
    description: str = '',
) -> Expense:
    return Expense.create(
        owner=owner,
        amount_cents=cents,
        date=day,
        category=category,
        subcategory=subcategory,
        payment_method=method,
        description=description,
    )


def totals(user: User) -> dict:
    """Everything an unlink must not change about `user`'s expenses: count, sum, and sums by the names of
    their category, subcategory and payment method."""
    rows = list(Expense.select().where(Expense.owner == user.id).order_by(Expense.id))
    by_name: dict[tuple, int] = {}
    for e in rows:
        key = (
            Category.get_by_id(e.category_id).name,
            Category.get_by_id(e.subcategory_id).name if e.subcategory_id else None,
            PaymentMethod.get_by_id(e.payment_method_id).name if e.payment_method_id else None,
        )
        by_name[key] = by_name.get(key, 0) + e.amount_cents
    total = Expense.select(fn.SUM(Expense.amount_cents)).where(Expense.owner == user.id).scalar() or 0
    return {'count': len(rows), 'total': total, 'ids': [e.id for e in rows], 'by_name': by_name}
