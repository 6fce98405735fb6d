"""Numbers, amounts and dates as a person's locale writes them, through Babel (CLDR data).

One module for the whole UI, so that a figure is written the same way on every page and no page guesses
a decimal separator from a table of its own. Locales are the app's `fr-FR` style (users.LOCALES); an
unknown one falls back to en-US rather than failing a page.

One date style per place:
- `short_date` (lists, captions, chart axes and tooltips): "Feb 10" / "10 févr.", with the year when it
  is not the current one ("Feb 10, 2023");
- `long_date` (a single day on its own, such as a tooltip's title): "February 10" / "10 février", with
  the year when it is not the current one;
- `month_year` (month pickers and titles): "February 2024" / "février 2024";
- `timestamp` (when something happened: audit, tokens, accounts): the short date and the time;
- `relative` (how long ago, or in how long): "3 days ago" / "il y a 3 jours";
- `week_label` (a week of a chart): "Week 7" / "Semaine 7" for a whole ISO week, else its days.

Two settings meet here: the `language` a person reads (words) and the `locale` they chose for numbers and
dates (a language and a region, `fr-CH`). Words always follow the language; the region's conventions
follow the locale when CLDR knows the pair:
- the locale's own language (fr + fr-CH): the locale, as is;
- a pair CLDR knows (fr + de-CH -> fr_CH, en + fr-FR -> en_FR, en + de-CH -> en_CH): that pair for
  everything, words and numbers alike: "10 Feb 2023" and "1 234,56 €" for an English reader in France;
- a pair it does not know (fr + en-US, fr + en-GB, fr + de-DE): dates, month and day names, relative times
  and week labels in the language's own default (fr: "10 déc. 2026", "il y a 3 jours"), numbers and
  amounts exactly as the chosen locale writes them ("$1,234.56", "1.234,56 €"): the example the locale
  select showed is what the person gets, and no date reads half English.
The language is the one the caller's adapter speaks (`app.i18n.chosen()`: the page's, the request's, the
CLI's); where none is set (a worker thread, a script, a unit test) the locale's own language speaks, as
`week_label` and `relative` also do when given no `language`. Words that are not CLDR's (the "Week" of
`week_label`) come from the catalogue.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import (
    format_date,
    format_interval,
    format_skeleton,
    format_time,
    format_timedelta,
    get_month_names,
)
from babel.localedata import locale_identifiers
from babel.numbers import (
    format_compact_decimal,
    format_currency,
    format_decimal,
    format_percent,
    get_currency_precision,
    get_decimal_symbol,
)

from app.i18n import Message, chosen
from app.services.months import Month

FALLBACK = 'en-US'


@lru_cache(maxsize=64)
def babel_locale(locale: str) -> Locale:
    """`fr-FR`, `fr_FR` or `fr` as a Babel Locale; en-US when the name is unknown or malformed."""
    try:
        return Locale.parse(str(locale).replace('-', '_'))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(FALLBACK.replace('-', '_'))


@lru_cache(maxsize=128)
def _reading(locale: str, language: str | None) -> tuple[Locale, Locale]:
    """(words, numbers): the Babel locales that write the dates and the numbers for `language` and the
    `locale` setting, as the module's docstring decides."""
    setting = babel_locale(locale)
    language = str(language or setting.language).replace('-', '_').split('_')[0].lower()
    if language == setting.language:
        return setting, setting
    if setting.territory and f'{language}_{setting.territory}' in _known():
        pair = Locale(language, setting.territory)
        return pair, pair
    try:
        return Locale.parse(language), setting
    except (UnknownLocaleError, ValueError):
        return setting, setting


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(locale_identifiers())


def words_locale(locale: str, language: str | None = None) -> Locale:
    """The Babel locale of dates, month and day names and relative times (see the module's docstring)."""
    return _reading(locale, language or chosen())[0]


def numbers_locale(locale: str, language: str | None = None) -> Locale:
    """The Babel locale of numbers, amounts and percentages (see the module's docstring)."""
    return _reading(locale, language or chosen())[1]


# --- numbers -----------------------------------------------------------------------------------------


def money(cents: int, currency: str = 'EUR', locale: str = FALLBACK) -> str:
    """1234.56 EUR: fr-FR '1 234,56 €', en-US '€1,234.56', de-CH '€ 1’234.56'; negative amounts too.

    Amounts are integer cents; a currency without cents (JPY) is shown rounded to its own precision."""
    return format_currency(Decimal(int(cents)) / 100, currency, locale=numbers_locale(locale))


def number(value: float | int | Decimal, locale: str = FALLBACK, *, digits: int = 2) -> str:
    """A plain number with the locale's separators and at most `digits` decimals: 1 234,5 / 1,234.5."""
    rounded = round(Decimal(str(value)), digits)
    return format_decimal(rounded, locale=numbers_locale(locale), decimal_quantization=False)


def percent(value: float, locale: str = FALLBACK, *, fixed: bool = False) -> str:
    """`value` in percent (58.7 for 58.7 %), one decimal at most: en-US '58.7%', fr-FR '58,7 %'.

    `fixed` always writes the decimal ('17.0%'), for a column of shares that should line up."""
    rounded = round(Decimal(str(value)), 1) / 100
    where = numbers_locale(locale)
    if fixed:
        pattern = where.percent_formats[None].pattern
        return format_percent(rounded, pattern.replace('#,##0', '#,##0.0', 1), locale=where)
    return format_percent(rounded, locale=where, decimal_quantization=False)


def compact(value: float | int, locale: str = FALLBACK) -> str:
    """For chart axes: 1.2K, 1,2 k."""
    return format_compact_decimal(value, locale=numbers_locale(locale), fraction_digits=1)


def amount_for_input(cents: int, locale: str = FALLBACK, currency: str = 'EUR') -> str:
    """What an amount field shows for editing: no grouping, the locale's decimal sign ('12,50', '12.50').

    `money.parse_amount` reads either sign back, so the text round-trips whatever the locale."""
    digits = get_currency_precision(currency)
    text = f'{Decimal(int(cents)) / 100:.{digits}f}'
    return text.replace('.', get_decimal_symbol(numbers_locale(locale)))


def decimal_sign(locale: str = FALLBACK) -> str:
    return get_decimal_symbol(numbers_locale(locale))


# --- dates -------------------------------------------------------------------------------------------


def _today(today: date | None) -> date:
    return today if today is not None else date.today()


def short_date(
    day: date | str, locale: str = FALLBACK, *, today: date | None = None, language: str | None = None
) -> str:
    """'Feb 10' / '10 févr.' / '10. Feb.'; the year is added when it is not the current one."""
    day = as_date(day)
    skeleton = 'MMMd' if day.year == _today(today).year else 'yMMMd'
    return format_skeleton(skeleton, day, locale=words_locale(locale, language))


def long_date(day: date | str, locale: str = FALLBACK, *, today: date | None = None) -> str:
    """'February 10' / '10 février'; the year is added when it is not the current one."""
    day = as_date(day)
    if day.year == _today(today).year:
        return format_skeleton('MMMMd', day, locale=words_locale(locale))
    return format_date(day, 'long', locale=words_locale(locale))


def date_range(
    start: date | str,
    end: date | str,
    locale: str = FALLBACK,
    *,
    today: date | None = None,
    language: str | None = None,
) -> str:
    """'Feb 1 – 4' / '1–4 févr.' (one day: its short date); the year as `short_date` decides."""
    start, end = as_date(start), as_date(end)
    if start == end:
        return short_date(start, locale, today=today, language=language)
    current = _today(today).year
    skeleton = 'MMMd' if start.year == end.year == current else 'yMMMd'
    return format_interval(start, end, skeleton, locale=words_locale(locale, language))


def month_name(month: int, locale: str = FALLBACK) -> str:
    """The month on its own, as a title says it: 'February', 'février', 'Februar'."""
    return get_month_names('wide', context='stand-alone', locale=words_locale(locale))[month]


def month_abbr(month: int, locale: str = FALLBACK) -> str:
    """For a chart's axis of 12 months: 'Feb', 'févr.', 'Feb'."""
    return get_month_names('abbreviated', context='stand-alone', locale=words_locale(locale))[month]


def month_year(month: Month | date, locale: str = FALLBACK) -> str:
    """'February 2024', 'février 2024', 'Februar 2024' (of a Month, or of the month of a date)."""
    return format_skeleton('yMMMM', date(month.year, month.month, 1), locale=words_locale(locale))


def timestamp(moment: datetime, locale: str = FALLBACK, *, today: date | None = None) -> str:
    """When something happened: the short date and the time, '10 févr. 2023, 14:03' / 'Feb 10, 2:03 PM'."""
    when = short_date(moment.date(), locale, today=today)
    return f'{when}, {format_time(moment, "short", locale=words_locale(locale))}'


def local_timestamp(moment: datetime | None, locale: str = FALLBACK, timezone: str | None = None) -> str:
    """A stored moment (UTC, naive or aware) as the person reads it: in their time zone (the server's when
    they set none), then `timestamp`. An empty moment is an empty string, for the page to say 'never'."""
    if moment is None:
        return ''
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        zone = ZoneInfo(timezone) if timezone else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    local = moment.astimezone(zone)  # None: the server's local time zone
    return timestamp(local, locale)


def relative(
    moment: datetime | date, locale: str = FALLBACK, *, now: datetime | None = None, language: str | None = None
) -> str:
    """How long ago (or in how long) `moment` is, rounded as a person says it: '3 days ago', 'il y a 3 jours',
    'vor 3 Tagen', 'in 2 hours'. A naive moment is UTC, as stored; a date counts from its midnight."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    now = now if now is not None else datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    delta: timedelta = moment - now
    return format_timedelta(delta, add_direction=True, locale=words_locale(locale, language))


def week_label(
    start: date | str,
    end: date | str,
    locale: str = FALLBACK,
    language: str | None = None,
    *,
    today: date | None = None,
) -> str:
    """A week of a chart: a whole ISO week (Monday to Sunday) is 'Week 7' / 'Semaine 7' in `language`; the
    part of a week that a month cuts off is its days, 'Feb 1 – 2' / '1–2 févr.' (`date_range`), in the
    same language."""
    start, end = as_date(start), as_date(end)
    language = language or chosen() or babel_locale(locale).language
    if start.isoweekday() == 1 and end.isoweekday() == 7 and (end - start).days == 6:
        return Message('Week {number}', number=start.isocalendar().week).render(language)
    return date_range(start, end, locale, today=today, language=language)


def as_date(day: date | str) -> date:
    if isinstance(day, datetime):
        return day.date()
    if isinstance(day, date):
        return day
    return date.fromisoformat(str(day)[:10])
