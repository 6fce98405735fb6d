"""Recurring rules: an expense's fields plus a schedule; the server creates each occurrence as an ordinary
expense (app/services/recurring_runner.py).

Who sees and changes a rule follows the expenses' rules (`access`): the rules of linked users are seen, a
rule outside that set answers NotFound, and a change that someone the writer does not share with would
see is refused. An edit applies to the dates after today only: what was created stays as it is, and the
dates up to today are created under the old rule first. Deleting a rule keeps the expenses it created.
A new rule whose start is in the past creates its past occurrences at once, in the same transaction, up
to MAX_CATCH_UP of them (a start further back is refused, naming `start`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, cast

from peewee import JOIN, IntegrityError, fn

from app.db import write_transaction
from app.i18n import Message
from app.models import Category, Expense, PaymentMethod, RecurringOccurrence, RecurringRule, User, utcnow
from app.services import access, expenses
from app.services.errors import Conflict, NotFound
from app.services.money import cents_to_number
from app.services.recurring_parse import SCHEDULE_FIELDS, check_past, parse_schedule
from app.services.recurring_runner import (
    amount_on,
    catch_up,
    done_through,
    local_today,
    owner_today,
    schedule_of,
)
from app.services.recurring_schedule import dates, monthly_cents, next_date
from app.services.recurring_types import RuleRow, Upcoming
from app.services.timestamps import as_date, as_utc
from app.services.validation import parse_id

__all__ = ['RuleRow', 'Upcoming', 'create_rule', 'list_rules', 'upcoming']

EXPENSE_FIELDS = ('amount', 'category_id', 'subcategory_id', 'payment_method_id', 'description', 'place')

Subcategory = Category.alias('rule_subcategory')


# --- reading ------------------------------------------------------------------------------------------


def _query(*where: Any):
    return (
        RecurringRule.select(
            RecurringRule,
            Category.name.alias('category_name'),
            Subcategory.name.alias('subcategory_name'),
            PaymentMethod.name.alias('payment_method_name'),
            User.username.alias('created_by'),
            User.timezone.alias('owner_timezone'),
        )
        .join(Category, on=(RecurringRule.category == Category.id))
        .switch(RecurringRule)
        .join(Subcategory, JOIN.LEFT_OUTER, on=(RecurringRule.subcategory == Subcategory.id))
        .switch(RecurringRule)
        .join(PaymentMethod, JOIN.LEFT_OUTER, on=(RecurringRule.payment_method == PaymentMethod.id))
        .switch(RecurringRule)
        .join(User, on=(RecurringRule.owner == User.id))
        .where(*where)
        .objects()
    )


def _counts(rule_ids: list[int]) -> dict[int, int]:
    if not rule_ids:
        return {}
    rows = cast(
        Iterable[tuple[int, int]],
        RecurringOccurrence.select(RecurringOccurrence.rule, fn.COUNT(RecurringOccurrence.id))
        .where(RecurringOccurrence.rule.in_(rule_ids))
        .group_by(RecurringOccurrence.rule)
        .tuples(),
    )
    return {int(rule_id): int(count) for rule_id, count in rows}


def _row(rule: RecurringRule, created_count: int) -> RuleRow:
    names: Any = rule  # the aliased columns are attributes peewee adds to the instance
    today = local_today(names.owner_timezone)
    schedule = schedule_of(rule)
    monthly = monthly_cents(amount_on(rule, today), schedule)
    new_cents = rule.new_amount_cents
    return RuleRow(
        id=rule.id,
        amount=cents_to_number(rule.amount_cents),
        amount_cents=rule.amount_cents,
        category_id=rule.category_id,
        category=names.category_name,
        subcategory_id=rule.subcategory_id,
        subcategory=names.subcategory_name if rule.subcategory_id else None,
        payment_method_id=rule.payment_method_id,
        payment_method=names.payment_method_name if rule.payment_method_id else None,
        description=rule.description,
        place=rule.place,
        every=rule.every,
        unit=rule.unit,
        day_of_month=rule.day_of_month,
        last_working_day=bool(rule.last_working_day),
        start=schedule.start,
        end=schedule.end,
        count=rule.count,
        new_amount=cents_to_number(new_cents) if new_cents is not None else None,
        new_amount_cents=new_cents,
        new_amount_from=as_date(rule.new_amount_from) if rule.new_amount_from is not None else None,
        paused=bool(rule.paused),
        next_date=None if rule.paused else next_date(schedule, done_through(rule)),
        monthly_cost=cents_to_number(monthly),
        monthly_cost_cents=monthly,
        created_count=created_count,
        owner_id=rule.owner_id,
        created_by=names.created_by,
        created_at=as_utc(rule.created_at),
        updated_at=as_utc(rule.updated_at),
    )


def list_rules(user: User, *, scope: str = 'everyone') -> list[RuleRow]:
    """The rules the user may see (`mine`: only their own): the active ones by next date, then the
    paused and the finished ones."""
    owners = access.owner_ids_for(user, scope)
    rules = list(_query(RecurringRule.owner.in_(owners)).order_by(RecurringRule.id))
    counts = _counts([rule.id for rule in rules])
    rows = [_row(rule, counts.get(rule.id, 0)) for rule in rules]
    return sorted(rows, key=lambda r: (r.next_date is None, r.next_date or date.max, r.description.lower(), r.id))


def _find(user: User, rule_id: object) -> RecurringRule:
    number = parse_id(rule_id, field='id')
    rule = _query((RecurringRule.id == number) & RecurringRule.owner.in_(access.visible_owner_ids(user))).first()
    if rule is None:
        raise NotFound(
            Message('Recurring rule {number} does not exist; GET /sysapi/recurring lists yours.', number=number),
            field='id',
        )
    return rule


def get_rule(user: User, rule_id: object) -> RuleRow:
    rule = _find(user, rule_id)
    return _row(rule, _counts([rule.id]).get(rule.id, 0))


def upcoming(user: User, start: date, end: date, *, household: bool = True) -> list[Upcoming]:
    """The occurrences not created yet between `start` and `end` inclusive, of the rules the user sees
    (only their own with household=False), by date. Paused rules have none."""
    owners = access.visible_owner_ids(user) if household else [user.id]
    rules = list(RecurringRule.select().where(RecurringRule.owner.in_(owners) & ~RecurringRule.paused))
    if not rules or end < start:
        return []
    rows = cast(
        Iterable[tuple[int, date | str]],
        RecurringOccurrence.select(RecurringOccurrence.rule, RecurringOccurrence.date)
        .where(RecurringOccurrence.rule.in_([r.id for r in rules]) & RecurringOccurrence.date.between(start, end))
        .tuples(),
    )
    taken = {(int(rule_id), as_date(day)) for rule_id, day in rows}
    out = []
    for rule in rules:
        through = done_through(rule)
        after = start - timedelta(days=1)
        if through is not None and through > after:
            after = through
        for day in dates(schedule_of(rule), after=after, until=end):
            if (rule.id, day) not in taken:
                out.append(
                    Upcoming(
                        rule_id=rule.id,
                        date=day,
                        amount_cents=amount_on(rule, day),
                        category_id=rule.category_id,
                        payment_method_id=rule.payment_method_id,
                        description=rule.description,
                        created_by=rule.owner_id,
                    )
                )
    return sorted(out, key=lambda u: (u.date, u.rule_id))


def occurrence_rules(user: User, expense_ids: Iterable[int]) -> dict[int, int]:
    """For the expenses among `expense_ids` that a rule the user sees created: expense id -> rule id."""
    ids = list(expense_ids)
    if not ids:
        return {}
    rows = cast(
        Iterable[tuple[int, int]],
        RecurringOccurrence.select(RecurringOccurrence.expense, RecurringOccurrence.rule)
        .join(RecurringRule)
        .where(RecurringOccurrence.expense.in_(ids) & RecurringRule.owner.in_(access.visible_owner_ids(user)))
        .tuples(),
    )
    return {int(expense_id): int(rule_id) for expense_id, rule_id in rows}


# --- parsing ------------------------------------------------------------------------------------------


def _parse_expense_fields(user: User, data: Mapping, current: RecurringRule | None) -> dict:
    """The expense's fields, checked exactly as an expense's are (`expenses.parse_fields`)."""
    given = {name: data[name] for name in EXPENSE_FIELDS if name in data}
    if current is None:
        given['date'] = None  # an expense needs one; the schedule gives the dates
    columns = expenses.parse_fields(user, given, cast(Expense | None, current))
    columns.pop('date', None)
    return columns


# --- writing ------------------------------------------------------------------------------------------


def _check_may_change(user: User, rule: RecurringRule) -> None:
    if access.outsiders(user, [rule.owner_id]):
        raise Conflict(
            Message(
                'This recurring rule is also seen by someone who does not share with you, so you may not change '
                'it; ask its owner to change it, or create your own.'
            ),
            field='id',
        )


def create_rule(user: User, data: Mapping, request_id: object = None) -> RuleRow:
    """A rule owned by the user, from the expense's fields (EXPENSE_FIELDS) and a schedule
    (SCHEDULE_FIELDS); the occurrences due by today are created at once. `request_id` works as for
    expenses: a replay returns the first rule."""
    key = expenses.parse_request_id(request_id)
    if key is not None:
        first = _created_by_request(user, key)
        if first is not None:
            return first
    today = local_today(user.timezone)
    try:
        with write_transaction():
            rule = _insert(user, data, key, today)
    except IntegrityError:
        first = _created_by_request(user, key) if key is not None else None
        if first is None:
            raise
        return first
    return get_rule(user, rule.id)


def _insert(user: User, data: Mapping, key: str | None, today: date, first: Expense | None = None) -> RecurringRule:
    columns = _parse_expense_fields(user, data, None)
    schedule = parse_schedule(data, None, today)
    check_past(schedule, today)
    rule = RecurringRule.create(owner=user.id, request_id=key, **columns, **schedule)
    if first is not None and as_date(first.date) == schedule['start_date']:
        RecurringOccurrence.create(rule=rule.id, date=first.date, expense=first.id)
    catch_up(rule, today)
    return rule


def _created_by_request(user: User, key: str) -> RuleRow | None:
    found = (
        RecurringRule.select(RecurringRule.id)
        .where((RecurringRule.owner == user.id) & (RecurringRule.request_id == key))
        .first()
    )
    return get_rule(user, found.id) if found is not None else None


def make_recurring(user: User, expense_id: object, data: Mapping) -> RuleRow:
    """A rule of the user's from an existing expense (theirs or a linked user's): its fields, the schedule
    in `data`, starting on its date by default. When the rule starts on its date, that expense is its first
    occurrence (it is not recorded twice)."""
    expense = expenses.get_expense(user, expense_id)
    fields = {
        'amount': str(cents_to_number(expense.amount_cents)),
        'category_id': expense.category_id,
        'subcategory_id': expense.subcategory_id,
        'payment_method_id': expense.payment_method_id,
        'description': expense.description,
        'place': expense.place,
    }
    schedule = {name: data[name] for name in SCHEDULE_FIELDS if name in data}
    schedule.setdefault('start', expense.date.isoformat())
    today = local_today(user.timezone)
    with write_transaction():
        first = Expense.get_or_none(Expense.id == expense.id)  # seen by the user: checked by get_expense
        rule = _insert(user, {**fields, **schedule}, None, today, first)
    return get_rule(user, rule.id)


def update_rule(user: User, rule_id: object, data: Mapping) -> RuleRow:
    """Change the fields present in `data`. The dates up to today are created under the rule as it was;
    the change applies to the later ones only."""
    with write_transaction():
        rule = _find(user, rule_id)
        _check_may_change(user, rule)
        today = owner_today(rule.owner_id)
        catch_up(rule, today)
        columns = _parse_expense_fields(user, data, rule)
        columns.update(parse_schedule(data, rule, today))
        if columns:
            columns['updated_at'] = utcnow()
            if not rule.paused:
                through = done_through(rule)
                columns['done_through'] = max(through, today) if through is not None else today
            RecurringRule.update(**columns).where(RecurringRule.id == rule.id).execute()
    return get_rule(user, rule.id)


def pause_rule(user: User, rule_id: object) -> RuleRow:
    """Stop creating occurrences (those due by today are created first)."""
    with write_transaction():
        rule = _find(user, rule_id)
        _check_may_change(user, rule)
        catch_up(rule, owner_today(rule.owner_id))
        RecurringRule.update(paused=True, updated_at=utcnow()).where(RecurringRule.id == rule.id).execute()
    return get_rule(user, rule.id)


def resume_rule(user: User, rule_id: object) -> RuleRow:
    """Start again from today: the dates that passed while paused are skipped, today's is created."""
    with write_transaction():
        rule = _find(user, rule_id)
        _check_may_change(user, rule)
        if rule.paused:
            today = owner_today(rule.owner_id)
            yesterday = today - timedelta(days=1)
            through = done_through(rule)
            skip_to = max(through, yesterday) if through is not None else yesterday
            RecurringRule.update(paused=False, done_through=skip_to, updated_at=utcnow()).where(
                RecurringRule.id == rule.id
            ).execute()
            rule = _find(user, rule.id)
            catch_up(rule, today)
    return get_rule(user, rule.id)


def delete_rule(user: User, rule_id: object) -> int:
    """Delete the rule; the expenses it created stay, as ordinary expenses."""
    with write_transaction():
        rule = _find(user, rule_id)
        _check_may_change(user, rule)
        RecurringRule.delete_by_id(rule.id)
    return rule.id
