"""How locales and currencies are offered to a person: in words, with an example amount written the way
the locale writes it, and the defaults guessed from the browser's Accept-Language.

A code such as `fr-CH` means little to most people; "Français (Suisse) — 1 234,56 CHF" shows what they
will see. Babel knows the names and the formats, so nothing here is a hand-written table.
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from babel.core import LOCALE_ALIASES
from babel.numbers import format_currency, get_currency_name, get_territory_currencies

# preferred_languages moved down to app.i18n (which sits below the services); re-exported for its callers
from app.i18n import preferred_languages as preferred_languages
from app.services import formats
from app.services.users import CURRENCIES, LOCALES

EXAMPLE_AMOUNT = 1234.56
FALLBACK_LOCALE = 'fr-FR'  # the reference product's home, when the browser says nothing we offer
FALLBACK_CURRENCY = 'EUR'


def _babel(code: str) -> Locale:
    return Locale.parse(code.replace('-', '_'))


def locale_label(code: str, currency: str = FALLBACK_CURRENCY) -> str:
    """`Français (France) — 1 234,56 €`: the locale's own name, then an amount in `currency` as it writes it."""
    locale = _babel(code)
    name = locale.get_display_name(locale) or code
    # the amount as this person will see it: their language may pair with the locale's region (formats.py)
    example = format_currency(EXAMPLE_AMOUNT, currency, locale=formats.numbers_locale(code))
    return f'{name[:1].upper()}{name[1:]} — {example}'


def locale_options(currency: str = FALLBACK_CURRENCY) -> dict[str, str]:
    """{code: label} for a select, in the order of users.LOCALES."""
    return {code: locale_label(code, currency) for code in LOCALES}


def currency_options(display_locale: str = 'en-US') -> dict[str, str]:
    """{code: 'EUR — Euro'} for a select, named in the language the page speaks ('EUR — euro' in French)."""
    locale = formats.words_locale(display_locale)
    return {code: f'{code} — {get_currency_name(code, locale=locale)}' for code in CURRENCIES}


def default_locale(accept_language: str | None, language: str | None = None) -> str:
    """The offered locale closest to what the browser asks for: the same tag, else the same language
    (its usual country first: `en` is en-US, `fr-LU` is fr-FR), else the fallback.

    With `language` (the one the person reads, picked in the wizard), only tags of that language count,
    and its usual locale comes next: an en-GB browser choosing English gets en-GB, an en-US browser
    choosing French gets fr-FR, not the American formats of a browser they just overruled."""
    by_lower = {code.lower(): code for code in LOCALES}
    wanted = preferred_languages(accept_language)
    if language:
        language = language.replace('_', '-').split('-')[0].lower()
        wanted = [tag for tag in wanted if tag.replace('_', '-').split('-')[0].lower() == language] + [language]
    for tag in wanted:
        tag = tag.replace('_', '-').lower()
        if tag in by_lower:
            return by_lower[tag]
        base = tag.split('-')[0]
        usual = LOCALE_ALIASES.get(base, '').replace('_', '-').lower()
        if usual in by_lower:
            return by_lower[usual]
        for code in LOCALES:
            if code.split('-')[0].lower() == base:
                return code
    return FALLBACK_LOCALE


def default_currency(locale_code: str) -> str:
    """The currency of the locale's country when we offer it (en-US: USD, fr-CH: CHF), else the euro."""
    try:
        territory = _babel(locale_code).territory
    except (ValueError, UnknownLocaleError):
        return FALLBACK_CURRENCY
    for currency in get_territory_currencies(territory, tender=True) if territory else []:
        if currency in CURRENCIES:
            return currency
    return FALLBACK_CURRENCY
