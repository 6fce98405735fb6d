"""Settings in French: the tabs, their cards, an event's toast, the rows a worker thread loads (the page
guard picks the language of a logged-in page and runs every event in it)."""

from __future__ import annotations

from nicegui.testing import User

from app.services import sessions
from tests.conftest import api_login, make_user
from tests.settings_pages import see, toasted


async def test_settings_speak_french_to_a_french_browser(user: User) -> None:
    alice = make_user('alice', admin=True)
    sessions.create_session(alice)
    user.http_client.headers['Accept-Language'] = 'fr'
    await api_login(user)
    await user.open('/settings')
    await see(user, 'Mot de passe actuel')
    await see(user, 'Apparence et formats')
    await see(user, 'Double authentification')
    await see(user, 'Connecté sur 1 autre navigateur ou appareil.')  # a timer started in the build
    user.find(marker='end-other-sessions').click()
    await toasted(user, '1 autre session déconnectée.')  # an event

    await user.open('/settings?tab=users')
    await see(user, 'Nouvel utilisateur')
    await see(user, 'Administrateur')  # a row read in a worker thread, worded in the page

    await user.open('/settings?tab=tokens')
    await see(user, 'Aucun jeton pour l’instant.')
