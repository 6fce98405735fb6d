"""What a person types in the search box, read into words, amounts and dates (issue 18).

    netflix            a word: description, place, tags, category, subcategory, payment method or creator
                       starting with it, case and accents ignored ("cafe" finds "Café")
    >50  <10  >=5      an amount over / under / from
    12,50  12.50  14   an amount exactly (a bare number is also looked for as a word)
    10..20             an amount between the two, both included
    2025  2025-03      a year, a month, a day (2025-03-14)
    since:2025-01-01   on or after (a year or a month works too); until:2025-06-30 on or before

Several terms: every one must match. Anything else is only ever a word: quotes, stars, minus signs and
NEAR have no power here (the full-text engine receives each word quoted), so no input can make a syntax
error; a term of only such signs ("%", "&") is looked for as it is in descriptions and places.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from app.i18n import Message
from app.services.errors import Invalid
from app.services.money import parse_amount
from app.services.tags import fold

MAX_SEARCH = 200
MAX_TERMS = 12
FIELD = 'search'
_WORD = re.compile(r'[^\W_]+')
_NUMBER = re.compile(r'\d{1,9}(?:[.,]\d{1,2})?')
_AMOUNT = r'\d[\d.,]*'
_COMPARE = re.compile(rf'(>=|<=|>|<)({_AMOUNT})')
_RANGE = re.compile(rf'({_AMOUNT})\.\.({_AMOUNT})')
_YEAR = re.compile(r'(\d{4})')
_MONTH = re.compile(r'(\d{4})-(\d{1,2})')
_DAY = re.compile(r'(\d{4})-(\d{1,2})-(\d{1,2})')
_BOUND = re.compile(r'(since|until|from|to|after|before):(.*)', re.IGNORECASE)
FIRST_YEAR, LAST_YEAR = 1900, 2200


@dataclass(frozen=True, slots=True)
class NumberTerm:
    """A bare number: the amount exactly, or the digits as a word (a bus line, a room number)."""

    word: str  # '' for a decimal amount (12,50), which is no word
    cents: int | None  # None for a number that is no amount (0)


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchTerms:
    words: tuple[str, ...] = ()
    literals: tuple[str, ...] = ()  # terms of signs only ("%", "&"): looked for as they are, in the text
    numbers: tuple[NumberTerm, ...] = ()
    min_cents: int | None = None  # included
    max_cents: int | None = None  # included
    date_from: date | None = None
    date_to: date | None = None

    @property
    def empty(self) -> bool:
        return self == SearchTerms()


def _amount(text: str) -> int:
    return parse_amount(text, field=FIELD)


def _span(text: str) -> tuple[date, date] | None:
    """The days a year, a month or a day covers; None when `text` is none of them."""
    try:
        if match := _DAY.fullmatch(text):
            day = date(int(match[1]), int(match[2]), int(match[3]))
            return day, day
        if match := _MONTH.fullmatch(text):
            year, month = int(match[1]), int(match[2])
            return date(year, month, 1), date(year, month, monthrange(year, month)[1])
    except ValueError:
        raise Invalid(
            Message("'{text}' is not a date; write a year (2025), a month (2025-03) or a day (2025-03-14).", text=text),
            field=FIELD,
        ) from None
    if (match := _YEAR.fullmatch(text)) and FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        year = int(match[1])
        return date(year, 1, 1), date(year, 12, 31)
    return None


class _Reader:
    def __init__(self) -> None:
        self.words: list[str] = []
        self.literals: list[str] = []
        self.numbers: list[NumberTerm] = []
        self.low: int | None = None
        self.high: int | None = None
        self.first: date | None = None
        self.last: date | None = None

    def at_least(self, cents: int) -> None:
        self.low = cents if self.low is None else max(self.low, cents)

    def at_most(self, cents: int) -> None:
        self.high = cents if self.high is None else min(self.high, cents)

    def since(self, day: date) -> None:
        self.first = day if self.first is None else max(self.first, day)

    def until(self, day: date) -> None:
        self.last = day if self.last is None else min(self.last, day)

    def term(self, term: str) -> None:
        if match := _BOUND.fullmatch(term):
            self.bound(match[1].lower(), match[2])
        elif match := _COMPARE.fullmatch(term):
            self.compare(match[1], _amount(match[2]))
        elif match := _RANGE.fullmatch(term):
            low, high = _amount(match[1]), _amount(match[2])
            if low > high:
                raise Invalid(
                    Message(
                        'The amount range {text} is upside down: write the smaller amount first ({low}..{high}).',
                        text=term,
                        low=match[2],
                        high=match[1],
                    ),
                    field=FIELD,
                )
            self.at_least(low)
            self.at_most(high)
        elif (span := _span(term)) is not None:
            self.since(span[0])
            self.until(span[1])
        elif _NUMBER.fullmatch(term):
            try:
                cents: int | None = _amount(term)
            except Invalid:
                cents = None  # 0 or a huge number: only a word
            self.numbers.append(NumberTerm(term if term.isdigit() else '', cents))
        elif words := _WORD.findall(fold(term)):
            self.words.extend(words)
        else:
            self.literals.append(term[:40])

    def compare(self, sign: str, cents: int) -> None:
        if sign == '>':
            self.at_least(cents + 1)
        elif sign == '>=':
            self.at_least(cents)
        elif sign == '<':
            self.at_most(cents - 1)
        else:
            self.at_most(cents)

    def bound(self, kind: str, value: str) -> None:
        span = _span(value.strip())
        if span is None:
            raise Invalid(
                Message(
                    "'{kind}:' needs a date, such as {kind}:2025-01-01 (or a month, 2025-01, or a year, 2025).",
                    kind=kind,
                ),
                field=FIELD,
            )
        if kind in ('since', 'from'):
            self.since(span[0])
        elif kind == 'after':
            self.since(date.fromordinal(span[1].toordinal() + 1))
        elif kind == 'before':
            self.until(date.fromordinal(span[0].toordinal() - 1))
        else:
            self.until(span[1])


def parse_search(text: object) -> SearchTerms:
    """The terms of a search; Invalid (field `search`) with a message a person can act on."""
    if text is None:
        return SearchTerms()
    if not isinstance(text, str):
        raise Invalid(Message('The search must be text.'), field=FIELD)
    if len(text) > MAX_SEARCH:
        raise Invalid(
            Message(
                'The search is {length} characters long; shorten it to {limit} at most.',
                length=len(text),
                limit=MAX_SEARCH,
            ),
            field=FIELD,
        )
    terms = text.split()
    if len(terms) > MAX_TERMS:
        raise Invalid(Message('Search with at most {limit} words at once.', limit=MAX_TERMS), field=FIELD)
    reader = _Reader()
    for term in terms:
        reader.term(term)
    if reader.low is not None and reader.high is not None and reader.low > reader.high:
        raise Invalid(Message('No amount is both over and under those figures; check the search.'), field=FIELD)
    if reader.first is not None and reader.last is not None and reader.first > reader.last:
        raise Invalid(Message('The search ends before it starts; check its dates.'), field=FIELD)
    found = SearchTerms(
        words=tuple(dict.fromkeys(reader.words))[:MAX_TERMS],
        literals=tuple(dict.fromkeys(reader.literals)),
        numbers=tuple(reader.numbers),
        min_cents=reader.low,
        max_cents=reader.high,
        date_from=reader.first,
        date_to=reader.last,
    )
    return found
