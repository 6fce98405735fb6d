"""Dates as files write them, decided from the whole column: `03/04/2021` stays ambiguous until a `13/04`
appears, and when it stays ambiguous the person is asked.

A value is split into a date part and an optional time part (`2024-03-01 12:30`, `2024-03-01T12:30:00+01:00`,
`01/03/2024 9:05 PM`), so one column may hold dates with and without a time. The date part is read by hand,
not by strptime: a 100,000-row column has a few thousand distinct dates, each parsed once per candidate.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

# The formats we read, in the order a question lists them. ISO first: it is never ambiguous. Dots are written
# day first (01.02.2024 is the first of February wherever dots are used), so no month-first dotted format.
FORMATS = (
    '%Y-%m-%d',
    '%Y/%m/%d',
    '%Y.%m.%d',
    '%Y%m%d',
    '%d/%m/%Y',
    '%m/%d/%Y',
    '%d-%m-%Y',
    '%m-%d-%Y',
    '%d.%m.%Y',
    '%d/%m/%y',
    '%m/%d/%y',
    '%d-%m-%y',
    '%m-%d-%y',
    '%d.%m.%y',
)
_SPLIT = re.compile(
    r'\s*(?P<date>\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{8})'
    r'(?:[T\s]+(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?'
    r'\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?\s*'
)
_PARTS = re.compile(r'(\d{1,4})([-/.])(\d{1,2})\2(\d{1,4})')
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ('jan', 'january', 'janv', 'janvier'),
            ('feb', 'february', 'fév', 'fev', 'févr', 'fevr', 'février', 'fevrier'),
            ('mar', 'march', 'mars'),
            ('apr', 'april', 'avr', 'avril'),
            ('may', 'mai'),
            ('jun', 'june', 'juin'),
            ('jul', 'july', 'juil', 'juillet'),
            ('aug', 'august', 'aoû', 'aou', 'août', 'aout'),
            ('sep', 'sept', 'september', 'septembre'),
            ('oct', 'october', 'octobre'),
            ('nov', 'november', 'novembre'),
            ('dec', 'december', 'déc', 'décembre', 'decembre'),
        ),
        start=1,
    )
    for name in names
}
_WORDS = re.compile(r'\s*(?:(\d{1,2})[\s-]+([^\W\d_]+)\.?[\s-]+(\d{4})|([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4}))\s*')
WORD_FORMAT = '%d %b %Y'  # "15 Jan 2024", "15 janv. 2024", "Jan 15, 2024": month names are never ambiguous


def example(fmt: str) -> str:
    """How a format writes the last day of 2024: '31/12/2024' says more to a person than '%d/%m/%Y'."""
    return '31 Dec 2024' if fmt == WORD_FORMAT else datetime.date(2024, 12, 31).strftime(fmt)


def split(value: str) -> tuple[str, datetime.time | None] | None:
    """(date part, time or None) of a cell; None when it is no date we read."""
    match = _SPLIT.fullmatch(value)
    if match is None:
        return None
    clock = match.group('time')
    if clock is None:
        return match.group('date'), None
    return match.group('date'), _time(clock, match.group('ampm'))


def _time(clock: str, ampm: str | None) -> datetime.time | None:
    pieces = clock.replace(',', '.').split(':')
    hour, minute = int(pieces[0]), int(pieces[1])
    second = int(float(pieces[2])) if len(pieces) > 2 else 0
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm.lower().startswith('p') else 0)
    if hour > 23 or minute > 59 or second > 59 or hour == minute == second == 0:
        return None  # midnight is how exports write "no time" (ExpenseOwl, Firefly III)
    return datetime.time(hour, minute, second)


@lru_cache(maxsize=16384)
def candidates(date_part: str) -> tuple[str, ...]:
    """The formats under which this date part is a real date."""
    return tuple(fmt for fmt in FORMATS if parse_part(date_part, fmt) is not None)


@lru_cache(maxsize=16384)
def parse_part(date_part: str, fmt: str) -> datetime.date | None:
    if fmt == '%Y%m%d':
        if len(date_part) != 8 or not date_part.isdigit():
            return None
        return _date(int(date_part[:4]), int(date_part[4:6]), int(date_part[6:]))
    match = _PARTS.fullmatch(date_part)
    if match is None:
        return None
    first, separator, second, third = match.groups()
    if separator != fmt[2]:
        return None
    if fmt.startswith('%Y'):
        if len(first) != 4 or len(third) > 2:
            return None
        return _date(int(first), int(second), int(third))
    long_year = fmt.endswith('%Y')
    if len(first) > 2 or (len(third) != 4 if long_year else len(third) != 2):
        return None
    year = int(third) if long_year else _century(int(third))
    if fmt.startswith('%d'):
        return _date(year, int(second), int(first))
    return _date(year, int(first), int(second))


def _century(year: int) -> int:
    """Two-digit years: 00-69 are this century, 70-99 the last (as POSIX strptime reads them)."""
    return 2000 + year if year < 70 else 1900 + year


def _date(year: int, month: int, day: int) -> datetime.date | None:
    if not 1900 <= year <= 2200:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def parse_words(value: str) -> datetime.date | None:
    """'15 Jan 2024', '15 janvier 2024', 'Jan 15, 2024'."""
    match = _WORDS.fullmatch(value)
    if match is None:
        return None
    day, month, year = (match.group(1), match.group(2), match.group(3))
    if day is None:
        month, day, year = match.group(4), match.group(5), match.group(6)
    number = _MONTHS.get(month.lower())
    return None if number is None else _date(int(year), number, int(day))


def parse(value: str, fmt: str) -> tuple[datetime.date, datetime.time | None] | None:
    """A cell read with the column's format (the time, if any, read with it); None when it does not fit."""
    if fmt == WORD_FORMAT:
        found = parse_words(value)
        return None if found is None else (found, None)
    parts = split(value)
    if parts is None:
        return None
    found = parse_part(parts[0], fmt)
    if found is None and not fmt.startswith('%Y'):
        # the same order with the other year length: a column may mix 15/04/2024 and 15/04/24
        found = parse_part(parts[0], fmt.replace('%Y', '%y') if fmt.endswith('%Y') else fmt.replace('%y', '%Y'))
    return None if found is None else (found, parts[1])


class DateTally:
    """The formats each value of a column fits, counted as the column streams by (values repeat: each distinct
    date part is looked at once)."""

    def __init__(self) -> None:
        self.tally: Counter[str] = Counter()
        self.examples: list[str] = []
        self.seen: Counter[str] = Counter()  # distinct values and how often: each is read once, in `decide`

    def add(self, value: str) -> None:
        if len(self.seen) < 50_000 or value in self.seen:
            self.seen[value] += 1
        else:
            self._count(value, 1)

    def _count(self, value: str, times: int) -> None:
        value = value.strip()
        if not value:
            return
        parts = split(value)
        if parts is None:
            if parse_words(value) is not None:
                self.tally[WORD_FORMAT] += times
            return
        found = candidates(parts[0])
        for fmt in found:
            self.tally[fmt] += times
        if len(found) > 1 and len(self.examples) < 5 and value not in self.examples:
            self.examples.append(value)

    def decide(self) -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
        """(format, tied candidates, examples): the format under which the most values are dates; when several
        read every value alike (03/04 as day/month or month/day), no format and the tied candidates."""
        seen, self.seen = self.seen, Counter()
        for value, times in seen.items():
            self._count(value, times)
        if not self.tally:
            return None, (), ()
        top = max(self.tally.values())
        tied = tuple(fmt for fmt in (*FORMATS, WORD_FORMAT) if self.tally[fmt] == top)
        if len(tied) == 1:
            return tied[0], (), ()
        return None, tied, tuple(self.examples)


def decide(values: Iterable[str]) -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
    """The decision of `DateTally` over a whole column."""
    tally = DateTally()
    for value in values:
        tally.add(value)
    return tally.decide()
