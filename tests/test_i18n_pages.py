"""A page speaks one language: in its build, its click handlers, its refusals and notifications after a
service call (the service runs in a worker thread, where no language is current), and Quasar's own texts;
the language is the user's setting, else the browser's; Settings › Appearance switches it."""

from __future__ import annotations

import sys

from nicegui import ui
from nicegui.testing import User

from app.i18n import N_, Message, _
from app.pages.components.actions import call_service
from app.pages.guard import app_page
from app.services import users
from tests.conftest import api_login, make_user
from tests.polling import until
from tests.settings_pages import see

REFUSAL_FR = 'La langue «\u00a0de\u00a0» n’est pas proposée\u00a0; choisissez parmi en, fr, ou automatique (vide).'


def probe_page() -> None:
    """A page whose every part says something from the catalogue (msgids of the core)."""

    @app_page('/i18n-probe', N_('Map'))
    def probe(user) -> None:
        ui.label(_('Dashboard')).mark('built')
        ui.button('sync', on_click=lambda: ui.label(_('Expenses')).mark('clicked')).mark('sync')

        async def refused() -> None:
            await call_service(users.update_preferences, user, language='de', fields={'language': field})

        async def noticed() -> None:
            await call_service(users.update_preferences, user, language='de')

        async def saved() -> None:
            await call_service(users.update_preferences, user, theme='dark', success=Message('Settings'))

        field = ui.input('field').mark('field')
        ui.button('refused', on_click=refused).mark('refused')
        ui.button('noticed', on_click=noticed).mark('noticed')
        ui.button('saved', on_click=saved).mark('saved')


async def test_a_french_user_gets_french_in_the_build_the_handlers_and_after_a_service(user: User) -> None:
    alice = make_user('alice')
    users.update_preferences(alice, language='fr')
    probe_page()
    await api_login(user)
    await user.open('/i18n-probe')
    await see(user, 'Tableau de bord')  # the build
    await see(user, 'Carte')  # the frame's title
    assert user.back_history and 'Carte · What I Spend' in (await user.http_client.get('/i18n-probe')).text
    user.find(marker='sync').click()
    await see(user, 'Dépenses')  # a sync click handler
    user.find(marker='refused').click()  # async handler, service in a worker thread, refusal under the field
    await until(lambda: user.find(marker='field').elements.pop().error == REFUSAL_FR)
    user.find(marker='noticed').click()  # no such field: a notification
    await until(lambda: REFUSAL_FR in user.notify.messages)
    user.find(marker='saved').click()  # success=Message(...)
    await until(lambda: 'Paramètres' in user.notify.messages)


async def test_automatic_follows_the_browser_and_an_english_user_stays_english(user: User) -> None:
    make_user('alice')  # language '' (automatic)
    probe_page()
    await api_login(user)
    user.http_client.headers['Accept-Language'] = 'fr-CH,fr;q=0.9,en;q=0.5'
    await user.open('/i18n-probe')
    await see(user, 'Tableau de bord')
    user.find(marker='sync').click()
    await see(user, 'Dépenses')


async def test_the_setting_wins_over_the_browser(user: User) -> None:
    alice = make_user('alice')
    users.update_preferences(alice, language='en')
    probe_page()
    await api_login(user)
    user.http_client.headers['Accept-Language'] = 'fr'
    await user.open('/i18n-probe')
    await see(user, 'Dashboard')
    user.find(marker='noticed').click()
    await until(lambda: any(m.startswith("Language 'de' is not offered") for m in user.notify.messages))


async def test_without_the_dispatch_wrapper_handlers_fall_back_to_english(user: User, monkeypatch) -> None:
    """The control: the page build's context variable does NOT reach element events on its own.

    NiceGUI modules imported after guard.py (the fixture re-imports some per test) hold the wrapper under
    their own name, so the control takes it out of every one of them."""
    from nicegui import events

    original = events.handle_event.unchecked
    for module in [m for name, m in sys.modules.items() if name.startswith('nicegui') and m is not None]:
        if getattr(module, 'handle_event', None) not in (None, original):
            monkeypatch.setattr(module, 'handle_event', original)
    alice = make_user('alice')
    users.update_preferences(alice, language='fr')
    probe_page()
    await api_login(user)
    await user.open('/i18n-probe')
    await see(user, 'Tableau de bord')  # the build is French
    user.find(marker='sync').click()
    await see(user, 'Expenses')  # the click is not


async def test_quasar_texts_and_html_lang_follow_the_page_language(user: User) -> None:
    """NiceGUI internals (client.page copied per client, page.language): pinned here."""
    make_user('alice')
    user.http_client.headers['Accept-Language'] = 'fr'
    french = (await user.http_client.get('/login')).text
    assert '<html lang="fr">' in french and '/static/lang/fr.umd.prod.js' in french
    assert 'Connexion · What I Spend' in french
    user.http_client.headers['Accept-Language'] = 'en'
    english = (await user.http_client.get('/login')).text
    assert '<html lang="en-US">' in english and '/static/lang/en-US.umd.prod.js' in english
    assert 'Login · What I Spend' in english
    assert '<html lang="fr">' in (await user.http_client.get('/login?lang=fr')).text  # the wizard's choice


async def test_settings_language_switch_reloads_the_page_in_the_new_language(user: User) -> None:
    alice = make_user('alice')
    await api_login(user)
    user.http_client.headers['Accept-Language'] = 'en'
    await user.open('/settings')
    await see(user, 'Settings')
    assert user.find(marker='language').elements.pop().options == {
        '': 'Automatic (browser)',
        'en': 'English',
        'fr': 'Français',
    }
    user.find(marker='language').elements.pop().value = 'fr'
    user.find(marker='save-preferences').click()
    await until(lambda: user.find(marker='page-title').elements.pop().text == 'Paramètres')  # rebuilt in French
    assert users.get_user(alice.id).language == 'fr'
    assert user.find(marker='language').elements.pop().options[''] == 'Automatique (navigateur)'
    user.find(marker='language').elements.pop().value = ''
    user.find(marker='save-preferences').click()
    await until(lambda: users.get_user(alice.id).language == '')
    await until(lambda: user.find(marker='page-title').elements.pop().text == 'Settings')  # automatic: English
