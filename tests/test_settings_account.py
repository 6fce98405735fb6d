"""Settings › Account and › API tokens through NiceGUI's simulated user: each action shows its outcome at
once (a refusal under its field, a toast, the list or the label changed, the dialog gone), and only
administrators may reveal the installation API key."""

from __future__ import annotations

import pytest
from nicegui.testing import User

from app.models import ApiToken
from app.models import User as Account
from app.services import sessions, tokens, users
from app.services.errors import Forbidden
from tests.conftest import API_KEY, PASSWORD, api_login, make_user
from tests.polling import until
from tests.settings_pages import see, toasted


def value(user: User, marker: str):
    return user.find(marker=marker).elements.pop().value


async def test_password_change_shows_refusals_under_fields_then_confirms(user: User) -> None:
    alice = make_user('alice')
    other = sessions.create_session(alice)
    await api_login(user)
    await user.open('/settings')
    user.find(marker='current-password').type('not my password')
    user.find(marker='new-password').type('a brand new password')
    user.find(marker='new-password-confirm').type('a brand new password')
    user.find(marker='change-password').click()
    await see(user, 'The current password is wrong')
    assert user.find(marker='current-password').elements.pop().error == 'The current password is wrong; type it again.'

    user.find(marker='current-password').clear().type(PASSWORD)
    user.find(marker='new-password-confirm').clear().type('something else entirely')
    user.find(marker='change-password').click()
    await see(user, 'The two passwords differ')
    assert user.find(marker='current-password').elements.pop().error is None  # the fixed one is cleared

    user.find(marker='new-password-confirm').clear().type('a brand new password')
    user.find(marker='change-password').click()
    await toasted(user, 'Password changed; 1 other session logged out.')
    await until(lambda: value(user, 'current-password') == '' and value(user, 'new-password') == '')
    assert sessions.user_for_token(other) is None
    assert users.authenticate('alice', 'a brand new password') is not None


async def test_log_out_other_sessions_updates_the_count(user: User) -> None:
    alice = make_user('alice')
    sessions.create_session(alice)
    sessions.create_session(alice)
    await api_login(user)
    await user.open('/settings')
    await see(user, 'Logged in on 2 other browsers or devices.')
    user.find(marker='end-other-sessions').click()
    await toasted(user, '2 other sessions logged out.')
    await see(user, 'No other session.')


async def test_preferences_refuse_an_unknown_time_zone_then_save(user: User) -> None:
    alice = make_user('alice')
    await api_login(user)
    await user.open('/settings')
    user.find(marker='timezone').type('Mars/Olympus')
    user.find(marker='save-preferences').click()
    await see(user, "Time zone 'Mars/Olympus' is unknown")
    assert Account.get_by_id(alice.id).timezone == ''

    user.find(marker='timezone').clear().type('Europe/Paris')
    user.find(marker='currency').elements.pop().set_value('USD')
    user.find(marker='save-preferences').click()
    await toasted(user, 'Preferences saved.')
    await user.should_not_see("Time zone 'Mars/Olympus' is unknown")
    saved = Account.get_by_id(alice.id)
    assert (saved.timezone, saved.currency) == ('Europe/Paris', 'USD')


async def test_an_administrator_reveals_the_installation_key(user: User) -> None:
    make_user('root', admin=True)
    await api_login(user, 'root')
    await user.open('/settings')
    await see(user, marker='show-api-key')
    assert API_KEY not in user.find(marker='api-key').elements.pop().content
    user.find(marker='show-api-key').click()
    await until(lambda: user.find(marker='api-key').elements.pop().content == API_KEY)


async def test_a_member_never_sees_the_installation_key_and_is_sent_to_tokens(user: User) -> None:
    make_user('root', admin=True)
    make_user('alice')
    await api_login(user, 'alice')
    await user.open('/settings')
    await see(user, marker='api-access')
    await see(user, 'personal API token')
    await user.should_not_see(marker='show-api-key')
    await user.should_not_see(marker='api-key')
    user.find(marker='go-to-tokens').click()
    await until(lambda: user.find(marker='settings-tabs').elements.pop().value == 'tokens')
    await see(user, marker='create-token')


def test_only_administrators_get_the_installation_key(database: None) -> None:
    root, alice = make_user('root', admin=True), make_user('alice')
    assert users.installation_api_key(root) == API_KEY
    with pytest.raises(Forbidden, match='personal API token'):
        users.installation_api_key(alice)
    other = make_user('other', admin=True)
    users.set_admin(root, False, actor=other)
    with pytest.raises(Forbidden):  # the page's copy of root still says admin: rights are read again
        users.installation_api_key(root)


async def test_tokens_are_created_shown_once_and_revoked_in_a_dialog(user: User) -> None:
    make_user('alice')
    await api_login(user)
    await user.open('/settings?tab=tokens')
    await see(user, marker='no-tokens')
    user.find(marker='create-token').click()
    await see(user, 'Give the token a name')  # under the field
    user.find(marker='token-name').type('phone')
    user.find(marker='create-token').click()
    await see(user, marker='new-token')
    row = ApiToken.get()
    await see(user, marker=f'token-{row.id}')
    await user.should_not_see(marker='no-tokens')
    assert value(user, 'token-name') == ''
    assert user.find(marker='new-token').elements.pop().text.startswith(tokens.TOKEN_PREFIX)

    user.find(marker=f'revoke-token-{row.id}').click()
    await see(user, marker='revoke-dialog')
    user.find(marker='cancel-revoke').click()
    await user.should_not_see(marker='revoke-dialog')
    assert ApiToken.select().count() == 1
    user.find(marker=f'revoke-token-{row.id}').click()
    user.find(marker='confirm-revoke').click()
    await toasted(user, 'Token "phone" revoked.')
    await see(user, marker='no-tokens')
    await user.should_not_see(marker='revoke-dialog')
    await user.should_not_see(marker=f'token-{row.id}')
    assert ApiToken.select().count() == 0


async def test_the_address_opens_its_tab_or_the_first_one_allowed(user: User) -> None:
    make_user('alice')
    await api_login(user)
    await user.open('/settings?tab=sharing')
    await see(user, marker='tab-sharing')
    assert user.find(marker='settings-tabs').elements.pop().value == 'sharing'
    await user.open('/settings?tab=users')  # not an administrator: the first tab instead
    await see(user, marker='change-password')
    assert user.find(marker='settings-tabs').elements.pop().value == 'account'


async def test_the_update_dialog_goes_away_on_cancel_and_says_why_it_cannot_start(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.services import updates
    from app.services.errors import Conflict
    from tests.test_update_page import store_check

    def refuse() -> None:
        raise Conflict('An update to 9.1.0 is already running (step: backup); wait for it to finish.')

    make_user('root', admin=True)
    await api_login(user, 'root')
    store_check()
    monkeypatch.setattr(updates, 'start', refuse)
    await user.open('/settings?tab=update')
    await see(user, marker='update-start')
    user.find(marker='update-start').click()
    await see(user, marker='update-dialog')
    user.find(marker='update-cancel').click()
    await user.should_not_see(marker='update-dialog')
    user.find(marker='update-start').click()
    user.find(marker='update-confirm').click()
    await toasted(user, 'already running (step: backup)')
    await see(user, marker='update-dialog')  # refused: still open, for Cancel
