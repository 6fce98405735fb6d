"""An address or a method /sysapi does not have: our JSON error in the caller's language, never NiceGUI's
HTML page or FastAPI's English {"detail": ...}."""

from __future__ import annotations

from nicegui.testing import User

FRENCH = {'Accept-Language': 'fr-FR,fr;q=0.9'}


async def test_an_unknown_api_route_answers_json_in_the_callers_language(user: User) -> None:
    client = user.http_client
    english = await client.get('/sysapi/nothing_here')
    assert english.status_code == 404 and english.headers['content-type'].startswith('application/json')
    assert english.json() == {'error': 'No API route GET /sysapi/nothing_here; the list of routes is at /docs.'}
    assert english.headers['content-language'] == 'en'
    french = await client.post('/sysapi/nothing_here', headers=FRENCH)
    assert french.status_code == 404 and french.headers['content-language'] == 'fr'
    assert french.json() == {
        'error': 'Aucune route d’API POST /sysapi/nothing_here\u00a0; la liste des routes est sur /docs.'
    }


async def test_a_method_a_route_does_not_take_answers_405_with_allow(user: User) -> None:
    client = user.http_client
    english = await client.delete('/sysapi/expenses')
    assert english.status_code == 405 and english.headers['allow'] == 'GET'
    assert english.json() == {'error': '/sysapi/expenses does not take DELETE; send GET.'}
    french = await client.post('/sysapi/expenses', headers=FRENCH)
    assert french.status_code == 405 and french.headers['content-language'] == 'fr'
    assert french.json() == {'error': '/sysapi/expenses n’accepte pas POST\u00a0; envoyez GET.'}


async def test_pages_keep_their_own_not_found_page(user: User) -> None:
    response = await user.http_client.get('/nothing-here')
    assert response.status_code == 404 and response.headers['content-type'].startswith('text/html')
