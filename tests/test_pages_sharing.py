"""Settings › Sharing and Settings › Users through NiceGUI's simulated user."""

from __future__ import annotations

import asyncio

from nicegui.testing import User

from app.models import Category, Expense, UserLink
from app.models import User as Account
from app.services import access, links, users
from tests.conftest import PASSWORD, api_login, make_user
from tests.sharing_data import household, spend, totals


async def settle(condition, tries: int = 200) -> None:
    """Let the io_bound service call behind a click finish (no sleeps: yield to the loop until true)."""
    for _ in range(tries):
        if condition():
            return
        await asyncio.sleep(0)
    assert condition()


async def test_invite_from_the_sharing_tab(user: User) -> None:
    make_user('alice')
    bob = make_user('bob')
    await api_login(user, 'alice')
    await user.open('/settings?tab=sharing')
    await user.should_see(marker='no-links')
    user.find(marker='send-invite').click()
    await user.should_see('Type the username')
    user.find(marker='invite-username').type('nobody')
    user.find(marker='send-invite').click()
    await user.should_see("No user named 'nobody'")
    user.find(marker='invite-username').clear().type('bob')
    user.find(marker='send-invite').click()
    await user.should_see('Invitation sent to bob')
    await user.should_see(marker='cancel-bob')
    assert UserLink.get().status == 'pending'
    assert access.visible_owner_ids(bob) == [bob.id]

    user.find(marker='cancel-bob').click()
    await user.should_see('Invitation to bob withdrawn')
    await settle(lambda: UserLink.select().count() == 0)


async def test_accept_and_decline_from_the_sharing_tab(user: User) -> None:
    alice = make_user('alice')
    bob, carol = make_user('bob'), make_user('carol')
    links.invite(bob, 'alice')
    links.invite(carol, 'alice')
    await api_login(user, 'alice')
    await user.open('/settings?tab=sharing')
    await user.should_see(marker='incoming-invitations')
    user.find(marker='decline-carol').click()
    await user.should_see('Invitation from carol declined')
    user.find(marker='accept-bob').click()
    await user.should_see('Invitation from bob accepted')
    await user.should_see(marker='unlink-bob')
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
    await user.should_see(marker='unlink-bob')
    user.find(marker='unlink-bob').click()
    await user.should_see('Stop sharing with bob?')
    user.find(marker='cancel-unlink').click()
    assert UserLink.select().count() == 1
    user.find(marker='unlink-bob').click()
    user.find(marker='confirm-unlink').click()
    await user.should_see('Unlinked alice and bob')
    await user.should_see(marker='no-links')
    assert UserLink.select().count() == 0
    assert totals(alice) == before
    assert Category.get_by_id(Expense.get().category_id).owner_id == alice.id


async def test_users_tab_is_for_admins_only(user: User) -> None:
    make_user('root', admin=True)
    make_user('alice')
    await api_login(user, 'alice')
    await user.open('/settings?tab=users')
    await user.should_not_see(marker='create-user')
    await user.should_not_see(marker='tab-users')


async def test_admin_creates_resets_promotes_and_deletes(user: User) -> None:
    root = make_user('root', admin=True)
    await api_login(user, 'root')
    await user.open('/settings?tab=users')
    await user.should_see(marker='users-table')
    table = user.find(marker='users-table').elements.pop()
    await settle(lambda: [r['username'] for r in table.rows] == ['root'])

    user.find(marker='new-username').type('dana')
    user.find(marker='new-user-password').type('short')
    user.find(marker='create-user').click()
    await user.should_see('at least 8 characters')
    user.find(marker='new-user-password').clear().type('dana password')
    user.find(marker='create-user').click()
    await user.should_see('Created dana.')
    await settle(lambda: len(table.rows) == 2)
    dana = users.get_user_by_username('dana')
    assert not dana.is_admin and users.owned_counts(dana)[1] > 0  # started with the usual categories
    row = next(r for r in table.rows if r['username'] == 'dana')

    user.find(marker='users-table').trigger('password', row)
    user.find(marker='reset-password').type('dana new password')
    user.find(marker='save-reset-password').click()
    await user.should_see('Password of dana changed')
    assert users.authenticate('dana', 'dana new password') is not None

    user.find(marker='users-table').trigger('admin', row)
    await user.should_see('dana is now an administrator')
    await settle(lambda: Account.get_by_id(dana.id).is_admin)
    root_row = next(r for r in table.rows if r['username'] == 'root')
    user.find(marker='users-table').trigger('admin', root_row)
    await user.should_see('You cannot demote yourself')
    user.find(marker='users-table').trigger('delete', root_row)
    user.find(marker='confirm-delete-user').click()
    await user.should_see('You cannot delete your own account here')
    assert Account.get_by_id(root.id).is_active

    d = household(dana, 'D-')
    spend(dana, 100, d['food'])
    row = next(r for r in table.rows if r['username'] == 'dana')
    user.find(marker='users-table').trigger('delete', row)
    user.find(marker='confirm-delete-user').click()
    await user.should_see("Deleted user 'dana'")
    await settle(lambda: len(table.rows) == 1)
    assert Expense.select().count() == 1  # kept

    # Created again: the data is back, and no presets are added on top.
    user.find(marker='new-username').type('dana')
    user.find(marker='new-user-password').type('dana password')
    user.find(marker='create-user').click()
    await user.should_see('Created dana with the data it had before.')
    restored = users.get_user_by_username('dana')
    assert restored.id == dana.id and users.authenticate('dana', 'dana password')

    await settle(lambda: len(table.rows) == 2)
    row = next(r for r in table.rows if r['username'] == 'dana')
    user.find(marker='users-table').trigger('delete', row)
    user.find(marker='delete-data').click()
    user.find(marker='confirm-delete-user').click()
    await user.should_see('Deleted its data: 1 expense(s)')
    await settle(lambda: Expense.select().count() == 0)
    assert PASSWORD


async def test_admin_links_and_unlinks_two_users_at_once(user: User) -> None:
    make_user('root', admin=True)
    alice, bob = make_user('alice'), make_user('bob')
    b = household(bob)
    spend(alice, 300, b['food'])
    await api_login(user, 'root')
    await user.open('/settings?tab=users')
    await user.should_see(marker='admin-link')
    user.find(marker='admin-link').click()
    await user.should_see('Choose two users.')
    first = user.find(marker='link-user1').elements.pop()
    second = user.find(marker='link-user2').elements.pop()
    await settle(lambda: 'alice' in first.options)
    first.set_value('alice')
    second.set_value('alice')
    user.find(marker='admin-link').click()
    await user.should_see('same account')
    second.set_value('bob')
    user.find(marker='admin-link').click()
    await user.should_see('Linked alice and bob')
    assert access.visible_owner_ids(alice) == [alice.id, bob.id]
    before = totals(alice)
    user.find(marker='admin-unlink').click()
    await user.should_see('Unlinked alice and bob')
    assert access.visible_owner_ids(alice) == [alice.id]
    assert totals(alice) == before
