"""Reading a recurring rule's schedule from a form or an API body: every, unit, start, end, count, day of
month and the amount change, each refused with a 422 that names its field (apart from recurring.py only to
keep it short)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from app.i18n import Message
from app.models import RecurringRule
from app.services.errors import Invalid
from app.services.money import parse_amount
from app.services.months import parse_date
from app.services.recurring_runner import MAX_CATCH_UP
from app.services.recurring_schedule import UNITS, Schedule, dates
from app.services.timestamps import as_date
from app.services.validation import is_blank

SCHEDULE_FIELDS = ('every', 'unit', 'start', 'end', 'count', 'day_of_month', 'new_amount', 'new_amount_from')
MAX_EVERY = 1000
MAX_COUNT = 10_000
LAST_WORKING_DAY = 'last_working_day'


def _whole(value: object, *, field: str, low: int, high: int) -> int:
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else None
    if text is None or not text.lstrip('-').isascii() or not text.lstrip('-').isdigit():
        raise Invalid(
            Message('{field} must be a whole number between {low} and {high}.', field=field, low=low, high=high),
            field=field,
        )
    number = int(text)
    if not low <= number <= high:
        raise Invalid(
            Message(
                '{field} must be between {low} and {high}; got {number}.',
                field=field,
                low=low,
                high=high,
                number=number,
            ),
            field=field,
        )
    return number


def _day_of_month(value: object) -> tuple[int | None, bool]:
    """(day, last working day) from 1..31, `last` (31: the last day of every month) or `last_working_day`."""
    if is_blank(value):
        return None, False
    text = str(value).strip().lower() if isinstance(value, str) else value
    if text == LAST_WORKING_DAY:
        return None, True
    if text == 'last':
        return 31, False
    return _whole(value, field='day_of_month', low=1, high=31), False


def parse_schedule(data: Mapping, current: RecurringRule | None, today: date) -> dict:
    """The schedule columns from the fields present in `data` (all of them when creating), checked
    together with the current ones: the end not before the start, a day of month only by month or year."""
    creating = current is None
    out: dict = {}
    if creating or 'every' in data:
        value = data.get('every')
        out['every'] = 1 if is_blank(value) else _whole(value, field='every', low=1, high=MAX_EVERY)
    if creating or 'unit' in data:
        unit = str(data.get('unit') or '').strip().lower()
        if unit not in UNITS:
            raise Invalid(
                Message("'{unit}' is not a unit; use day, week, month or year.", unit=unit[:20]), field='unit'
            )
        out['unit'] = unit
    if creating or 'start' in data:
        value = data.get('start')
        out['start_date'] = today if creating and is_blank(value) else parse_date(value, field='start')
    if creating or 'end' in data:
        value = data.get('end')
        out['end_date'] = None if is_blank(value) else parse_date(value, field='end')
    if creating or 'count' in data:
        value = data.get('count')
        out['count'] = None if is_blank(value) else _whole(value, field='count', low=1, high=MAX_COUNT)
    if creating or 'day_of_month' in data:
        out['day_of_month'], out['last_working_day'] = _day_of_month(data.get('day_of_month'))
    out.update(_parse_new_amount(data, creating))
    merged = {**_current_schedule(current), **out}
    if merged['end_date'] is not None and as_date(merged['end_date']) < as_date(merged['start_date']):
        raise Invalid(
            Message(
                'The end ({end}) is before the start ({start}); choose a later end or none.',
                end=as_date(merged['end_date']).isoformat(),
                start=as_date(merged['start_date']).isoformat(),
            ),
            field='end',
        )
    if (merged['day_of_month'] is not None or merged['last_working_day']) and merged['unit'] not in ('month', 'year'):
        raise Invalid(
            Message('A day of the month applies to monthly and yearly rules only; leave day_of_month empty.'),
            field='day_of_month',
        )
    return out


def _parse_new_amount(data: Mapping, creating: bool) -> dict:
    """ "From March, 15.99": new_amount and new_amount_from together, or neither (both empty clear it)."""
    if not creating and 'new_amount' not in data and 'new_amount_from' not in data:
        return {}
    amount, since = data.get('new_amount'), data.get('new_amount_from')
    if is_blank(amount) and is_blank(since):
        return {'new_amount_cents': None, 'new_amount_from': None}
    if is_blank(since):
        raise Invalid(Message('Give the date the new amount applies from.'), field='new_amount_from')
    if is_blank(amount):
        raise Invalid(Message('Give the new amount, or leave its date empty.'), field='new_amount')
    return {
        'new_amount_cents': parse_amount(amount, field='new_amount'),
        'new_amount_from': parse_date(since, field='new_amount_from'),
    }


def _current_schedule(rule: RecurringRule | None) -> dict:
    if rule is None:
        return {}
    return {
        'unit': rule.unit,
        'start_date': rule.start_date,
        'end_date': rule.end_date,
        'day_of_month': rule.day_of_month,
        'last_working_day': bool(rule.last_working_day),
    }


def check_past(columns: dict, today: date) -> None:
    """A start far back would create thousands of expenses at once: refused, naming `start`."""
    schedule = Schedule(
        every=columns['every'],
        unit=columns['unit'],
        start=columns['start_date'],
        end=columns['end_date'],
        count=columns['count'],
        day_of_month=columns['day_of_month'],
        last_working_day=columns['last_working_day'],
    )
    past = sum(1 for _ in zip(dates(schedule, until=today), range(MAX_CATCH_UP + 1), strict=False))
    if past > MAX_CATCH_UP:
        raise Invalid(
            Message(
                'This start would create more than {limit} past expenses at once; choose a later start.',
                limit=MAX_CATCH_UP,
            ),
            field='start',
        )
