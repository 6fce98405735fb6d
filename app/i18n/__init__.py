"""The one translation layer: gettext catalogues (app/locale/<lang>/LC_MESSAGES/messages.mo) through Babel.

- `_('Saved {name}', name=x)` translates into the current language NOW (pages, CLI output, API handlers);
- `ngettext('{n} expense', '{n} expenses', n)` the same with the language's plural rule (n is passed as `n`);
- `N_('Food')` only marks a constant for extraction; it is translated where it is shown (`_(FOOD)`);
- `Message('No user named {name}.', name=x)` is a LAZY message: services raise with it, the adapter
  renders it in ITS language (`msg.render('fr')`); `str(msg)` is English, for logs.

The current language is a context variable. Adapters set it: the page guard per page build and per event,
the API per request, the CLI from LANG. Services never read it (they run in worker threads, where
`run.io_bound` does not carry context variables); a service that writes text takes the language explicitly.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

log = logging.getLogger(__name__)

LOCALE_DIR = Path(__file__).resolve().parent.parent / 'locale'
DEFAULT = 'en'
# the languages whose catalogue is complete; the order of the Settings select (names in their own language)
LANGUAGES: dict[str, str] = {'en': 'English', 'fr': 'Français'}

# no default: `chosen()` tells a language an adapter set from the default of a thread nobody set one in
_language: ContextVar[str] = ContextVar('language')


# --- which language --------------------------------------------------------------------------------------


def current() -> str:
    return _language.get(DEFAULT)


def chosen() -> str | None:
    """The language an adapter set for this context (a page, a request, a CLI run); None in a context where
    none did (a worker thread, a script), for code that then falls back on something else than English."""
    return _language.get(None)


def set_language(language: str | None) -> None:
    """For an adapter's entry point (page build, event dispatch, API request, CLI start)."""
    _language.set(supported(language))


@contextlib.contextmanager
def use_language(language: str | None) -> Iterator[None]:
    token = _language.set(supported(language))
    try:
        yield
    finally:
        _language.reset(token)


def supported(language: str | None) -> str:
    """'fr', 'fr-FR', 'fr_CH' -> 'fr'; anything we do not offer -> 'en'."""
    code = str(language or '').replace('-', '_').split('_')[0].lower()
    return code if code in LANGUAGES else DEFAULT


def from_accept_language(header: str | None) -> str:
    """The first offered language the browser (or API client) asks for; English when none matches."""
    wanted = [tag.replace('-', '_') for tag in preferred_languages(header)]
    return supported(
        negotiate_locale(wanted, list(LANGUAGES))
        or negotiate_locale([t.split('_')[0] for t in wanted], list(LANGUAGES))
    )


def preferred_languages(accept_language: str | None) -> list[str]:
    """The tags of an Accept-Language header, most wanted first (q=0 means "not this one").

    Moved here from services/locale_choices (which imports it): app.i18n sits below the services."""
    weighted = []
    for position, part in enumerate((accept_language or '').split(',')):
        tag, *params = [piece.strip() for piece in part.split(';')]
        if not tag or tag == '*':
            continue
        quality = 1.0
        for param in params:
            if param.startswith('q='):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def from_environment(environ: Mapping[str, str]) -> str:
    """The CLI's language: LANGUAGE (first of its list), LC_ALL, LC_MESSAGES, LANG, as gettext reads them."""
    for name in ('LANGUAGE', 'LC_ALL', 'LC_MESSAGES', 'LANG'):
        value = environ.get(name, '')
        if value and value not in ('C', 'POSIX') and not value.startswith('C.'):
            return supported(value.split(':')[0])
    return DEFAULT


# --- catalogues ------------------------------------------------------------------------------------------


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of `language`; English (the msgids themselves) when there is none.

    The .mo files are built at install (`manage.py i18n compile`, run by ./install.sh and the updater); a
    checkout where the .mo is missing or older than its .po compiles it in memory (a few ms) and says so."""
    if language == DEFAULT:
        return NullTranslations()
    po = LOCALE_DIR / language / 'LC_MESSAGES' / 'messages.po'
    mo = po.with_suffix('.mo')
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open('rb') as compiled:
            return Translations(fp=compiled, domain='messages')
    if not po.exists():
        return NullTranslations()
    log.warning('%s is missing or older than its .po; compiled in memory (run `manage.py i18n compile`)', mo)
    with po.open('rb') as source:
        catalogue = read_po(source, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain='messages')


def _format(text: str, params: Mapping[str, Any], language: str) -> str:
    if not params:
        return text
    rendered = {key: value.render(language) if isinstance(value, Message) else value for key, value in params.items()}
    return text.format(**rendered)


def gettext(msgid: str, /, **params: Any) -> str:
    language = current()
    return _format(translations(language).gettext(msgid), params, language)


_ = gettext


def ngettext(singular: str, plural: str, n: int, /, **params: Any) -> str:
    language = current()
    return _format(translations(language).ngettext(singular, plural, n), {'n': n, **params}, language)


def N_(msgid: str) -> str:  # noqa: N802 - the gettext convention, and the extraction keyword
    return msgid


def locale_of(language: str) -> Locale:
    return Locale.parse(supported(language))


# --- lazy messages ---------------------------------------------------------------------------------------


class Message:
    """A message to show a person, rendered later in the language of whoever shows it.

    `Message('No user named {name}.', name='bob')`; plural: `Plural('{n} day', '{n} days', n=3)`.
    Parameters are plain values (names, numbers as already formatted text) or other Messages.
    """

    __slots__ = ('msgid', 'plural_msgid', 'n', 'params')

    def __init__(self, msgid: str, /, **params: Any) -> None:
        self.msgid = msgid
        self.plural_msgid: str | None = None
        self.n: int | None = None
        self.params = params

    def render(self, language: str | None = None) -> str:
        language = supported(language) if language else current()
        catalogue = translations(language)
        if self.plural_msgid is not None and self.n is not None:
            text = catalogue.ngettext(self.msgid, self.plural_msgid, self.n)
        else:
            text = catalogue.gettext(self.msgid)
        return _format(text, self.params, language)

    def __str__(self) -> str:  # logs, exception reprs, tracebacks: always English
        return self.render(DEFAULT)

    def __repr__(self) -> str:
        return f'Message({self.msgid!r}, **{self.params!r})'

    def __eq__(self, other: object) -> bool:  # tests compare with English text or with another Message
        if isinstance(other, Message):
            return (self.msgid, self.plural_msgid, self.n, self.params) == (
                other.msgid,
                other.plural_msgid,
                other.n,
                other.params,
            )
        return isinstance(other, str) and str(self) == other

    __hash__ = None  # type: ignore[assignment]


class Plural(Message):
    """`Plural('{n} expense', '{n} expenses', n=count)`: the form the language's plural rule picks for `n`."""

    __slots__ = ()

    def __init__(self, singular: str, plural: str, /, *, n: int, **params: Any) -> None:
        super().__init__(singular, n=n, **params)
        self.plural_msgid, self.n = plural, n


def render(text: str | Message, language: str | None = None) -> str:
    """A message of either kind, in `language` (default: the current one). Plain strings are shown as they are."""
    return text.render(language) if isinstance(text, Message) else text
