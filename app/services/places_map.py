"""The map page's data: the month's expenses that have a position, and which of them share a marker."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from peewee import JOIN

from app.db import db
from app.i18n import Message
from app.models import Category, Expense, PaymentMethod, User
from app.services.access import visible_owner_ids
from app.services.errors import Invalid
from app.services.geometry import group_positions
from app.services.months import Month
from app.services.timestamps import as_date


@dataclass(frozen=True, slots=True, kw_only=True)
class MapExpense:
    id: int
    latitude: float
    longitude: float
    amount_cents: int
    day: date
    category_id: int
    category: str
    color: str
    icon: str
    subcategory: str
    payment_method: str
    description: str
    place: str
    owner: str


@dataclass(frozen=True, slots=True)
class MapCategory:
    id: int
    name: str
    color: str
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class MapMonth:
    month: Month
    expenses: tuple[MapExpense, ...]
    categories: tuple[MapCategory, ...]  # the filter's choices: every category of the month, filtered or not
    located: int
    unlocated: int

    @property
    def total_cents(self) -> int:
        return sum(e.amount_cents for e in self.expenses)


def _category_filter(category_id: object) -> int | None:
    if category_id in (None, '', 0, '0'):
        return None
    try:
        return int(category_id)  # type: ignore[call-overload]  # anything a caller passes; refused below
    except (TypeError, ValueError):
        raise Invalid(Message('The category filter must be a category id.'), field='category_id') from None


def _on_earth(latitude: float, longitude: float) -> bool:
    """False for a position written by hand into the database that no map can draw."""
    return math.isfinite(latitude) and math.isfinite(longitude) and -90 <= latitude <= 90 and -180 <= longitude <= 180


def month_map(user: User | int, month: Month, category_id: object = None) -> MapMonth:
    """The month's expenses that have a position, for the map; `category_id` keeps one category."""
    owner_ids = visible_owner_ids(user)
    wanted = _category_filter(category_id)
    sub = Category.alias('sub')
    with db.atomic():  # a read snapshot (deferred: a read must not take the write lock and stall every writer)
        in_month = Expense.owner.in_(owner_ids) & (Expense.date >= month.first_day) & (Expense.date <= month.last_day)
        located = Expense.latitude.is_null(False) & Expense.longitude.is_null(False)
        unlocated = Expense.select().where(in_month & ~located).count()
        query = (
            Expense.select(
                Expense.id,
                Expense.latitude,
                Expense.longitude,
                Expense.amount_cents,
                Expense.date,
                Category.id,
                Category.name,
                Category.color,
                Category.icon,
                sub.name,
                PaymentMethod.name,
                Expense.description,
                Expense.place,
                User.username,
            )
            .join(Category, on=Expense.category == Category.id)
            .switch(Expense)
            .join(sub, JOIN.LEFT_OUTER, on=Expense.subcategory == sub.id)
            .switch(Expense)
            .join(PaymentMethod, JOIN.LEFT_OUTER, on=Expense.payment_method == PaymentMethod.id)
            .switch(Expense)
            .join(User, on=Expense.owner == User.id)
            .where(in_month & located)
            .order_by(Expense.date.desc(), Expense.id.desc())
        )
        everything = [
            MapExpense(
                id=r[0],
                latitude=r[1],
                longitude=r[2],
                amount_cents=r[3],
                day=as_date(r[4]),
                category_id=r[5],
                category=r[6],
                color=r[7] or '#6366f1',
                icon=r[8] or 'label',
                subcategory=r[9] or '',
                payment_method=r[10] or '',
                description=r[11] or '',
                place=r[12] or '',
                owner=r[13],
            )
            for r in query.tuples().execute()
            if _on_earth(r[1], r[2])
        ]
    counts = Counter(e.category_id for e in everything)
    first: dict[int, MapExpense] = {}
    for e in everything:
        first.setdefault(e.category_id, e)
    categories = sorted(
        (MapCategory(cid, first[cid].category, first[cid].color, n) for cid, n in counts.items()),
        key=lambda c: c.name.casefold(),
    )
    shown = tuple(e for e in everything if wanted is None or e.category_id == wanted)
    return MapMonth(
        month=month, expenses=shown, categories=tuple(categories), located=len(everything), unlocated=unlocated
    )


def group_markers(expenses: Sequence[MapExpense], radius_m: float) -> list[list[MapExpense]]:
    """Expenses drawn as one marker when they are within `radius_m`; each group newest first."""
    if not expenses:
        return []
    groups = []
    for indexes in group_positions([(e.latitude, e.longitude) for e in expenses], max(radius_m, 1.0)):
        items = sorted((expenses[i] for i in indexes), key=lambda e: (e.day, e.id), reverse=True)
        groups.append(items)
    groups.sort(key=lambda g: (g[0].day, g[0].id), reverse=True)
    return groups
