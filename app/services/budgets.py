"""Budgets: a monthly amount for a category (its subcategories count towards it), a payment method, or
everything; where each stands in a month, what is left, and where the month is heading.

A budget is seen like an expense: by its owner and the users linked to them (`access`); changing it needs
the same rule as changing an expense (nobody the writer does not share with may see it). `scope` says
whose spending it counts: `everyone` (the owner's household: the owner and their linked users), `mine`
(the owner's own expenses) or `share` (the owner's share of the household's expenses: their own ones not
split, and their part of those split with them; `stats_views`, issue 20).

Rollover: the months from the budget's creation to the one before carry what was left, or overspent, into
the next: carried = months × amount − spent over those months (one SUM), at the current amount.

Projection: the pace of the month so far (spent ÷ days gone) carried over the days still to come, plus
the recurring expenses still due this month (passed in by the caller: `recurring.upcoming`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from peewee import JOIN, fn

from app.db import write_transaction
from app.i18n import Message
from app.models import Budget, Category, Expense, PaymentMethod, RecurringOccurrence, User, utcnow
from app.services import access, categories, payment_methods
from app.services.budgets_projection import days_left, project, upcoming_for
from app.services.budgets_types import BudgetHint, BudgetProgress, Projection, UpcomingLike
from app.services.clock import today as clock_today
from app.services.errors import Conflict, Invalid, NotFound
from app.services.money import cents_to_number, parse_amount
from app.services.months import Month
from app.services.stats_views import Counted
from app.services.timestamps import as_date, as_utc
from app.services.validation import UNSET, is_blank, parse_id, parse_optional_id

DEFAULT_THRESHOLDS = (80, 100)
MAX_THRESHOLDS = 5
MAX_THRESHOLD = 500
MAX_BUDGETS = 200
SCOPES = ('everyone', 'mine', 'share')

__all__ = [
    'BudgetHint',
    'BudgetProgress',
    'Projection',
    'budget_hint',
    'create_budget',
    'days_left',
    'delete_budget',
    'get_budget',
    'list_budgets',
    'parse_thresholds',
    'progress_of',
    'project',
    'update_budget',
    'upcoming_for',
]


# --- input --------------------------------------------------------------------------------------------


def parse_thresholds(value: object) -> tuple[int, ...]:
    """Percents at which the budget alerts: `80,100`, `[80, 100]`, `'50 90 100'`; empty means 80 and 100.
    Whole numbers from 1 to 500, at most five, returned sorted without repeats."""
    if is_blank(value) or value == []:
        return DEFAULT_THRESHOLDS
    if isinstance(value, str):
        parts: list[object] = [p for p in value.replace(';', ',').replace(' ', ',').split(',') if p.strip()]
    elif isinstance(value, (list, tuple)):
        parts = list(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        parts = [value]
    else:
        raise Invalid(Message('Give the thresholds as percents, such as 80,100.'), field='thresholds')
    if len(parts) > MAX_THRESHOLDS:
        raise Invalid(
            Message('Give at most {count} thresholds.', count=MAX_THRESHOLDS),
            field='thresholds',
        )
    numbers = set()
    for part in parts:
        text = str(part).strip().rstrip('%').strip()
        if isinstance(part, bool) or not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_THRESHOLD:
            raise Invalid(
                Message(
                    "'{value}' is not a threshold; use whole percents from 1 to {most}, such as 80,100.",
                    value=str(part)[:20],
                    most=MAX_THRESHOLD,
                ),
                field='thresholds',
            )
        numbers.add(int(text))
    return tuple(sorted(numbers))


def _thresholds_text(thresholds: tuple[int, ...]) -> str:
    return ','.join(str(t) for t in thresholds)


def _thresholds_of(budget: Budget) -> tuple[int, ...]:
    return tuple(int(t) for t in str(budget.thresholds).split(',') if t.strip())


def _check_scope(value: object) -> str:
    scope = 'everyone' if is_blank(value) else str(value).strip().lower()
    if scope not in SCOPES:
        raise Invalid(
            Message("'{scope}' is not a budget scope; use everyone, mine or share.", scope=str(value)[:20]),
            field='scope',
        )
    return scope


def _check_bool(value: object, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ('1', 'true', 'yes', 'on'):
        return True
    if text in ('0', 'false', 'no', 'off', ''):
        return False
    raise Invalid(Message('{field} must be true or false.', field=field), field=field)


def _subject(user: User, category_id: object, payment_method_id: object) -> tuple[int | None, int | None]:
    """The category or the payment method a budget is for (neither: everything), both visible to `user`."""
    category = parse_optional_id(category_id, field='category_id')
    method = parse_optional_id(payment_method_id, field='payment_method_id')
    if category is not None and method is not None:
        raise Invalid(
            Message('A budget is for a category or for a payment method, not both.'), field='payment_method_id'
        )
    if category is not None:
        categories.get_category(user, category, field='category_id')
    if method is not None:
        payment_methods.get_payment_method(user, method, field='payment_method_id')
    return category, method


# --- reading ------------------------------------------------------------------------------------------


def _visible(user: User) -> Any:
    return Budget.owner.in_(access.visible_owner_ids(user))


def get_budget(user: User, budget_id: object, *, field: str = 'id') -> Budget:
    number = parse_id(budget_id, field=field)
    budget = Budget.get_or_none((Budget.id == number) & _visible(user))
    if budget is None:
        raise NotFound(
            Message('Budget {number} does not exist; GET /sysapi/budgets lists yours.', number=number), field=field
        )
    return budget


def counted_owner_ids(budget: Budget) -> list[int]:
    """Whose expenses the budget counts: its owner, or the owner's household. Kept on the instance for the
    few queries of one progress (read once per budget, not once per sum)."""
    cached = getattr(budget, '_counted_owners', None)
    if cached is None:
        cached = [budget.owner_id] if budget.scope == 'mine' else access.visible_owner_ids(budget.owner_id)
        budget._counted_owners = cached  # type: ignore[attr-defined]  # a plain attribute of this instance
    return list(cached)


def _counted(budget: Budget) -> Counted:
    """The rows a budget counts and how much of each: its owner's share, or whole expenses."""
    view = 'share' if budget.scope == 'share' else 'household'
    return Counted(budget.owner_id, tuple(counted_owner_ids(budget)), view)


def recipients(budget: Budget) -> list[int]:
    """Whose budget it is to hear about: the household for a household budget, else its owner alone."""
    return counted_owner_ids(budget) if budget.scope == 'everyone' else [budget.owner_id]


def _matching(budget: Budget) -> Any:
    condition = Expense.owner.in_(counted_owner_ids(budget))
    if budget.category_id is not None:
        condition &= (Expense.category == budget.category_id) | (Expense.subcategory == budget.category_id)
    elif budget.payment_method_id is not None:
        condition &= Expense.payment_method == budget.payment_method_id
    return condition


def _spent(budget: Budget, first: date, last: date) -> int:
    if last < first:
        return 0
    counted = _counted(budget)
    total = (
        counted.select(fn.COALESCE(fn.SUM(counted.amount), 0)).where(_matching(budget) & counted.rows(first, last))
    ).scalar()
    return int(total or 0)


def _months_between(first: Month, last: Month) -> int:
    """How many months from `first` to `last`, both included (0 when `last` is before `first`)."""
    return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)


def carried(budget: Budget, month: Month) -> int:
    """What rollover brings into `month`: each earlier month since the budget's creation adds its amount
    and takes what was spent in it (negative when they were overspent). 0 without rollover."""
    if not budget.rollover:
        return 0
    start = Month.of(as_date(budget.created_at))
    before = month.previous()
    months = _months_between(start, before)
    if months == 0:
        return 0
    return months * int(budget.amount_cents) - _spent(budget, start.first_day, before.last_day)


def _matches(budget: Budget, item: UpcomingLike, owners: list[int]) -> bool:
    """Whether a recurring expense still to come counts towards `budget` (whose spending counts: `owners`)."""
    made_by = getattr(item, 'created_by', None)
    if isinstance(made_by, int) and made_by not in owners:
        return False
    if budget.category_id is not None:
        return budget.category_id in (item.category_id, getattr(item, 'subcategory_id', None))
    if budget.payment_method_id is not None:
        return item.payment_method_id == budget.payment_method_id
    return True


def _recurring_spent(budget: Budget, first: date, last: date) -> int:
    """What the recurring rules already added to `budget` between `first` and `last`: not part of the pace,
    since they come once a month whatever the pace."""
    counted = _counted(budget)
    total = (
        counted.select(fn.COALESCE(fn.SUM(counted.amount), 0))
        .switch(Expense)
        .join(RecurringOccurrence, on=(RecurringOccurrence.expense == Expense.id))
        .where(_matching(budget) & counted.rows(first, last))
        .scalar()
    )
    return int(total or 0)


def _percent(spent: int, available: int) -> int:
    if available <= 0:
        return 0 if spent == 0 and available == 0 else 999
    return min(999, spent * 100 // available)


def progress_of(
    budget: Budget, month: Month, today: date, upcoming: Iterable[UpcomingLike] = (), *, names: dict | None = None
) -> BudgetProgress:
    """Where `budget` stands in `month` as seen on `today`. `upcoming`: recurring expenses still to come."""
    first, last = month.first_day, month.last_day
    spent = _spent(budget, first, last)
    carry = carried(budget, month)
    available = int(budget.amount_cents) + carry
    start = today + timedelta(days=1) if Month.of(today) == month else first
    owners = recipients(budget)  # a share budget: the owner's own rules still to come, whole (a projection)
    due = sum(item.amount_cents for item in upcoming if start <= item.date <= last and _matches(budget, item, owners))
    made = _recurring_spent(budget, first, today) if Month.of(today) == month else 0
    projection = project(spent, month, today, due, recurring_so_far=made)
    name, kind, created_by = names_of(budget, names)
    return BudgetProgress(
        id=budget.id,
        kind=kind,
        name=name,
        category_id=budget.category_id,
        payment_method_id=budget.payment_method_id,
        scope=budget.scope,
        rollover=bool(budget.rollover),
        thresholds=_thresholds_of(budget),
        owner_id=budget.owner_id,
        created_by=created_by,
        month=str(month),
        amount=cents_to_number(int(budget.amount_cents)),
        amount_cents=int(budget.amount_cents),
        carried_cents=carry,
        available_cents=available,
        spent=cents_to_number(spent),
        spent_cents=spent,
        left=cents_to_number(available - spent),
        left_cents=available - spent,
        percent=_percent(spent, available),
        days_left=days_left(month, today),
        projected=cents_to_number(projection.projected_cents),
        projected_cents=projection.projected_cents,
        recurring_cents=projection.recurring_cents,
        created_at=as_utc(budget.created_at),
    )


def names_of(budget: Budget, names: dict | None) -> tuple[str, str, str]:
    row: Any = budget
    if names is None:
        category = Category.get_or_none(Category.id == budget.category_id) if budget.category_id else None
        method = (
            PaymentMethod.get_or_none(PaymentMethod.id == budget.payment_method_id)
            if budget.payment_method_id
            else None
        )
        owner = User.get_or_none(User.id == budget.owner_id)
        names = {
            'category_name': category.name if category else '',
            'method_name': method.name if method and budget.payment_method_id else '',
            'created_by': owner.username if owner else '',
        }
    else:
        names = {key: getattr(row, key, '') or '' for key in ('category_name', 'method_name', 'created_by')}
    if budget.category_id is not None:
        return names['category_name'], 'category', names['created_by']
    if budget.payment_method_id is not None:
        return names['method_name'], 'payment_method', names['created_by']
    return '', 'everything', names['created_by']


def with_names(condition: Any) -> Any:
    return (
        Budget.select(
            Budget,
            Category.name.alias('category_name'),
            PaymentMethod.name.alias('method_name'),
            User.username.alias('created_by'),
        )
        .join(Category, JOIN.LEFT_OUTER, on=(Budget.category == Category.id))
        .switch(Budget)
        .join(PaymentMethod, JOIN.LEFT_OUTER, on=(Budget.payment_method == PaymentMethod.id))
        .switch(Budget)
        .join(User, on=(Budget.owner == User.id))
        .where(condition)
        .objects()  # the names as attributes of the budget, whose owner_id stays the column's
    )


def _order(progress: BudgetProgress) -> tuple:
    return ({'everything': 0, 'category': 1, 'payment_method': 2}[progress.kind], progress.name.lower(), progress.id)


def list_budgets(
    user: User,
    month: Month | None = None,
    upcoming: Sequence[UpcomingLike] | None = None,
    *,
    today: date | None = None,
) -> tuple[BudgetProgress, ...]:
    """The budgets `user` sees, with where each stands in `month` (default this month): everything first,
    then by name. `upcoming`: the recurring expenses still to come (default: the household's rules')."""
    today = today or clock_today(user.timezone)
    month = month or Month.of(today)
    rows = list(with_names(_visible(user)).limit(MAX_BUDGETS))
    if upcoming is None:
        upcoming = upcoming_for(user, month, today) if rows else []
    return tuple(sorted((progress_of(b, month, today, upcoming, names={}) for b in rows), key=_order))


def one_budget(user: User, budget_id: int, *, today: date | None = None) -> BudgetProgress:
    today = today or clock_today(user.timezone)
    row = with_names(_visible(user) & (Budget.id == budget_id)).get()
    return progress_of(row, Month.of(today), today, upcoming_for(user, Month.of(today), today), names={})


def budget_hint(
    user: User, category_id: object = None, payment_method_id: object = None, scope: object = 'everyone'
) -> BudgetHint:
    """Last month's spending on a subject, and the average of the last three months: a hint for the amount."""
    category, method = _subject(user, category_id, payment_method_id)
    probe = Budget(owner=user.id, category=category, payment_method=method, scope=_check_scope(scope))
    this = Month.of(clock_today(user.timezone))
    last = this.previous()
    three = last.previous().previous()
    last_month = _spent(probe, last.first_day, last.last_day)
    total = _spent(probe, three.first_day, last.last_day)
    return BudgetHint(last_month_cents=last_month, average_cents=(total + 1) // 3)


# --- writing ------------------------------------------------------------------------------------------


def _check_may_change(user: User, budget: Budget) -> None:
    if access.outsiders(user, [budget.owner_id]):
        raise Conflict(
            Message(
                'This budget is also seen by someone who does not share with you, so you may not change it; '
                'ask its owner to change it, or create your own.'
            ),
            field='id',
        )


def _check_unique(owner_id: int, category: int | None, method: int | None, scope: str, exclude: int = 0) -> None:
    same = (
        (Budget.owner == owner_id)
        & (Budget.scope == scope)
        & (Budget.category.is_null() if category is None else Budget.category == category)
        & (Budget.payment_method.is_null() if method is None else Budget.payment_method == method)
        & (Budget.id != exclude)
    )
    if Budget.select().where(same).exists():
        raise Conflict(
            Message('You already have a budget for this; change its amount instead.'),
            field='payment_method_id' if method is not None else 'category_id',
        )


def create_budget(
    user: User,
    amount: object,
    category_id: object = None,
    payment_method_id: object = None,
    *,
    scope: object = 'everyone',
    rollover: object = False,
    thresholds: object = None,
) -> BudgetProgress:
    cents = parse_amount(amount, field='amount')
    marks = parse_thresholds(thresholds)
    chosen_scope = _check_scope(scope)
    carry = _check_bool(rollover, 'rollover')
    with write_transaction():
        category, method = _subject(user, category_id, payment_method_id)
        if Budget.select().where(Budget.owner == user.id).count() >= MAX_BUDGETS:
            raise Conflict(Message('You have {count} budgets, the most there can be.', count=MAX_BUDGETS))
        _check_unique(user.id, category, method, chosen_scope)
        budget = Budget.create(
            owner=user.id,
            amount_cents=cents,
            category=category,
            payment_method=method,
            scope=chosen_scope,
            rollover=carry,
            thresholds=_thresholds_text(marks),
        )
    return one_budget(user, budget.id)


def update_budget(
    user: User,
    budget_id: object,
    *,
    amount: object = UNSET,
    category_id: object = UNSET,
    payment_method_id: object = UNSET,
    scope: object = UNSET,
    rollover: object = UNSET,
    thresholds: object = UNSET,
) -> BudgetProgress:
    """Change what was given; what was left out keeps its value. Giving a category clears the payment
    method and the other way round; giving both empty makes it a budget for everything."""
    changes: dict[str, Any] = {}
    if amount is not UNSET:
        changes['amount_cents'] = parse_amount(amount, field='amount')
    if thresholds is not UNSET:
        changes['thresholds'] = _thresholds_text(parse_thresholds(thresholds))
    if scope is not UNSET:
        changes['scope'] = _check_scope(scope)
    if rollover is not UNSET:
        changes['rollover'] = _check_bool(rollover, 'rollover')
    with write_transaction():
        budget = get_budget(user, budget_id)
        _check_may_change(user, budget)
        if category_id is not UNSET or payment_method_id is not UNSET:
            given_category = None if category_id is UNSET else category_id
            given_method = None if payment_method_id is UNSET else payment_method_id
            changes['category'], changes['payment_method'] = _subject(user, given_category, given_method)
        for name, value in changes.items():
            setattr(budget, name, value)
        _check_unique(budget.owner_id, budget.category_id, budget.payment_method_id, budget.scope, budget.id)
        budget.updated_at = utcnow()
        budget.save()
    return one_budget(user, budget.id)


def delete_budget(user: User, budget_id: object) -> int:
    """Delete a budget and the alerts it fired; the expenses are untouched."""
    with write_transaction():
        budget = get_budget(user, budget_id)
        _check_may_change(user, budget)
        budget.delete_instance(recursive=True, delete_nullable=True)
    return budget.id
