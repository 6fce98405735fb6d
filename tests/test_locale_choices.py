"""Locales offered in words with an example amount, and defaults from the browser's Accept-Language."""

import pytest

from app.services import locale_choices, setup
from app.services.users import CURRENCIES, LOCALES


@pytest.mark.parametrize(
    ('code', 'currency', 'label'),
    [
        ('fr-FR', 'EUR', 'Français (France) — 1\u202f234,56\xa0€'),
        ('en-US', 'USD', 'English (United States) — $1,234.56'),
        ('en-GB', 'GBP', 'English (United Kingdom) — £1,234.56'),
        ('de-DE', 'EUR', 'Deutsch (Deutschland) — 1.234,56\xa0€'),
        ('fr-CH', 'CHF', 'Français (Suisse) — 1\u202f234,56\xa0CHF'),
    ],
)
def test_a_locale_is_shown_in_words_with_an_example(code: str, currency: str, label: str) -> None:
    assert locale_choices.locale_label(code, currency) == label


def test_every_offered_locale_and_currency_has_a_label() -> None:
    options = locale_choices.locale_options('EUR')
    assert list(options) == list(LOCALES)
    assert all(' — ' in label and '1' in label and label[0].isupper() for label in options.values())
    assert list(locale_choices.currency_options()) == list(CURRENCIES)
    assert locale_choices.currency_options()['CHF'] == 'CHF — Swiss Franc'


@pytest.mark.parametrize(
    ('header', 'locale', 'currency'),
    [
        ('fr-FR,fr;q=0.9,en;q=0.8', 'fr-FR', 'EUR'),
        ('en-US,en;q=0.9', 'en-US', 'USD'),
        ('en', 'en-US', 'USD'),  # a bare language means its usual country
        ('en-GB', 'en-GB', 'GBP'),
        ('de-AT,de;q=0.9', 'de-DE', 'EUR'),  # not offered: the same language
        ('fr-CA', 'fr-CA', 'CAD'),
        ('ja-JP, en;q=0.5', 'en-US', 'USD'),  # nothing for Japanese: the next language asked for
        ('en;q=0.2, nl;q=0.8', 'nl-NL', 'EUR'),  # the weights decide, not the order
        ('zh-CN, *;q=0.1', 'fr-FR', 'EUR'),
        ('fr;q=0, en-GB', 'en-GB', 'GBP'),  # q=0: "not this one"
        ('', 'fr-FR', 'EUR'),
        (None, 'fr-FR', 'EUR'),
        ('garbage;;q=x,,', 'fr-FR', 'EUR'),
    ],
)
def test_defaults_come_from_accept_language(header: str | None, locale: str, currency: str) -> None:
    chosen = locale_choices.default_locale(header)
    assert (chosen, locale_choices.default_currency(chosen)) == (locale, currency)


def test_account_problems_name_every_field_at_once() -> None:
    assert setup.account_problems('Admin', 'long enough pw', 'long enough pw') == {}
    problems = setup.account_problems('bad name!', 'short', 'shorter')
    assert set(problems) == {'username', 'password', 'password_confirm'}
    assert 'at least 8 characters' in str(problems['password']) and 'differ' in str(problems['password_confirm'])
    assert setup.account_problems('', '', '') == {
        'username': problems['username'],
        'password': problems['password'],
    }
