"""The figures of a place from its visits (visits, total, last visit, the spelling, category and payment method
used most often there), kept as running counts so a visit can join a place without counting it again."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.services.places_grouping import Visit


@dataclass(frozen=True, slots=True, kw_only=True)
class Found:
    """A place as the cache keeps it: its figures and expenses, before names are looked up."""

    name: str
    latitude: float
    longitude: float
    visits: int
    last_visit: date | None
    total_cents: int
    category_id: int | None
    subcategory_id: int | None
    payment_method_id: int | None
    expense_ids: tuple[int, ...]

    @property
    def label(self) -> str:
        """What a person reads: the name, or the position when nobody named the place yet."""
        return self.name or f'{self.latitude:.4f}, {self.longitude:.4f}'


def _spelling(visit: Visit) -> Hashable:
    return visit.place or None


def _pair(visit: Visit) -> Hashable:
    return None if visit.category_id is None else (visit.category_id, visit.subcategory_id)


def _method(visit: Visit) -> Hashable:
    return visit.payment_method_id


def most_used(counts: Counter[Any], visits: Sequence[Visit], value_of: Callable[[Visit], Hashable]) -> Any:
    """The value used most often; a tie goes to the one used most recently (then to the one met first). None
    values are skipped. `counts` were counted in the visits' order; the days are looked at only for a tie."""
    top = max((count for value, count in counts.items() if value is not None), default=0)
    if not top:
        return None
    tied = [value for value, count in counts.items() if count == top and value is not None]  # in the order met
    if len(tied) == 1:
        return tied[0]
    wanted = set(tied)
    latest: dict[Hashable, date] = {}
    for visit in visits:
        value, day = value_of(visit), visit.day
        if value in wanted and day is not None and (value not in latest or day > latest[value]):
            latest[value] = day
    return max(tied, key=lambda v: latest.get(v, date.min))


class Tally:
    """The running figures of a group: counted once in one C pass each, then visit by visit as visits join."""

    __slots__ = ('spellings', 'pairs', 'methods', 'total_cents', 'last_visit', 'expense_ids')

    def __init__(self, visits: Sequence[Visit]) -> None:
        self.spellings: Counter[Any] = Counter([v.place for v in visits if v.place])
        self.pairs: Counter[Any] = Counter(
            [(v.category_id, v.subcategory_id) for v in visits if v.category_id is not None]
        )
        self.methods: Counter[Any] = Counter([v.payment_method_id for v in visits])
        self.total_cents = sum(v.amount_cents for v in visits)
        self.last_visit = max((v.day for v in visits if v.day is not None), default=None)
        self.expense_ids = [v.expense_id for v in visits]

    def add(self, visit: Visit) -> None:
        if visit.place:
            self.spellings[visit.place] += 1
        if visit.category_id is not None:
            self.pairs[(visit.category_id, visit.subcategory_id)] += 1
        self.methods[visit.payment_method_id] += 1
        self.total_cents += visit.amount_cents
        if visit.day is not None and (self.last_visit is None or visit.day > self.last_visit):
            self.last_visit = visit.day
        self.expense_ids.append(visit.expense_id)

    def found(self, visits: Sequence[Visit], latitude: float, longitude: float) -> Found:
        pair = most_used(self.pairs, visits, _pair)
        category_id, subcategory_id = pair if pair else (None, None)
        return Found(
            name=most_used(self.spellings, visits, _spelling) or '',
            latitude=latitude,
            longitude=longitude,
            visits=len(visits),
            last_visit=self.last_visit,
            total_cents=self.total_cents,
            category_id=category_id,
            subcategory_id=subcategory_id,
            payment_method_id=most_used(self.methods, visits, _method),
            expense_ids=tuple(self.expense_ids),
        )
