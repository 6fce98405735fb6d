"""/sysapi answers in the caller's language: the user's setting, else Accept-Language, else English."""

from __future__ import annotations

import io
import json

import pytest
from nicegui.testing import User
from openpyxl import load_workbook

from app import i18n
from app.api.errors import problem
from app.models import User as Account
from app.services import tokens
from tests.conftest import make_user

NBSP = '\u00a0'
ADMIN_ONLY = '/sysapi/update/check'  # a route that refuses a plain user: 403 "Only an administrator may do this."


def bearer(account: Account) -> dict[str, str]:
    _, token = tokens.create_token(account, 'test')
    return {'Authorization': f'Bearer {token}'}


def speaks(account: Account, language: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Set the account's language setting (the column arrives with the i18n core; before it, a stand-in)."""
    if 'language' in Account._meta.fields:
        Account.update(language=language).where(Account.id == account.id).execute()
    else:
        monkeypatch.setattr(Account, 'language', language, raising=False)


async def test_an_error_by_accept_language_with_content_language(user: User) -> None:
    client = user.http_client
    english = await client.get('/sysapi/expenses')
    assert english.status_code == 401 and english.json()['error'].startswith('An API key is required')
    assert english.headers['content-language'] == 'en'
    french = await client.get('/sysapi/expenses', headers={'Accept-Language': 'fr-FR,fr;q=0.9,en;q=0.5'})
    assert french.status_code == 401
    assert french.json() == {
        'error': f'Une clé d’API est requise{NBSP}: ajoutez ?key=VOTRE_CLE_API (voir config.env) '
        'ou envoyez un jeton d’API personnel.'
    }
    assert french.headers['content-language'] == 'fr'
    other = await client.get('/sysapi/expenses', headers={'Accept-Language': 'de-CH, de;q=0.9'})
    assert other.headers['content-language'] == 'en' and other.json()['error'].startswith('An API key')


async def test_the_users_setting_wins_over_the_header(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    alice = make_user('alice')
    headers = bearer(alice)
    client = user.http_client
    speaks(alice, '', monkeypatch)  # automatic: the header decides
    by_header = await client.get(ADMIN_ONLY, headers={**headers, 'Accept-Language': 'fr'})
    assert by_header.status_code == 403 and by_header.json()['error'] == 'Seul un administrateur peut faire cela.'
    speaks(alice, 'en', monkeypatch)
    mine = await client.get(ADMIN_ONLY, headers={**headers, 'Accept-Language': 'fr'})
    assert mine.json()['error'] == 'Only an administrator may do this.'
    assert mine.headers['content-language'] == 'en'
    speaks(alice, 'fr', monkeypatch)
    theirs = await client.get(ADMIN_ONLY, headers={**headers, 'Accept-Language': 'en-US'})
    assert theirs.json()['error'] == 'Seul un administrateur peut faire cela.'
    assert theirs.headers['content-language'] == 'fr'


async def test_a_validation_error_in_french_keeps_its_field(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    alice = make_user('alice')
    speaks(alice, 'fr', monkeypatch)
    client = user.http_client
    query = await client.get('/sysapi/expenses?limit=0', headers=bearer(alice))
    assert query.status_code == 422
    assert query.json() == {
        'error': f'limit{NBSP}: Envoyez un nombre d’au moins 1. Corrigez ce champ et réessayez.',
        'field': 'limit',
    }
    body = await client.post('/sysapi/expense_create', json={'amount': True}, headers=bearer(alice))
    assert body.status_code == 422 and body.json()['field'] == 'amount'
    assert 'true ou false n’est pas un montant' in body.json()['error']
    still = await client.get('/sysapi/expenses?limit=0', headers={**bearer(alice), 'Accept-Language': 'en'})
    assert still.json()['error'].startswith(f'limit{NBSP}: Envoyez')  # the setting wins over the header


def test_pydantic_types_map_to_sentences_and_unknown_ones_to_a_generic_one() -> None:
    assert problem({'type': 'missing', 'msg': 'Field required'}) == 'This value is required.'
    with i18n.use_language('fr'):
        too_long = problem({'type': 'string_too_long', 'ctx': {'max_length': 200}, 'msg': '...'})
        assert too_long == 'Envoyez au plus 200 caractères.'
        assert problem({'type': 'int_parsing', 'msg': '...'}) == 'Envoyez un nombre entier.'
        unknown = problem({'type': 'uuid_parsing', 'msg': 'Input should be a valid UUID.'})
        assert unknown == 'Cette valeur n’est pas acceptée (Input should be a valid UUID).'
    no_context = problem({'type': 'greater_than_equal', 'msg': 'Input should be >= 1'})  # ctx missing
    assert no_context == 'This value is not accepted (Input should be >= 1).'


async def test_xlsx_headers_follow_the_language_but_the_csv_header_stays_english(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = make_user('alice')
    speaks(alice, 'fr', monkeypatch)
    client = user.http_client
    xlsx = await client.get('/sysapi/export_xlsx?month=all', headers=bearer(alice))
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ['Dépenses', 'Par catégorie']
    header = [cell.value for cell in book['Dépenses'][1]]
    assert header[:5] == ['Date', 'Montant', 'Catégorie', 'Sous-catégorie', 'Moyen de paiement']
    assert book['Dépenses']['A2'].value == 'Total (0 dépense)'
    csv = await client.get('/sysapi/export_csv?month=all', headers=bearer(alice))
    assert csv.text.splitlines()[0] == (
        'date,amount,category,subcategory,payment method,description,latitude,longitude,created by,tags,receipts,'
        'currency,original amount'
    )


def test_413_and_429_follow_accept_language() -> None:
    from app.web.body_limit import scope_language, too_large
    from app.web.ratelimit import too_many_requests

    scope = {'headers': [(b'accept-language', b'fr-CA,fr;q=0.8')]}
    assert scope_language(scope) == 'fr' and scope_language({'headers': []}) == 'en'
    start, body = too_large(1000, 'fr')
    assert (b'content-language', b'fr') in start['headers']
    assert json.loads(body)['error'].startswith('Le corps de la requête dépasse 1000 octets (1000 octets)')
    assert '1 Kio' in json.loads(too_large(1024, 'fr')[1])['error']
    assert json.loads(too_large(1000)[1])['error'].startswith('The request body is larger than 1000 bytes')
    assert json.loads(too_many_requests(1, 'fr')[1])['error'].endswith('dans 1 seconde.')
    assert json.loads(too_many_requests(3)[1])['error'].endswith('try again in 3 seconds.')


async def test_a_success_message_in_the_request_language(user: User) -> None:
    root = make_user('root', admin=True)
    make_user('bob')
    headers = {**bearer(root), 'Accept-Language': 'fr'}
    answer = await user.http_client.post(
        '/sysapi/users/admin', json={'username': 'bob', 'is_admin': True}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()['message'] == 'bob est maintenant administrateur.'
