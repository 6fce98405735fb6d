"""Settings › Sharing and Settings › Users through NiceGUI's simulated user: each action shows its outcome
at once (the list changes, a toast confirms, the dialog is gone), without a reload."""

from __future__ import annotations

from nicegui.testing import User

from app.models import Category, Expense, UserLink
from app.models import User as Account
from app.services import access, links, users
from tests.conftest import PASSWORD, api_login, make_user
from tests.polling import until
from tests.settings_pages import rows, see, toasted
from tests.sharing_data import household, spend, totals


async def test_invite_from_the_sharing_tab(user: User) -> None:
    make_user('alice')
    bob = make_user('bob')
    await api_login(user, 'alice')
    await user.open('/settings?tab=sharing')
    await see(user, marker='no-links')
    user.find(marker='send-invite').click()
    await see(user, 'Type the username')  # under the field
    user.find(marker='invite-username').type('nobody')
    user.find(marker='send-invite').click()
    await toasted(user, "No user named 'nobody'")
    user.find(marker='invite-username').clear().type('bob')
    user.find(marker='send-invite').click()
    await toasted(user, 'Invitation sent to bob')
    await see(user, marker='outgoing-invitations')
    await see(user, marker='cancel-bob')
    assert user.find(marker='invite-username').elements.pop().value == ''  # the list was rebuilt
    assert UserLink.get().status == 'pending'
    assert access.visible_owner_ids(bob) == [bob.id]

    user.find(marker='cancel-bob').click()
    await toasted(user, 'Invitation to bob withdrawn')
    await user.should_not_see(marker='outgoing-invitations', retries=100)
    assert UserLink.select().count() == 0


async def test_accept_and_decline_from_the_sharing_tab(user: User) -> None:
    alice = make_user('alice')
    bob, carol = make_user('bob'), make_user('carol')
    links.invite(bob, 'alice')
    links.invite(carol, 'alice')
    await api_login(user, 'alice')
    await user.open('/settings?tab=sharing')
    await see(user, marker='incoming-invitations')
    user.find(marker='decline-carol').click()
    await toasted(user, 'Invitation from carol declined')
    await user.should_not_see(marker='decline-carol', retries=100)
    user.find(marker='accept-bob').click()
    await toasted(user, 'Invitation from bob accepted')
    await see(user, marker='link-bob')
    await user.should_not_see(marker='incoming-invitations')
    assert access.visible_owner_ids(alice) == [alice.id, bob.id]
    assert carol.id not in access.visible_owner_ids(alice)
    assert UserLink.select().count() == 1


async def test_unlink_asks_first_and_loses_nothing(user: User) -> None:
    alice, bob = make_user('alice'), make_user('bob')
    b = household(bob)
    links.link_users(None, 'alice', 'bob')
    spend(alice, 4200, b['food'], method=b['card'])
    before = totals(alice)
    await api_login(user, 'alice')
    await user.open('/settings?tab=sharing')
    await see(user, marker='unlink-bob')
    user.find(marker='unlink-bob').click()
    await see(user, 'Stop sharing with bob?')
    user.find(marker='cancel-unlink').click()
    await user.should_not_see(marker='unlink-dialog')
    assert UserLink.select().count() == 1
    user.find(marker='unlink-bob').click()
    user.find(marker='confirm-unlink').click()
    await toasted(user, 'Unlinked alice and bob')
    await see(user, marker='no-links')
    await user.should_not_see(marker='unlink-dialog')
    await user.should_not_see(marker='link-bob')
    assert UserLink.select().count() == 0
    assert totals(alice) == before
    assert Category.get_by_id(Expense.get().category_id).owner_id == alice.id


async def test_sharing_says_when_linked_accounts_count_in_other_currencies(user: User) -> None:
    alice, bob = make_user('alice'), make_user('bob')
    users.update_preferences(alice, currency='EUR')
    users.update_preferences(bob, currency='USD')
    links.link_users(None, 'alice', 'bob')
    await api_login(user, 'alice')
    await user.open('/settings?tab=sharing')
    await see(user, 'bob counts in USD, you in EUR: totals that mix your expenses add both as they are.')
    await user.open('/')
    await see(user, marker='currency-differences')
    await see(user, 'bob counts in USD, you in EUR')

    users.update_preferences(bob, currency='EUR')
    await user.open('/settings?tab=sharing')
    await see(user, marker='link-bob')
    await user.should_not_see(marker='currency-differences')
    await user.open('/')
    await see(user, marker='page-title')
    await user.should_not_see(marker='currency-differences')


async def test_users_tab_is_for_admins_only(user: User) -> None:
    make_user('root', admin=True)
    make_user('alice')
    await api_login(user, 'alice')
    await user.open('/settings?tab=users')
    await user.should_not_see(marker='create-user')
    await user.should_not_see(marker='tab-users')


async def test_admin_creates_a_user_who_counts_like_the_admin(user: User) -> None:
    root = make_user('root', admin=True)
    users.update_preferences(root, currency='CHF', locale='fr-CH', timezone='Europe/Zurich')
    await api_login(user, 'root')
    await user.open('/settings?tab=users')
    await until(lambda: [r['username'] for r in rows(user, 'users-table')] == ['root'])

    user.find(marker='new-username').type('dana')
    user.find(marker='new-user-password').type('short')
    user.find(marker='create-user').click()
    await see(user, 'at least 8 characters')  # under the password field
    user.find(marker='new-user-password').clear().type('dana password')
    user.find(marker='create-user').click()
    await toasted(user, 'Created dana.')
    await until(lambda: [r['username'] for r in rows(user, 'users-table')] == ['dana', 'root'])
    assert user.find(marker='new-username').elements.pop().value == ''
    dana = users.get_user_by_username('dana')
    assert (dana.currency, dana.locale, dana.timezone) == ('CHF', 'fr-CH', 'Europe/Zurich')
    assert not dana.is_admin and users.owned_counts(dana)[1] > 0  # started with the usual categories


async def test_admin_resets_a_password_in_a_dialog(user: User) -> None:
    make_user('root', admin=True)
    make_user('dana')
    await api_login(user, 'root')
    await user.open('/settings?tab=users')
    await until(lambda: len(rows(user, 'users-table')) == 2)
    row = next(r for r in rows(user, 'users-table') if r['username'] == 'dana')

    user.find(marker='users-table').trigger('password', row)
    await see(user, 'New password for dana')
    user.find(marker='reset-password').type('short')
    user.find(marker='save-reset-password').click()
    await see(user, 'at least 8 characters')  # under the field; the dialog stays open
    await see(user, marker='reset-password-dialog')
    user.find(marker='reset-password').clear().type('dana new password')
    user.find(marker='save-reset-password').click()
    await toasted(user, 'Password of dana changed; 0 sessions logged out, 0 personal API tokens revoked.')
    await user.should_not_see(marker='reset-password-dialog')
    assert users.authenticate('dana', 'dana new password') is not None


async def test_admin_promotes_and_demotes(user: User) -> None:
    make_user('root', admin=True)
    dana = make_user('dana')
    await api_login(user, 'root')
    await user.open('/settings?tab=users')
    await until(lambda: len(rows(user, 'users-table')) == 2)

    def row(name: str) -> dict:
        return next(r for r in rows(user, 'users-table') if r['username'] == name)

    user.find(marker='users-table').trigger('admin', row('dana'))
    await toasted(user, 'dana is now an administrator.')
    await until(lambda: row('dana')['role'] == 'Administrator')
    assert Account.get_by_id(dana.id).is_admin
    user.find(marker='users-table').trigger('admin', row('root'))
    await toasted(user, 'You cannot demote yourself')
    assert row('root')['role'] == 'Administrator'
    user.find(marker='users-table').trigger('admin', row('dana'))
    await toasted(user, 'dana is no longer an administrator.')
    await until(lambda: row('dana')['role'] == 'User')


async def test_admin_deletes_keeping_or_deleting_data(user: User) -> None:
    root = make_user('root', admin=True)
    dana = make_user('dana')
    d = household(dana, 'D-')
    spend(dana, 100, d['food'])
    await api_login(user, 'root')
    await user.open('/settings?tab=users')
    await until(lambda: len(rows(user, 'users-table')) == 2)

    def row(name: str) -> dict:
        return next(r for r in rows(user, 'users-table') if r['username'] == name)

    user.find(marker='users-table').trigger('delete', row('root'))
    user.find(marker='confirm-delete-user').click()
    await toasted(user, 'You cannot delete your own account here')
    await see(user, marker='delete-user-dialog')  # refused: the dialog stays for Cancel
    user.find(marker='cancel-delete-user').click()
    await user.should_not_see(marker='delete-user-dialog')
    assert Account.get_by_id(root.id).is_active

    user.find(marker='users-table').trigger('delete', row('dana'))
    user.find(marker='confirm-delete-user').click()
    await toasted(user, "Deleted user 'dana'")
    await user.should_not_see(marker='delete-user-dialog')
    await until(lambda: [r['username'] for r in rows(user, 'users-table')] == ['root'])
    assert Expense.select().count() == 1  # kept

    # Created again: the data is back, and no presets are added on top.
    user.find(marker='new-username').type('dana')
    user.find(marker='new-user-password').type('dana password')
    user.find(marker='create-user').click()
    await toasted(user, 'Created dana with the data it had before.')
    restored = users.get_user_by_username('dana')
    assert restored.id == dana.id and users.authenticate('dana', 'dana password')
    assert users.owned_counts(restored) == (1, 2, 1)

    await until(lambda: len(rows(user, 'users-table')) == 2)
    user.find(marker='users-table').trigger('delete', row('dana'))
    user.find(marker='delete-data').click()
    user.find(marker='confirm-delete-user').click()
    await toasted(user, 'Deleted its data: 1 expense,')
    await until(lambda: len(rows(user, 'users-table')) == 1)
    assert Expense.select().count() == 0
    assert PASSWORD


async def test_admin_links_and_unlinks_two_users_at_once(user: User) -> None:
    make_user('root', admin=True)
    alice, bob = make_user('alice'), make_user('bob')
    b = household(bob)
    spend(alice, 300, b['food'])
    await api_login(user, 'root')
    await user.open('/settings?tab=users')
    await see(user, marker='admin-link')
    user.find(marker='admin-link').click()
    await toasted(user, 'Choose two users')
    first = user.find(marker='link-user1').elements.pop()
    second = user.find(marker='link-user2').elements.pop()
    await until(lambda: 'alice' in first.options)
    first.set_value('alice')
    second.set_value('alice')
    user.find(marker='admin-link').click()
    await toasted(user, 'same account')
    second.set_value('bob')
    user.find(marker='admin-link').click()
    await toasted(user, 'Linked alice and bob')
    await until(lambda: next(r for r in rows(user, 'users-table') if r['username'] == 'alice')['linked'] == 'bob')
    assert access.visible_owner_ids(alice) == [alice.id, bob.id]
    before = totals(alice)
    user.find(marker='admin-unlink').click()
    await toasted(user, 'Unlinked alice and bob')
    await until(lambda: next(r for r in rows(user, 'users-table') if r['username'] == 'alice')['linked'] == '—')
    assert access.visible_owner_ids(alice) == [alice.id]
    assert totals(alice) == before
