"""Where the money went: every figure of the dashboard, computed by the database.

Each figure is one aggregate query (SUM / COUNT / MAX with GROUP BY) over the expenses of the owners a
user may see, for one month; nothing loads a month of rows into Python. The queries filter on
(owner, date) and read only columns of the covering index on Expense, so SQLite answers them from the
index alone and the time depends on the rows of the month, not on the size of the table.

Portable to PostgreSQL: GROUP BY columns or ordinals, month numbers extracted through one helper that
knows both dialects and cast to an integer, dates normalised in Python (SQLite returns text).

Amounts are integer cents. Each figure carries `*_cents` (exact; they add up) and the same amount as a
number rounded to cents, as the API has always answered. The figures are the frozen dataclasses of
`stats_types` (re-exported here: `stats.Dashboard`, `stats.Summary`, ...), which /sysapi answers as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypedDict

from peewee import SQL, Case, fn

from app.db import db, is_postgres
from app.i18n import N_, Message
from app.models import Category, Expense, PaymentMethod, User
from app.services import clock
from app.services.errors import Invalid
from app.services.months import Month
from app.services.stats_periods import change, last_day_shown, money, month_figures, percent, week_totals
from app.services.stats_types import (
    CategoryShare,
    Changes,
    Dashboard,
    Day,
    PaymentShare,
    PreviousMonth,
    SubcategoryShare,
    Summary,
    TopExpense,
    Week,
    YearCategory,
    YearOverview,
)
from app.services.stats_views import DEFAULT_VIEW, Counted, counted_for
from app.services.timestamps import as_date

TOP_DEFAULT = 5
TOP_MAX = 100
# Names standing in for a missing one (English msgids: the pages show them translated, see STAND_INS)
NO_SUBCATEGORY = N_('Without subcategory')
NO_PAYMENT_METHOD = N_('No payment method')
DELETED_PAYMENT_METHOD = N_('Deleted payment method')
DELETED_CATEGORY = N_('Deleted category')
STAND_INS = frozenset({NO_SUBCATEGORY, NO_PAYMENT_METHOD, DELETED_PAYMENT_METHOD, DELETED_CATEGORY})
FALLBACK_COLOR = '#94a3b8'


def month_number(date_field) -> Any:
    """The month (1-12) of a date column as an integer, in the dialect of the database."""
    if is_postgres():
        return fn.date_part('month', date_field).cast('integer')
    # SQLite stores a date as 'YYYY-MM-DD' text: cutting the month out is cheaper than strftime() per row
    return fn.substr(date_field, 6, 2).cast('integer')


# --- the queries -----------------------------------------------------------------------------------


def _tuples(query: Any) -> list[tuple[Any, ...]]:
    """The rows of an aggregate query as plain tuples (peewee's stubs type `.tuples()` rows as models)."""
    return list(query.tuples())


@dataclass
class _Names:
    """Names and colours of the categories and payment methods that figures mention, fetched once per
    dashboard in one query per table (expenses of linked users may point at their categories).

    Linked users each have their own categories, often with the same names: a household's "Food" is
    one slice, so figures are merged by name (case-insensitive). The viewer's own category gives the
    id and the colour of a merged group; `*_ids` lists every id merged into it.
    """

    viewer_id: int
    categories: dict[int, Category] = field(default_factory=dict)
    payment_methods: dict[int, PaymentMethod] = field(default_factory=dict)

    def load_categories(self, ids: Iterable[int | None]) -> None:
        missing = {i for i in ids if i is not None and i not in self.categories}
        if missing:
            rows = Category.select(Category.id, Category.name, Category.color, Category.owner)
            for row in rows.where(Category.id.in_(sorted(missing))):
                self.categories[row.id] = row

    def load_payment_methods(self, ids: Iterable[int | None]) -> None:
        missing = {i for i in ids if i is not None and i not in self.payment_methods}
        if missing:
            rows = PaymentMethod.select(PaymentMethod.id, PaymentMethod.name, PaymentMethod.owner)
            for row in rows.where(PaymentMethod.id.in_(sorted(missing))):
                self.payment_methods[row.id] = row

    def category(self, category_id: int | None) -> tuple[str, str]:
        row = self.categories.get(category_id) if category_id is not None else None
        return (row.name, row.color or FALLBACK_COLOR) if row else (DELETED_CATEGORY, FALLBACK_COLOR)

    def payment_method(self, payment_method_id: int | None) -> str:
        if payment_method_id is None:
            return NO_PAYMENT_METHOD
        row = self.payment_methods.get(payment_method_id)
        return row.name if row else DELETED_PAYMENT_METHOD

    def rank(self, rows: Mapping[int, Category | PaymentMethod], object_id: int | None) -> tuple[bool, bool, int]:
        """Which id represents a merged group: the viewer's own first, then the oldest."""
        row = rows.get(object_id) if object_id is not None else None
        return (row is None or row.owner_id != self.viewer_id, object_id is None, object_id or 0)

    def category_of(self, group: _Group) -> int:
        """The id that stands for a merged group of categories (never None: every expense has one)."""
        return min((i for i in group.ids if i is not None), key=lambda i: self.rank(self.categories, i))

    def representative(self, rows: Mapping[int, Category | PaymentMethod], group: _Group) -> int | None:
        return min(group.ids, key=lambda i: self.rank(rows, i))


@dataclass
class _Group:
    """Figures of one name, merged over the ids that carry it."""

    ids: list[int | None] = field(default_factory=list)
    count: int = 0
    total: int = 0
    children: dict[Any, _Group] = field(default_factory=dict)

    def add(self, object_id: int | None, count: int, total: int) -> None:
        if object_id not in self.ids:
            self.ids.append(object_id)
        self.count += count
        self.total += total

    def known_ids(self) -> tuple[int, ...]:
        return tuple(sorted(i for i in self.ids if i is not None))

    def share_of(self, whole: int) -> _Share:
        """The figures every share (category, subcategory, payment method) carries, `percent` of `whole`."""
        return _Share(
            total=money(self.total), total_cents=self.total, count=self.count, percent=percent(self.total, whole)
        )


class _Share(TypedDict):
    total: float
    total_cents: int
    count: int
    percent: float


def _key(name: str) -> str:
    return name.strip().casefold()


def _summary(counted: Counted, month: Month, top: tuple[TopExpense, ...]) -> Summary:
    """Total, count, average and highest of the month and of the month before, in one query."""
    previous = month.previous()
    period = Case(None, [(Expense.date >= month.first_day, 1)], 0)
    rows = _tuples(
        counted.select(
            period.alias('period'),
            fn.COUNT(Expense.id).alias('n'),
            fn.SUM(counted.amount).alias('total'),
            fn.MAX(counted.amount).alias('highest'),
        )
        .where(counted.rows(previous.first_day, month.last_day))
        .group_by(SQL('1'))
    )
    figures = {0: (0, 0, 0), 1: (0, 0, 0)}
    for period_value, count, total, highest in rows:
        figures[int(period_value)] = (int(count), int(total or 0), int(highest or 0))
    count, total, highest_cents = figures[1]
    prev_count, prev_total, prev_highest = figures[0]
    this, before = month_figures(month, count, total), month_figures(previous, prev_count, prev_total)
    return Summary(
        **this,
        highest=top[0] if top else None,
        previous=PreviousMonth(**before, highest=money(prev_highest), highest_cents=prev_highest),
        change=Changes(
            total=change(total, prev_total),
            count=change(count, prev_count),
            average=change(this['average_cents'], before['average_cents']),
            highest=change(highest_cents, prev_highest),
        ),
    )


def _daily(counted: Counted, month: Month, today: date) -> tuple[Day, ...]:
    """Each day of the month that has happened (see `last_day_shown`), days without expenses included,
    with its total and the running total."""
    rows = _tuples(
        counted.select(Expense.date, fn.COUNT(Expense.id), fn.SUM(counted.amount))
        .where(counted.rows(month.first_day, month.last_day))
        .group_by(Expense.date)
    )
    per_day = {as_date(day): (int(count), int(total)) for day, count, total in rows}
    last = last_day_shown(month, today, max(per_day, default=None))
    days, running = [], 0
    for offset in range(last.day if last else 0):
        day = month.first_day + timedelta(days=offset)
        count, total = per_day.get(day, (0, 0))
        running += total
        days.append(
            Day(
                date=day,
                day=day.day,
                total=money(total),
                total_cents=total,
                count=count,
                cumulative=money(running),
                cumulative_cents=running,
            )
        )
    return tuple(days)


def _categories(counted: Counted, month: Month, names: _Names) -> tuple[CategoryShare, ...]:
    """Totals by category, each with its subcategories (expenses without one grouped together)."""
    rows = _tuples(
        counted.select(Expense.category, Expense.subcategory, fn.COUNT(Expense.id), fn.SUM(counted.amount))
        .where(counted.rows(month.first_day, month.last_day))
        .group_by(Expense.category, Expense.subcategory)
    )
    names.load_categories({r[0] for r in rows} | {r[1] for r in rows})
    groups: dict[str, _Group] = {}
    for category_id, subcategory_id, count, total in rows:
        group = groups.setdefault(_key(names.category(category_id)[0]), _Group())
        group.add(category_id, int(count), int(total))
        sub_key = _key(names.category(subcategory_id)[0]) if subcategory_id else None
        group.children.setdefault(sub_key, _Group()).add(subcategory_id, int(count), int(total))
    grand_total = sum(g.total for g in groups.values())
    result = []
    for group in groups.values():
        category_id = names.category_of(group)
        name, color = names.category(category_id)
        subcategories = []
        for sub_key, sub in group.children.items():
            sub_id = names.representative(names.categories, sub)
            sub_name, sub_color = names.category(sub_id) if sub_key is not None else (NO_SUBCATEGORY, color)
            subcategories.append(
                SubcategoryShare(
                    subcategory_id=sub_id,
                    subcategory_ids=sub.known_ids(),
                    name=sub_name,
                    color=sub_color,
                    **sub.share_of(group.total),
                )
            )
        subcategories.sort(key=lambda s: (-s.total_cents, s.subcategory_id is None, s.name.lower()))
        result.append(
            CategoryShare(
                category_id=category_id,
                category_ids=group.known_ids(),
                name=name,
                color=color,
                **group.share_of(grand_total),
                subcategories=tuple(subcategories),
            )
        )
    result.sort(key=lambda c: (-c.total_cents, c.name.lower(), c.category_id))
    return tuple(result)


def _payment_methods(counted: Counted, month: Month, names: _Names) -> tuple[PaymentShare, ...]:
    """Totals by payment method (merged by name; none and deleted ones have their own line)."""
    rows = _tuples(
        counted.select(Expense.payment_method, fn.COUNT(Expense.id), fn.SUM(counted.amount))
        .where(counted.rows(month.first_day, month.last_day))
        .group_by(Expense.payment_method)
    )
    names.load_payment_methods(r[0] for r in rows)
    groups: dict[str, _Group] = {}
    for payment_method_id, count, total in rows:
        groups.setdefault(_key(names.payment_method(payment_method_id)), _Group()).add(
            payment_method_id, int(count), int(total)
        )
    grand_total = sum(g.total for g in groups.values())
    result = []
    for group in groups.values():
        payment_method_id = names.representative(names.payment_methods, group)
        result.append(
            PaymentShare(
                payment_method_id=payment_method_id,
                payment_method_ids=group.known_ids(),
                name=names.payment_method(payment_method_id),
                **group.share_of(grand_total),
            )
        )
    result.sort(key=lambda p: (-p.total_cents, p.name.lower()))
    return tuple(result)


def _top(counted: Counted, month: Month, limit: int, names: _Names) -> tuple[TopExpense, ...]:
    """The largest expenses of the month (ties: the most recent first).

    The inner query ranks the month's rows from the covering index alone; only the `limit` winners are
    then read from the table for their description."""
    order = (counted.amount.desc(), Expense.date.desc(), Expense.id.desc())
    winners = (
        counted.select(Expense.id).where(counted.rows(month.first_day, month.last_day)).order_by(*order).limit(limit)
    )
    rows = _tuples(
        counted.select(
            Expense.id,
            Expense.date,
            counted.amount,
            Expense.description,
            Expense.category,
            Expense.subcategory,
            Expense.payment_method,
            Expense.owner,
            Expense.currency,
            Expense.original_cents,
            Expense.amount_cents,  # the whole, beside a share (view=share)
        )
        .where(Expense.id.in_(winners))
        .order_by(*order)
    )
    names.load_categories({r[4] for r in rows} | {r[5] for r in rows})
    names.load_payment_methods(r[6] for r in rows)
    owners: dict[int, str] = {}
    if len(counted.owner_ids) > 1 and rows:
        owners = dict(_tuples(User.select(User.id, User.username).where(User.id.in_({r[7] for r in rows}))))
    return tuple(
        TopExpense(
            id=expense_id,
            date=as_date(day),
            amount=money(cents),
            amount_cents=int(cents),
            description=description or '',
            category_id=category_id,
            category=names.category(category_id)[0],
            subcategory_id=subcategory_id,
            subcategory=names.category(subcategory_id)[0] if subcategory_id else None,
            payment_method_id=payment_method_id,
            payment_method=names.payment_method(payment_method_id),
            owner_id=owner_id,
            owner=owners.get(owner_id, ''),
            currency=currency,
            original_amount=money(original) if original is not None else None,
            whole_cents=int(whole) if int(whole) != int(cents) else None,
        )
        for (
            expense_id,
            day,
            cents,
            description,
            category_id,
            subcategory_id,
            payment_method_id,
            owner_id,
            currency,
            original,
            whole,
        ) in rows
    )


def _year(counted: Counted, year: int, names: _Names) -> YearOverview:
    """The 12 months of a year, each split by category (merged by name), for stacked bars."""
    month_of = month_number(Expense.date)
    rows = _tuples(
        counted.select(month_of, Expense.category, fn.SUM(counted.amount))
        .where(counted.rows(date(year, 1, 1), date(year, 12, 31)))
        .group_by(SQL('1'), Expense.category)
    )
    names.load_categories(r[1] for r in rows)
    groups: dict[str, _Group] = {}
    for month_value, category_id, total in rows:
        group = groups.setdefault(_key(names.category(category_id)[0]), _Group())
        group.add(category_id, 0, int(total))
        group.children.setdefault(int(month_value), _Group()).add(None, 0, int(total))
    categories = []
    for group in groups.values():
        category_id = names.category_of(group)
        name, color = names.category(category_id)
        amounts = tuple(group.children[m].total if m in group.children else 0 for m in range(1, 13))
        categories.append(
            YearCategory(
                category_id=category_id,
                category_ids=group.known_ids(),
                name=name,
                color=color,
                totals=tuple(money(c) for c in amounts),
                totals_cents=amounts,
                total_cents=group.total,
            )
        )
    categories.sort(key=lambda c: (-c.total_cents, c.name.lower()))
    month_totals = tuple(sum(c.totals_cents[i] for c in categories) for i in range(12))
    return YearOverview(
        year=year,
        months=tuple(str(Month(year, m)) for m in range(1, 13)),
        totals=tuple(money(c) for c in month_totals),
        totals_cents=month_totals,
        total_cents=sum(month_totals),
        categories=tuple(categories),
    )


# --- the use cases: one per figure, and the whole dashboard at once ---------------------------------


def check_limit(limit: int) -> int:
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= TOP_MAX:
        raise Invalid(
            Message('limit must be a whole number between 1 and {top_max}, such as 5.', top_max=TOP_MAX), field='limit'
        )
    return limit


def summary(user: User, month: Month, scope: str = 'everyone', view: str = DEFAULT_VIEW) -> Summary:
    counted = counted_for(user, scope, view)
    return _summary(counted, month, _top(counted, month, 1, _Names(counted.viewer_id)))


def _today(user: User, today: date | None) -> date:
    """The day that separates what happened from what has not, in the user's time zone."""
    return today if today is not None else clock.today(user.timezone)


def daily_evolution(
    user: User, month: Month, scope: str = 'everyone', today: date | None = None, view: str = DEFAULT_VIEW
) -> tuple[Day, ...]:
    return _daily(counted_for(user, scope, view), month, _today(user, today))


def weekly_comparison(
    user: User, month: Month, scope: str = 'everyone', today: date | None = None, view: str = DEFAULT_VIEW
) -> tuple[Week, ...]:
    return week_totals(month, _daily(counted_for(user, scope, view), month, _today(user, today)))


def category_distribution(
    user: User, month: Month, scope: str = 'everyone', view: str = DEFAULT_VIEW
) -> tuple[CategoryShare, ...]:
    counted = counted_for(user, scope, view)
    return _categories(counted, month, _Names(counted.viewer_id))


def payment_method_stats(
    user: User, month: Month, scope: str = 'everyone', view: str = DEFAULT_VIEW
) -> tuple[PaymentShare, ...]:
    counted = counted_for(user, scope, view)
    return _payment_methods(counted, month, _Names(counted.viewer_id))


def top_expenses(
    user: User, month: Month, limit: int = TOP_DEFAULT, scope: str = 'everyone', view: str = DEFAULT_VIEW
) -> tuple[TopExpense, ...]:
    limit = check_limit(limit)
    counted = counted_for(user, scope, view)
    return _top(counted, month, limit, _Names(counted.viewer_id))


def year_overview(user: User, year: int, scope: str = 'everyone', view: str = DEFAULT_VIEW) -> YearOverview:
    counted = counted_for(user, scope, view)
    return _year(counted, year, _Names(counted.viewer_id))


def dashboard(
    user: User, month: Month, scope: str = 'everyone', today: date | None = None, view: str = DEFAULT_VIEW
) -> Dashboard:
    """Every figure of the dashboard for `month`, in one read transaction (a consistent snapshot), counted
    as `view` says (`stats_views`: share, paid or household).

    The day and week figures stop at `today` (default: today in the user's time zone) in the current
    month; the totals count every expense of the month."""
    with db.atomic():
        counted = counted_for(user, scope, view)
        names = _Names(counted.viewer_id)
        daily = _daily(counted, month, _today(user, today))
        # categories and payment methods first: they load the names that the top expenses then reuse
        categories = _categories(counted, month, names)
        payment_methods = _payment_methods(counted, month, names)
        top = _top(counted, month, TOP_DEFAULT, names)
        return Dashboard(
            month=str(month),
            previous_month=str(month.previous()),
            next_month=str(month.next()),
            currency=user.currency,
            locale=user.locale,
            view=counted.view,
            stats=_summary(counted, month, top[:1]),
            daily_evolution=daily,
            category_distribution=categories,
            weekly_comparison=week_totals(month, daily),
            payment_method_stats=payment_methods,
            top_expenses=top,
            year_overview=_year(counted, month.year, names),
        )
