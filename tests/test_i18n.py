"""The translation layer on its own (app.i18n): lazy messages, plurals, fallback, negotiation, the
in-memory compile of a missing .mo, and why services must not read the current language."""

from __future__ import annotations

import asyncio
import shutil

import pytest

from app import i18n
from app.i18n import N_, Message, Plural, _, ngettext
from app.services.errors import Invalid, ServiceError, TooManyRequests
from app.services.locale_choices import preferred_languages

REFUSAL = "Language '{language}' is not offered; choose one of {choices}, or automatic (empty)."


def test_a_refusal_is_english_in_logs_and_renders_in_the_adapters_language():
    error = Invalid(Message(REFUSAL, language='de', choices='en, fr'), field='language')
    assert str(error) == "Language 'de' is not offered; choose one of en, fr, or automatic (empty)."
    assert error.message == str(error)  # old callers and tests read .message: English
    assert (
        error.render('fr')
        == 'La langue «\u00a0de\u00a0» n’est pas proposée\u00a0; choisissez parmi en, fr, ou automatique (vide).'
    )
    with i18n.use_language('fr'):
        assert error.render() == error.render('fr')  # the current language by default
    assert error.field == 'language'  # a field name, never translated
    assert Invalid('plain English during the migration').render('fr') == 'plain English during the migration'
    assert TooManyRequests(Message(REFUSAL, language='x', choices='en'), retry_after=7).retry_after == 7
    assert isinstance(error, ServiceError)


def test_message_equality_parameters_and_nested_messages():
    assert Message('Settings') == 'Settings'  # tests compare with English text
    assert Message('Settings') == Message('Settings') and Message('Settings') != Message('Map')
    title = Message('{page} · What I Spend', page=Message('Dashboard'))
    assert title.render('fr') == 'Tableau de bord · What I Spend'  # a Message param renders in the same language
    assert str(title) == 'Dashboard · What I Spend'
    assert i18n.render('plain', 'fr') == 'plain' and i18n.render(Message('Map'), 'fr') == 'Carte'
    assert N_('Map') == 'Map'  # only marks


def test_plural_forms_follow_each_languages_rule():
    singular, plural = '{n} string, translated in every language.', '{n} strings, translated in every language.'
    with i18n.use_language('fr'):  # French: 0 and 1 are singular
        assert [ngettext(singular, plural, n) for n in (0, 1, 2)] == [
            '0 texte, traduit dans chaque langue.',
            '1 texte, traduit dans chaque langue.',
            '2 textes, traduits dans chaque langue.',
        ]
    with i18n.use_language('en'):
        assert [ngettext(singular, plural, n) for n in (0, 1, 2)] == [
            '0 strings, translated in every language.',
            '1 string, translated in every language.',
            '2 strings, translated in every language.',
        ]
    assert Plural(singular, plural, n=1).render('fr') == '1 texte, traduit dans chaque langue.'
    assert Plural(singular, plural, n=0).render('en') == '0 strings, translated in every language.'


def test_unknown_language_and_missing_catalogue_fall_back_to_english():
    assert i18n.supported('de-CH') == 'en' and i18n.supported('fr_CH') == 'fr' and i18n.supported(None) == 'en'
    with i18n.use_language('de'):
        assert _('Settings') == 'Settings'
        assert _('not a msgid {x}', x=1) == 'not a msgid 1'
    assert i18n.translations('xx').gettext('Settings') == 'Settings'
    with i18n.use_language('fr'):
        assert _('Settings') == 'Paramètres'
    assert i18n.current() == 'en'  # use_language restores


@pytest.mark.parametrize(
    ('header', 'language'),
    [
        ('fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7', 'fr'),
        ('fr-CH', 'fr'),
        ('de-CH,de;q=0.9,fr;q=0.5', 'fr'),
        ('de-CH,de;q=0.9,en;q=0.5', 'en'),
        ('en-GB', 'en'),
        ('en;q=0.2,fr;q=0.8', 'fr'),
        ('', 'en'),
        (None, 'en'),
        ('fr;q=0', 'en'),
        ('*', 'en'),
    ],
)
def test_accept_language(header, language):
    assert i18n.from_accept_language(header) == language


def test_preferred_languages_moved_down_and_is_still_reachable_from_locale_choices():
    assert preferred_languages is i18n.preferred_languages
    assert preferred_languages('en;q=0.5, fr-CH, de;q=0') == ['fr-CH', 'en']


@pytest.mark.parametrize(
    ('environ', 'language'),
    [
        ({'LANG': 'fr_FR.UTF-8'}, 'fr'),
        ({'LANG': 'C.UTF-8'}, 'en'),
        ({'LANG': 'fr_FR.UTF-8', 'LC_ALL': 'C'}, 'fr'),  # C means "no preference", not English: next one
        ({'LANG': 'fr_FR.UTF-8', 'LC_ALL': 'POSIX'}, 'fr'),
        ({'LANGUAGE': 'fr:en', 'LANG': 'en_US.UTF-8'}, 'fr'),
        ({'LC_MESSAGES': 'en_GB.UTF-8', 'LANG': 'fr_FR.UTF-8'}, 'en'),
        ({'LANG': 'de_DE.UTF-8'}, 'en'),
        ({}, 'en'),
    ],
)
def test_cli_language_from_environment(environ, language):
    assert i18n.from_environment(environ) == language


async def test_contextvar_reaches_tasks_but_not_run_in_executor_threads():
    """Why services must not read the current language: loop.run_in_executor (run.io_bound) drops it."""
    with i18n.use_language('fr'):
        loop = asyncio.get_running_loop()
        in_task = await asyncio.create_task(asyncio.sleep(0, result=i18n.current()))
        in_thread = await loop.run_in_executor(None, i18n.current)
        in_to_thread = await asyncio.to_thread(i18n.current)  # copies the context, unlike run_in_executor
    assert (in_task, in_thread, in_to_thread) == ('fr', 'en', 'fr')


def test_a_missing_mo_is_compiled_in_memory_with_a_warning(tmp_path, monkeypatch, caplog):
    shutil.copytree(i18n.LOCALE_DIR, tmp_path / 'locale')
    for mo in (tmp_path / 'locale').rglob('*.mo'):
        mo.unlink()
    monkeypatch.setattr(i18n, 'LOCALE_DIR', tmp_path / 'locale')
    i18n.translations.cache_clear()
    try:
        with caplog.at_level('WARNING', logger='app.i18n'):
            assert i18n.translations('fr').gettext('Settings') == 'Paramètres'
        assert 'compiled in memory' in caplog.text
        assert all(record.levelname == 'WARNING' for record in caplog.records)  # not an ERROR
    finally:
        i18n.translations.cache_clear()
