"""Numbers and dates as each locale writes them (Babel): the examples a person in each country expects."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.services import formats
from app.services.money import format_money, parse_amount
from app.services.months import Month

TODAY = date(2024, 6, 15)
NNBSP, NBSP = '\u202f', '\u00a0'

# locale: (amount, negative amount, CHF amount, percentage, short date, short date in another year,
#          long date, long date in another year, month name, abbreviated month, month and year)
EXAMPLES = {
    'fr-FR': (
        f'1{NNBSP}234,56{NBSP}€',
        f'-1{NNBSP}234,56{NBSP}€',
        f'1{NNBSP}234,56{NBSP}CHF',
        f'58,7{NBSP}%',
        '10 févr.',
        '10 févr. 2023',
        '10 février',
        '10 février 2023',
        'février',
        'févr.',
        'février 2024',
    ),
    'en-US': (
        '€1,234.56',
        '-€1,234.56',
        'CHF1,234.56',
        '58.7%',
        'Feb 10',
        'Feb 10, 2023',
        'February 10',
        'February 10, 2023',
        'February',
        'Feb',
        'February 2024',
    ),
    'en-GB': (
        '€1,234.56',
        '-€1,234.56',
        'CHF1,234.56',
        '58.7%',
        '10 Feb',
        '10 Feb 2023',
        '10 February',
        '10 February 2023',
        'February',
        'Feb',
        'February 2024',
    ),
    'de-CH': (
        f'EUR{NBSP}1’234.56',
        'EUR-1’234.56',
        f'CHF{NBSP}1’234.56',
        '58.7%',
        '10. Feb.',
        '10. Feb. 2023',
        '10. Februar',
        '10. Februar 2023',
        'Februar',
        'Feb',
        'Februar 2024',
    ),
}


@pytest.mark.parametrize('locale', sorted(EXAMPLES))
def test_each_locale_writes_amounts_percentages_and_dates_its_own_way(locale: str) -> None:
    (amount, negative, chf, pct, short, short_other, long, long_other, month, abbr, month_year) = EXAMPLES[locale]
    assert formats.money(123456, 'EUR', locale) == amount
    assert formats.money(-123456, 'EUR', locale) == negative
    assert formats.money(123456, 'CHF', locale) == chf
    assert formats.percent(58.66, locale) == pct
    assert formats.short_date(date(2024, 2, 10), locale, today=TODAY) == short
    assert formats.short_date('2023-02-10', locale, today=TODAY) == short_other
    assert formats.long_date(date(2024, 2, 10), locale, today=TODAY) == long
    assert formats.long_date(date(2023, 2, 10), locale, today=TODAY) == long_other
    assert formats.month_name(2, locale) == month
    assert formats.month_abbr(2, locale) == abbr
    assert formats.month_year(Month(2024, 2), locale) == month_year


def test_percentages_keep_one_decimal_at_most() -> None:
    assert formats.percent(58.7, 'en-US') == '58.7%'
    assert formats.percent(58.7, 'fr-FR') == '58,7\u00a0%'
    assert formats.percent(12, 'en-US') == '12%'
    assert formats.percent(33.333, 'en-GB') == '33.3%'
    assert formats.percent(0, 'de-CH') == '0%'
    assert formats.percent(17, 'en-US', fixed=True) == '17.0%'  # a column of shares lines up
    assert formats.percent(17, 'fr-FR', fixed=True) == '17,0\u00a0%'


def test_amounts_for_editing_use_the_locales_decimal_sign_and_read_back() -> None:
    for locale, text in (('fr-FR', '1234,56'), ('en-US', '1234.56'), ('en-GB', '1234.56'), ('de-CH', '1234.56')):
        assert formats.amount_for_input(123456, locale) == text
        assert parse_amount(text) == 123456
    assert formats.amount_for_input(5, 'fr-FR') == '0,05'
    assert formats.amount_for_input(1234500, 'en-US', 'JPY') == '12345'


def test_everything_on_screen_reads_back_as_the_same_amount() -> None:
    for locale in (*EXAMPLES, 'fr-CA', 'fr-CH', 'nl-NL'):
        for currency in ('EUR', 'USD', 'GBP', 'CHF', 'CAD', 'SEK', 'PLN'):
            assert parse_amount(format_money(123456, currency, locale)) == 123456, (locale, currency)


def test_ranges_compact_numbers_and_timestamps() -> None:
    assert formats.date_range('2024-02-01', '2024-02-04', 'fr-FR', today=TODAY) == '1–4 févr.'
    assert formats.date_range('2024-02-01', '2024-02-04', 'en-GB', today=TODAY) == '1–4 Feb'
    assert formats.date_range('2024-02-04', '2024-02-04', 'en-GB', today=TODAY) == '4 Feb'
    assert formats.date_range('2023-02-01', '2023-02-04', 'en-GB', today=TODAY).endswith('2023')
    assert formats.compact(1234, 'en-US') == '1.2K'
    assert formats.compact(1234, 'fr-FR') == '1,2\u00a0k'
    assert formats.timestamp(datetime(2023, 2, 10, 14, 3), 'fr-FR', today=TODAY) == '10 févr. 2023, 14:03'
    assert formats.timestamp(datetime(2024, 2, 10, 14, 3), 'en-GB', today=TODAY) == '10 Feb, 14:03'


def test_format_money_keeps_working_and_unknown_locales_fall_back() -> None:
    assert format_money(123456, 'EUR', 'fr-FR') == formats.money(123456, 'EUR', 'fr-FR')
    assert format_money(99) == '0,99\u00a0€'  # the old default: euros in fr-FR
    assert formats.money(123456, 'EUR', 'xx-YY') == '€1,234.56'
    assert formats.money(123400, 'JPY', 'en-US') == '¥1,234'
