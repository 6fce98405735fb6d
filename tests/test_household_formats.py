"""Households look like one household: an account created by an administrator counts like that
administrator (page, API and CLI all call users.create_account), and when linked accounts use different
currencies one service says so (links.currency_differences)."""

from __future__ import annotations

from nicegui.testing import User

from app.cli.user import UserCommands
from app.services import links, users
from tests.conftest import API_KEY, PASSWORD, api_login, make_user
from tests.sharing_data import household, spend


def paris_admin():
    root = make_user('root', admin=True)
    return users.update_preferences(root, currency='CHF', locale='fr-CH', timezone='Europe/Zurich')


def formats(username: str) -> tuple[str, str, str]:
    account = users.get_user_by_username(username)
    return account.currency, account.locale, account.timezone


def test_an_account_made_by_an_administrator_counts_like_them(database: None) -> None:
    root = paris_admin()
    made = users.create_account('dana', PASSWORD, creator=root)
    assert formats('dana') == ('CHF', 'fr-CH', 'Europe/Zurich')
    assert not made.was_restored and made.presets[0] > 0 and not made.user.is_admin
    bare = users.create_account('eve', PASSWORD, creator=root, presets=False)
    assert bare.presets == (0, 0) and users.owned_counts(bare.user) == (0, 0, 0)


def test_the_first_account_is_an_administrator_with_the_defaults(database: None) -> None:
    first = users.create_account('first', PASSWORD)
    assert first.user.is_admin
    assert formats('first') == ('EUR', 'fr-FR', '')


def test_a_deleted_account_brought_back_keeps_its_own_formats(database: None) -> None:
    root = paris_admin()
    dana = make_user('dana')
    users.update_preferences(dana, currency='USD', locale='en-US')
    spend(dana, 500, household(dana)['food'])
    users.delete_user(dana)
    back = users.create_account('dana', PASSWORD, creator=root)
    assert back.was_restored and back.restored == (1, 2, 1) and back.presets == (0, 0)
    assert formats('dana')[:2] == ('USD', 'en-US')


def test_the_cli_copies_the_first_administrator(database: None, capsys) -> None:
    paris_admin()
    UserCommands().create('carol', password=PASSWORD)
    assert 'Created user' in capsys.readouterr().out
    assert formats('carol') == ('CHF', 'fr-CH', 'Europe/Zurich')


async def test_the_api_copies_the_calling_administrator(user: User) -> None:
    paris_admin()
    await api_login(user, 'root')
    response = await user.http_client.post(
        f'/sysapi/users/create?key={API_KEY}', json={'username': 'dana', 'password': 'dana password'}
    )
    assert response.status_code == 200, response.text
    assert response.json()['restored'] is False
    assert formats('dana') == ('CHF', 'fr-CH', 'Europe/Zurich')


def test_currency_differences_name_each_linked_account_in_another_currency(database: None) -> None:
    alice, bob, carol, dave = (make_user(name) for name in ('alice', 'bob', 'carol', 'dave'))
    users.update_preferences(bob, currency='USD')
    users.update_preferences(carol, currency='GBP')
    users.update_preferences(dave, currency='JPY')  # not linked: not alice's business
    assert links.currency_differences(alice) == []
    links.link_users(None, 'alice', 'bob')
    links.link_users(None, 'alice', 'carol')
    differences = links.currency_differences(alice)
    assert [(d.username, d.currency, d.my_currency) for d in differences] == [
        ('bob', 'USD', 'EUR'),
        ('carol', 'GBP', 'EUR'),
    ]
    assert differences[0].message() == (
        'bob counts in USD, you in EUR: totals that mix your expenses add both as they are.'
    )
    assert [d.username for d in links.currency_differences(bob)] == ['alice']

    users.update_preferences(users.get_user(alice.id), currency='USD')  # `alice` itself still says EUR
    assert [d.username for d in links.currency_differences(alice)] == ['carol']  # read fresh, not from `alice`
    links.invite(dave, 'alice')  # a pending invitation shares nothing yet
    assert 'dave' not in [d.username for d in links.currency_differences(alice)]
