"""A household may create an account for someone who reads another language: the new-user form, the API and
the CLI set the account's language and number format, and name its starting categories in that language."""

from __future__ import annotations

from pathlib import Path

from nicegui.testing import User

from app.models import Category
from app.services import tokens, users
from tests.conftest import PASSWORD, api_login, make_user
from tests.dialect import query
from tests.operations_helpers import cli, cli_env, ok
from tests.polling import until
from tests.settings_pages import rows, see, toasted


def category_names(account) -> set[str]:
    return {c.name for c in Category.select().where(Category.owner == account.id)}


async def test_the_new_user_form_sets_language_and_number_format(user: User) -> None:
    root = make_user('root', admin=True)
    users.update_preferences(root, currency='EUR', locale='en-GB', language='en')
    await api_login(user, 'root')
    await user.open('/settings?tab=users')
    await until(lambda: [r['username'] for r in rows(user, 'users-table')] == ['root'])

    user.find(marker='new-username').type('lea')
    user.find(marker='new-user-password').type('lea password')
    user.find(marker='new-user-language').elements.pop().value = 'fr'
    user.find(marker='new-user-locale').elements.pop().value = 'fr-FR'
    user.find(marker='create-user').click()
    await toasted(user, 'Created lea.')
    await until(lambda: [r['username'] for r in rows(user, 'users-table')] == ['lea', 'root'])

    lea = users.get_user_by_username('lea')
    assert (lea.language, lea.locale, lea.currency) == ('fr', 'fr-FR', 'EUR')
    assert {'Alimentation', 'Transport', 'Logement'} <= category_names(lea)
    assert 'Food' not in category_names(lea)


async def test_the_form_defaults_to_the_creators_choices(user: User) -> None:
    root = make_user('root', admin=True)
    users.update_preferences(root, locale='en-US', language='en')
    await api_login(user, 'root')
    await user.open('/settings?tab=users')
    await see(user, marker='new-user-locale')
    assert user.find(marker='new-user-locale').elements.pop().value == 'en-US'
    user.find(marker='new-username').type('sam')
    user.find(marker='new-user-password').type('sam password')
    user.find(marker='create-user').click()
    await toasted(user, 'Created sam.')
    sam = users.get_user_by_username('sam')
    assert (sam.language, sam.locale) == ('en', 'en-US') and 'Food' in category_names(sam)


async def test_the_api_takes_language_and_locale_and_refuses_unknown_ones(user: User) -> None:
    root = make_user('root', admin=True)
    client = user.http_client
    auth = {'Authorization': f'Bearer {tokens.create_token(root, "test")[1]}'}
    created = await client.post(
        '/sysapi/users/create',
        json={'username': 'eve', 'password': PASSWORD, 'language': 'fr', 'locale': 'fr-CH'},
        headers=auth,
    )
    assert created.status_code == 200, created.text
    eve = users.get_user_by_username('eve')
    assert (eve.language, eve.locale) == ('fr', 'fr-CH') and 'Alimentation' in category_names(eve)
    for body, field in (
        ({'username': 'zed', 'password': PASSWORD, 'language': 'xx'}, 'language'),
        ({'username': 'zed', 'password': PASSWORD, 'locale': 'zz-ZZ'}, 'locale'),
    ):
        refused = await client.post('/sysapi/users/create', json=body, headers={**auth, 'Accept-Language': 'fr'})
        assert refused.status_code == 422 and refused.json()['field'] == field
        assert 'choisissez' in refused.json()['error'].lower()
    assert users.find_user('zed') is None  # nothing half-made


def test_the_cli_takes_language_and_locale(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    ok(env, 'db', 'migrate')
    ok(env, 'user', 'create', '--username', 'noe', '--password', PASSWORD, '--language', 'fr', '--locale', 'fr-BE')
    url = env['DATABASE_URL']
    (user_id, language, locale), *_ = query(url, 'SELECT id, language, locale FROM "user" WHERE username = \'noe\'')
    names = {name for (name,) in query(url, f'SELECT name FROM category WHERE owner_id = {int(user_id)}')}
    assert (language, locale) == ('fr', 'fr-BE') and 'Alimentation' in names
    refused = cli(
        {**env, 'LANG': 'fr_FR.UTF-8'}, 'user', 'create', '--username', 'zoe', '--password', PASSWORD, '--locale', 'xx'
    )
    assert refused.returncode == 1 and 'n’est pas pris en charge' in refused.stderr and 'xx' in refused.stderr
