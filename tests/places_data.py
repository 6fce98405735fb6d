"""Real coordinates and a small household for the places tests (service, API, pages)."""

from __future__ import annotations

import math
from datetime import date

from app.models import Category, Expense, PaymentMethod, User

# Rue Saint-Jacques, Paris 5e: a bakery, and a supermarket 100 m due east of it on the same street.
BAKERY = (48.851000, 2.347000)
METRES_PER_DEGREE = 111_195.0  # on a sphere of the mean Earth radius


def east_of(position: tuple[float, float], metres: float) -> tuple[float, float]:
    lat, lon = position
    return lat, lon + metres / (METRES_PER_DEGREE * math.cos(math.radians(lat)))


def north_of(position: tuple[float, float], metres: float) -> tuple[float, float]:
    lat, lon = position
    return lat + metres / METRES_PER_DEGREE, lon


SUPERMARKET = east_of(BAKERY, 100)
PHARMACY = north_of(BAKERY, 600)
# Taveuni, Fiji: the 180th meridian crosses the island. Two cafés either side of it, ~106 m apart.
FIJI_EAST = (-16.800000, 179.999500)
FIJI_WEST = (-16.800000, -179.999500)


class Household:
    """Categories and payment methods of one owner, by name."""

    def __init__(self, owner: User) -> None:
        self.owner = owner
        food = Category.create(owner=owner, name='Food', color='#f59e0b', icon='restaurant')
        health = Category.create(owner=owner, name='Health', color='#ef4444', icon='favorite')
        self.categories = {
            'Food': food,
            'Health': health,
            'Bakery': Category.create(owner=owner, name='Bakery', parent=food),
            'Groceries': Category.create(owner=owner, name='Groceries', parent=food),
            'Pharmacy': Category.create(owner=owner, name='Pharmacy', parent=health),
        }
        self.methods = {name: PaymentMethod.create(owner=owner, name=name) for name in ('Cash', 'Card')}

    def spend(
        self,
        position: tuple[float, float] | None,
        *,
        cents: int = 250,
        day: date = date(2026, 1, 15),
        category: str = 'Food',
        subcategory: str | None = None,
        method: str | None = 'Card',
        place: str = '',
        description: str = '',
        owner: User | None = None,
    ) -> Expense:
        return Expense.create(
            owner=owner or self.owner,
            amount_cents=cents,
            date=day,
            category=self.categories[category],
            subcategory=self.categories[subcategory] if subcategory else None,
            payment_method=self.methods[method] if method else None,
            description=description,
            latitude=position[0] if position else None,
            longitude=position[1] if position else None,
            place=place,
        )
