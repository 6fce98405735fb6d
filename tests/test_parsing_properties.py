"""Property tests (hypothesis) of the two parsers every form, import and API call goes through."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.services.errors import Invalid
from app.services.money import MAX_AMOUNT_CENTS, cents_to_text, format_money, parse_amount
from app.services.months import MAX_YEAR, MIN_YEAR, parse_date
from app.services.users import LOCALES

CENTS = st.integers(min_value=1, max_value=MAX_AMOUNT_CENTS)
PROPERTIES = settings(max_examples=300, deadline=None, database=None)


@PROPERTIES
@given(CENTS)
def test_plain_text_amounts_round_trip(cents: int) -> None:
    text = cents_to_text(cents)
    assert parse_amount(text) == cents
    assert parse_amount(text.replace('.', ',')) == cents
    assert parse_amount(Decimal(text)) == cents
    assert parse_amount(f'  +{text} ') == cents


@PROPERTIES
@given(st.integers(min_value=1, max_value=MAX_AMOUNT_CENTS // 100))
def test_whole_numbers_are_units(units: int) -> None:
    assert parse_amount(units) == units * 100
    assert parse_amount(str(units)) == units * 100


@PROPERTIES
@given(CENTS, st.sampled_from(('EUR', 'USD', 'GBP')), st.sampled_from(LOCALES))
def test_what_we_display_parses_back(cents: int, currency: str, locale: str) -> None:
    """An amount copied from the screen (thousands separators, symbol) is the same amount."""
    assert parse_amount(format_money(cents, currency, locale)) == cents


@PROPERTIES
@given(st.integers(min_value=1, max_value=MAX_AMOUNT_CENTS), st.sampled_from((',', '.', ' ', '\u202f', "'")))
def test_thousands_separators(cents: int, thousands: str) -> None:
    whole, part = divmod(cents, 100)
    grouped = f'{whole:,}'.replace(',', thousands)
    decimal_sep = ',' if thousands == '.' else '.'
    assert parse_amount(f'{grouped}{decimal_sep}{part:02d}') == cents


@PROPERTIES
@given(st.one_of(st.text(max_size=60), st.floats(allow_nan=True), st.integers(), st.none(), st.booleans()))
@example('1e5')
@example('١٢٣')
@example('0.001')
@example('-5')
@example('9' * 41)
@example('1,2,3.4.5')
@example(10**26)
@example('123456789012345678901234567.5')
def test_anything_is_an_amount_or_a_clear_refusal(value) -> None:
    try:
        cents = parse_amount(value)
    except Invalid as refusal:
        assert refusal.message and refusal.field == 'amount'
        return
    assert isinstance(cents, int) and 1 <= cents <= MAX_AMOUNT_CENTS


@PROPERTIES
@given(st.dates(min_value=date(MIN_YEAR, 1, 1), max_value=date(MAX_YEAR, 12, 31)))
def test_dates_in_range_round_trip(day: date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(f' {day.isoformat()}\n') == day
    assert parse_date(day) == day


@PROPERTIES
@given(st.dates().filter(lambda d: not MIN_YEAR <= d.year <= MAX_YEAR))
def test_dates_out_of_range_are_refused(day: date) -> None:
    for value in (day, day.isoformat()):
        try:
            parse_date(value)
        except Invalid as refusal:
            assert refusal.field == 'date'
        else:
            raise AssertionError(f'{value!r} was accepted')


@PROPERTIES
@given(st.one_of(st.text(max_size=40), st.integers(), st.none(), st.from_regex(r'\d{4}-\d{2}-\d{2}', fullmatch=True)))
@example('2026-02-29')
@example('2026-13-01')
@example('٢٠٢٦-٠١-١٥')
@example('2026-1-5')
def test_anything_is_a_date_or_a_clear_refusal(value) -> None:
    try:
        day = parse_date(value)
    except Invalid as refusal:
        assert refusal.message and refusal.field == 'date'
        return
    assert isinstance(day, date) and MIN_YEAR <= day.year <= MAX_YEAR
    assert day.isoformat() == str(value).strip()
