"""Words follow the language a person reads, numbers the region of the locale they chose (formats.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app import i18n
from app.services import formats, locale_choices

NNBSP, NBSP = '\u202f', '\u00a0'
TODAY = date(2026, 12, 2)
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


# language, locale: (amount in euros, short date, month and year, 3 days ago)
MIXED = {
    # no French of the United States in CLDR: French words, American numbers
    ('fr', 'en-US'): ('€1,234.56', '10 déc.', 'décembre 2026', 'il y a 3 jours'),
    ('fr', 'en-GB'): ('€1,234.56', '10 déc.', 'décembre 2026', 'il y a 3 jours'),
    ('fr', 'de-DE'): (f'1.234,56{NBSP}€', '10 déc.', 'décembre 2026', 'il y a 3 jours'),
    # French of Switzerland: fr_CH, words and numbers
    ('fr', 'de-CH'): (f'1{NNBSP}234,56{NBSP}€', '10 déc.', 'décembre 2026', 'il y a 3 jours'),
    # English of France and of Switzerland (en_FR, en_CH): English words, the region's numbers
    ('en', 'fr-FR'): (f'1{NNBSP}234,56{NBSP}€', '10 Dec', 'December 2026', '3 days ago'),
    ('en', 'de-CH'): (f'€{NBSP}1’234.56', '10 Dec', 'December 2026', '3 days ago'),
    # a language that is the locale's own: the locale as is
    ('fr', 'fr-FR'): (f'1{NNBSP}234,56{NBSP}€', '10 déc.', 'décembre 2026', 'il y a 3 jours'),
    ('en', 'en-US'): ('€1,234.56', 'Dec 10', 'December 2026', '3 days ago'),
    ('en', 'en-GB'): ('€1,234.56', '10 Dec', 'December 2026', '3 days ago'),
}


@pytest.mark.parametrize(('language', 'locale'), list(MIXED))
def test_words_follow_the_language_and_numbers_the_region(language: str, locale: str) -> None:
    amount, day, month, ago = MIXED[(language, locale)]
    with i18n.use_language(language):
        assert formats.money(123456, 'EUR', locale) == amount
        assert formats.short_date(date(2026, 12, 10), locale, today=TODAY) == day
        assert formats.month_year(date(2026, 12, 1), locale) == month
        assert formats.relative(NOW - timedelta(days=3), locale, now=NOW) == ago


def test_a_french_reader_with_american_formats_no_longer_sees_december() -> None:
    """The bug of issue 15: month names came from the locale setting alone."""
    with i18n.use_language('fr'):
        assert formats.month_name(12, 'en-US') == 'décembre'
        assert formats.month_abbr(2, 'en-US') == 'févr.'
        assert formats.long_date(date(2026, 2, 10), 'en-US', today=TODAY) == '10 février'
        assert formats.week_label(date(2026, 2, 2), date(2026, 2, 8), 'en-US', today=TODAY) == 'Semaine 6'
        assert formats.week_label(date(2026, 2, 1), date(2026, 2, 1), 'en-US', today=TODAY) == '1 févr.'
        assert formats.money(123456, 'USD', 'en-US') == '$1,234.56'


def test_an_explicit_language_wins_and_no_language_means_the_locales_own() -> None:
    """Worker threads and scripts have no adapter's language: the locale speaks its own, as before."""
    assert i18n.chosen() is None
    assert formats.month_year(date(2026, 12, 1), 'fr-FR') == 'décembre 2026'
    assert formats.month_year(date(2026, 12, 1), 'de-CH') == 'Dezember 2026'
    assert formats.relative(NOW - timedelta(days=3), 'en-US', now=NOW, language='fr') == 'il y a 3 jours'
    assert formats.short_date(date(2026, 12, 10), 'en-US', today=TODAY, language='fr') == '10 déc.'


def test_the_locale_select_shows_the_amount_as_this_reader_will_see_it() -> None:
    with i18n.use_language('fr'):
        assert locale_choices.locale_label('de-CH', 'CHF') == f'Deutsch (Schweiz) — 1{NNBSP}234,56{NBSP}CHF'
        assert locale_choices.locale_label('en-US', 'USD') == 'English (United States) — $1,234.56'
        assert locale_choices.currency_options('en-US')['CHF'] == 'CHF — franc suisse'
    assert locale_choices.locale_label('de-CH', 'CHF') == f'Deutsch (Schweiz) — CHF{NBSP}1’234.56'


@pytest.mark.parametrize(
    ('header', 'language', 'locale'),
    [
        ('en-US,en;q=0.9', 'fr', 'fr-FR'),  # an American browser, a French reader: French formats
        ('en-GB', 'en', 'en-GB'),
        ('en-US', 'en', 'en-US'),
        ('fr-CH, en-GB;q=0.5', 'en', 'en-GB'),  # the browser's English, not its Swiss French
        ('fr-CH, en-GB;q=0.5', 'fr', 'fr-CH'),
        ('de-DE', 'en', 'en-US'),  # nothing English asked for: English's usual formats
        ('', 'fr', 'fr-FR'),
        (None, 'en', 'en-US'),
    ],
)
def test_the_wizard_proposes_formats_of_the_language_picked(header: str | None, language: str, locale: str) -> None:
    assert locale_choices.default_locale(header, language) == locale
