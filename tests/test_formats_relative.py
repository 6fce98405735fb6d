"""Relative times and week labels, the formats issue 15 adds: the locale writes them, the language names a week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.services import formats

NOW = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
NNBSP, NBSP = '\u202f', '\u00a0'


@pytest.mark.parametrize(
    ('locale', 'days_ago', 'hours_ahead', 'minutes_ago'),
    [
        ('fr-FR', 'il y a 3 jours', 'dans 2 heures', 'il y a 5 minutes'),
        ('en-US', '3 days ago', 'in 2 hours', '5 minutes ago'),
        ('en-GB', '3 days ago', 'in 2 hours', '5 minutes ago'),
        ('de-CH', 'vor 3 Tagen', 'in 2 Stunden', 'vor 5 Minuten'),
    ],
)
def test_relative_times_in_each_locale(locale: str, days_ago: str, hours_ahead: str, minutes_ago: str) -> None:
    assert formats.relative(NOW - timedelta(days=3), locale, now=NOW) == days_ago
    assert formats.relative(NOW + timedelta(hours=2), locale, now=NOW) == hours_ahead
    assert formats.relative(NOW - timedelta(minutes=5), locale, now=NOW) == minutes_ago


def test_relative_reads_stored_naive_moments_as_utc_and_dates_from_midnight() -> None:
    stored = datetime(2026, 11, 29, 17, 0)  # naive, as the database keeps it: UTC
    assert formats.relative(stored, 'fr-FR', now=NOW) == 'il y a 3 jours'
    assert formats.relative(date(2026, 11, 25), 'en-GB', now=NOW) == '1 week ago'
    assert formats.relative(stored, 'xx-YY', now=NOW) == '3 days ago'  # an unknown locale: en-US


@pytest.mark.parametrize(
    ('locale', 'language', 'whole', 'cut'),
    [
        ('fr-FR', 'fr', 'Semaine 7', '1–2 févr.'),
        ('en-US', 'en', 'Week 7', 'Feb 1\u2009–\u20092'),
        ('en-GB', 'en', 'Week 7', '1–2 Feb'),
        ('de-CH', 'en', 'Week 7', '1–2 Feb'),  # English words, in Switzerland (en_CH): words follow the language
        ('de-CH', 'de', 'Week 7', '1.–2. Feb.'),  # no German catalogue: 'Week' stays, the days are German
    ],
)
def test_week_labels_name_whole_weeks_and_give_the_days_of_cut_ones(
    locale: str, language: str, whole: str, cut: str
) -> None:
    today = date(2023, 3, 1)
    assert formats.week_label(date(2023, 2, 13), date(2023, 2, 19), locale, language, today=today) == whole
    assert formats.week_label(date(2023, 2, 1), date(2023, 2, 2), locale, language, today=today) == cut


def test_french_amounts_and_percentages_use_no_break_spaces() -> None:
    assert formats.money(123456, 'EUR', 'fr-FR') == f'1{NNBSP}234,56{NBSP}€'
    assert formats.percent(58.7, 'fr-FR') == f'58,7{NBSP}%'
    assert formats.money(123456, 'EUR', 'de-CH') == f'EUR{NBSP}1’234.56'
