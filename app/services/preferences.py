"""What a user may choose for themselves: language, theme, currency, number format, time zone.

The choices are checked here once, for Settings, the API, the CLI and the new-account form alike.
"""

from __future__ import annotations

from app.db import write_transaction
from app.i18n import LANGUAGES, Message
from app.models import User
from app.services import conversion
from app.services.errors import Invalid

THEMES = ('auto', 'light', 'dark')
CURRENCIES = ('EUR', 'USD', 'GBP', 'CHF', 'CAD', 'AUD', 'JPY', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'MAD', 'XOF')
LANGUAGE_CHOICES = ('', *LANGUAGES)  # '' = automatic: the browser's Accept-Language
LOCALES = ('fr-FR', 'en-GB', 'en-US', 'de-DE', 'es-ES', 'it-IT', 'nl-NL', 'pt-PT', 'fr-CH', 'fr-BE', 'fr-CA')


def check_language(language: str) -> str:
    if language not in LANGUAGE_CHOICES:
        raise Invalid(
            Message(
                "Language '{language}' is not offered; choose one of {choices}, or automatic (empty).",
                language=language,
                choices=', '.join(LANGUAGES),
            ),
            field='language',
        )
    return language


def check_locale(locale: str) -> str:
    if locale not in LOCALES:
        raise Invalid(
            Message(
                "Locale '{locale}' is not supported; choose one of {choices}.",
                locale=locale,
                choices=', '.join(LOCALES),
            ),
            field='locale',
        )
    return locale


def update_preferences(
    user: User,
    *,
    theme: str | None = None,
    currency: str | None = None,
    locale: str | None = None,
    timezone: str | None = None,
    capture_location: bool | None = None,
    language: str | None = None,
) -> User:
    former_currency = user.currency
    if language is not None:
        user.language = check_language(language)
    if theme is not None:
        if theme not in THEMES:
            raise Invalid(
                Message("Theme '{theme}' is unknown; choose one of {choices}.", theme=theme, choices=', '.join(THEMES)),
                field='theme',
            )
        user.theme = theme
    if currency is not None:
        currency = currency.strip().upper()
        if currency not in CURRENCIES:
            raise Invalid(
                Message(
                    "Currency '{currency}' is not supported; choose one of {choices}.",
                    currency=currency,
                    choices=', '.join(CURRENCIES),
                ),
                field='currency',
            )
        user.currency = currency
    if locale is not None:
        user.locale = check_locale(locale)
    if timezone is not None:
        timezone = timezone.strip()
        if timezone:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError):
                raise Invalid(
                    Message("Time zone '{timezone}' is unknown; use a name such as Europe/Paris.", timezone=timezone),
                    field='timezone',
                ) from None
        user.timezone = timezone
    if capture_location is not None:
        user.capture_location = bool(capture_location)
    with write_transaction():
        user.save()
        if user.currency != former_currency:  # what they own is counted again in it (issue 20)
            conversion.freeze_owner(user.id, former_currency)
            conversion.recount_owner(user.id)
    return user
