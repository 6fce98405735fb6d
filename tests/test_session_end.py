"""Issue 13 item 2: an open page loses its rights the moment its session ends.

The attack: a page opened before a logout (in another tab), a password change or reset, or the
account's deletion kept adding expenses and could create a personal token that outlived the reset.
Now every event of a page is checked against its session (app/pages/guard.py) and token creation
checks the session in the service; an administrator's reset also revokes the user's tokens unless told
not to.
"""

from __future__ import annotations

import pytest
from nicegui.testing import User

from app.models import ApiToken, Expense, Session
from app.services import login, sessions, tokens, users
from app.services.errors import Unauthorized
from tests.builders import basics
from tests.conftest import API_KEY, PASSWORD, api_login, make_user
from tests.polling import until
from tests.settings_pages import rows, see, toasted


def _only_session(alice) -> Session:
    found = list(Session.select().where(Session.user == alice.id))
    assert len(found) == 1
    return found[0]


async def _form_filled(user: User) -> dict:
    alice = make_user('alice')
    make_user('root', admin=True)
    things = basics(alice)
    await api_login(user)
    await user.open('/expenses')
    user.find(marker='add-expense').click()
    await user.should_see(marker='expense-dialog')
    user.find(marker='expense-amount').type('12,50')
    user.find(marker='expense-category').elements.pop().value = things['food'].id
    user.find(marker='expense-payment-method').elements.pop().value = things['card'].id
    return {'alice': alice, **things}


async def _refused_and_sent_to_login(user: User) -> None:
    user.find(marker='save-expense').click()
    await until(lambda: user.back_history and user.back_history[-1] == '/login?next=/expenses')
    await user.should_see(marker='login')
    assert Expense.select().count() == 0


@pytest.mark.parametrize(
    'end',
    [
        pytest.param(lambda alice: sessions.end_all_sessions(alice), id='logout-in-another-tab'),
        pytest.param(lambda alice: users.reset_password(alice, 'a brand new password'), id='admin-reset'),
        pytest.param(lambda alice: users.delete_user(alice), id='account-deleted'),
        pytest.param(
            lambda alice: login.change_password(alice, PASSWORD, 'a brand new password', current_token='other'),
            id='password-changed-elsewhere',
        ),
    ],
)
async def test_an_open_page_writes_nothing_once_its_session_ended(user: User, end) -> None:
    t = await _form_filled(user)
    end(t['alice'])
    await _refused_and_sent_to_login(user)


async def test_an_expired_session_ends_the_open_page(user: User) -> None:
    t = await _form_filled(user)
    Session.update(expires_at=Session.created_at).where(Session.user == t['alice'].id).execute()
    await _refused_and_sent_to_login(user)


async def test_a_live_session_still_saves(user: User) -> None:
    await _form_filled(user)
    user.find(marker='save-expense').click()
    await until(lambda: Expense.select().count() == 1)
    assert user.back_history[-1] == '/expenses'


async def test_the_tokens_page_creates_nothing_after_logout(user: User) -> None:
    alice = make_user('alice')
    await api_login(user)
    await user.open('/settings?tab=tokens')
    await user.should_see(marker='create-token')
    user.find(marker='token-name').type('phone')
    sessions.end_all_sessions(alice)
    user.find(marker='create-token').click()
    await until(lambda: user.back_history[-1] == '/login?next=/settings')
    assert ApiToken.select().count() == 0


@pytest.mark.usefixtures('database')
def test_the_service_refuses_a_token_for_an_ended_session() -> None:
    alice = make_user('alice')
    token = sessions.create_session(alice)
    tokens.create_token(alice, 'while logged in', session=token)
    sessions.end_session(token)
    with pytest.raises(Unauthorized, match='session has ended'):
        tokens.create_token(alice, 'after logout', session=token)
    bob = make_user('bob')
    with pytest.raises(Unauthorized):
        tokens.create_token(alice, "someone else's session", session=sessions.create_session(bob))
    assert [view.name for view in tokens.list_tokens(alice)] == ['while logged in']


@pytest.mark.usefixtures('database')
def test_a_reset_revokes_tokens_unless_told_not_to() -> None:
    alice = make_user('alice')
    tokens.create_token(alice, 'script')
    kept = users.reset_password(alice, 'a brand new password', revoke_tokens=False)
    assert (kept.tokens, kept.tokens_kept, ApiToken.select().count()) == (0, True, 1)
    assert 'still work' in kept.message()
    sessions.create_session(alice)
    report = users.reset_password(alice, 'another new password')
    assert (report.sessions, report.tokens, ApiToken.select().count()) == (1, 1, 0)
    assert report.message() == ('Password of alice changed; 1 session logged out, 1 personal API token revoked.')


async def _reset_dialog(user: User, *, untick: bool) -> None:
    make_user('root', admin=True)
    dana = make_user('dana')
    tokens.create_token(dana, 'script')
    await api_login(user, 'root')
    await user.open('/settings?tab=users')
    await until(lambda: len(rows(user, 'users-table')) == 2)
    row = next(r for r in rows(user, 'users-table') if r['username'] == 'dana')
    user.find(marker='users-table').trigger('password', row)
    await see(user, 'Also revoke their personal API tokens')
    box = user.find(marker='reset-revoke-tokens').elements.pop()
    assert box.value is True  # ticked by default
    if untick:
        user.find(marker='reset-revoke-tokens').click()
    user.find(marker='reset-password').type('dana new password')
    user.find(marker='save-reset-password').click()


async def test_the_reset_dialog_revokes_tokens_by_default(user: User) -> None:
    await _reset_dialog(user, untick=False)
    await toasted(user, 'Password of dana changed; 0 sessions logged out, 1 personal API token revoked.')
    assert ApiToken.select().count() == 0


async def test_the_reset_dialog_keeps_tokens_when_unticked(user: User) -> None:
    await _reset_dialog(user, untick=True)
    await toasted(user, 'Password of dana changed; 0 sessions logged out, their personal API tokens still work.')
    assert ApiToken.select().count() == 1


async def test_the_api_reset_revokes_tokens_unless_keep_tokens(user: User) -> None:
    make_user('root', admin=True)
    dana = make_user('dana')
    tokens.create_token(dana, 'script')
    await api_login(user, 'root')
    url = f'/sysapi/users/password?key={API_KEY}'
    kept = await user.http_client.post(
        url, json={'username': 'dana', 'password': 'dana new password', 'keep_tokens': True}
    )
    assert kept.status_code == 200 and 'still work' in kept.json()['message']
    assert ApiToken.select().count() == 1
    reset = await user.http_client.post(url, json={'username': 'dana', 'password': 'dana newer password'})
    assert reset.json()['message'].endswith('1 personal API token revoked.')
    assert ApiToken.select().count() == 0
