"""Settings › Sharing and Settings › Users through NiceGUI's simulated user."""

from __future__ import annotations

import asyncio

from nicegui.testing import User

from app.models import Category, Expense, UserLink
from app.models import User as Account
from app.services import access, links, users
from tests.conftest import PASSWORD, api_login, make_user
from tests.sharing_data import household, spend, totals


async def see(user: User, *args, **kwargs) -> None:
    """should_see with patience for a loaded machine: service calls run in threads (10 s at most)."""
    await user.should_see(*args, retries=100, **kwargs)


async def settle(condition, seconds: float = 10) -> None:
    """Poll until the io_bound service call behind a click has finished and `condition` holds (as
    should_see does for what is on screen); fail after `seconds`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        assert loop.time() < deadline, 'the condition never became true'
        await asyncio.sleep(0.01)


async def test_invite_from_the_sharing_tab(user: User) -> None:
    make_user('alice')
    bob = make_user('bob')
    await api_login(user, 'alice')
    await user.open('/settings?tab=sharing')
    await see(user, marker='no-links')
    user.find(marker='send-invite').click()
    await see(user, 'Type the username')
    user.find(marker='invite-username').type('nobody')
    user.find(marker='send-invite').click()
    await see(user, "No user named 'nobody'")
    user.find(marker='invite-username').clear().type('bob')
    user.find(marker='send-invite').click()
    await see(user, 'Invitation sent to bob')
    await see(user, marker='cancel-bob')
    assert UserLink.get().status == 'pending'
    assert access.visible_owner_ids(bob) == [bob.id]

    user.find(marker='cancel-bob').click()
    await see(user, 'Invitation to bob withdrawn')
    await settle(lambda: UserLink.select().count() == 0)


async def test_accept_and_decline_from_the_sharing_tab(user: User) -> None:
    alice = make_user('alice')
    bob, carol = make_user('bob'), make_user('carol')
    links.invite(bob, 'alice')
    links.invite(carol, 'alice')
    await api_login(user, 'alice')
    await user.open('/settings?tab=sharing')
    await see(user, marker='incoming-invitations')
    user.find(marker='decline-carol').click()
    await see(user, 'Invitation from carol declined')
    user.find(marker='accept-bob').click()
    await see(user, 'Invitation from bob accepted')
    await see(user, marker='unlink-bob')
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
    assert UserLink.select().count() == 1
    user.find(marker='unlink-bob').click()
    user.find(marker='confirm-unlink').click()
    await see(user, 'Unlinked alice and bob')
    await see(user, marker='no-links')
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
    await see(user, marker='users-table')
    table = user.find(marker='users-table').elements.pop()
    await settle(lambda: [r['username'] for r in table.rows] == ['root'])

    user.find(marker='new-username').type('dana')
    user.find(marker='new-user-password').type('short')
    user.find(marker='create-user').click()
    await see(user, 'at least 8 characters')
    user.find(marker='new-user-password').clear().type('dana password')
    user.find(marker='create-user').click()
    await see(user, 'Created dana.')
    await settle(lambda: len(table.rows) == 2)
    dana = users.get_user_by_username('dana')
    assert not dana.is_admin and users.owned_counts(dana)[1] > 0  # started with the usual categories
    row = next(r for r in table.rows if r['username'] == 'dana')

    user.find(marker='users-table').trigger('password', row)
    user.find(marker='reset-password').type('dana new password')
    user.find(marker='save-reset-password').click()
    await see(user, 'Password of dana changed')
    assert users.authenticate('dana', 'dana new password') is not None

    user.find(marker='users-table').trigger('admin', row)
    await see(user, 'dana is now an administrator')
    await settle(lambda: Account.get_by_id(dana.id).is_admin)
    root_row = next(r for r in table.rows if r['username'] == 'root')
    user.find(marker='users-table').trigger('admin', root_row)
    await see(user, 'You cannot demote yourself')
    user.find(marker='users-table').trigger('delete', root_row)
    user.find(marker='confirm-delete-user').click()
    await see(user, 'You cannot delete your own account here')
    assert Account.get_by_id(root.id).is_active

    d = household(dana, 'D-')
    spend(dana, 100, d['food'])
    row = next(r for r in table.rows if r['username'] == 'dana')
    user.find(marker='users-table').trigger('delete', row)
    user.find(marker='confirm-delete-user').click()
    await see(user, "Deleted user 'dana'")
    await settle(lambda: len(table.rows) == 1)
    assert Expense.select().count() == 1  # kept

    # Created again: the data is back, and no presets are added on top.
    user.find(marker='new-username').type('dana')
    user.find(marker='new-user-password').type('dana password')
    user.find(marker='create-user').click()
    await see(user, 'Created dana with the data it had before.')
    restored = users.get_user_by_username('dana')
    assert restored.id == dana.id and users.authenticate('dana', 'dana password')

    await settle(lambda: len(table.rows) == 2)
    row = next(r for r in table.rows if r['username'] == 'dana')
    user.find(marker='users-table').trigger('delete', row)
    user.find(marker='delete-data').click()
    user.find(marker='confirm-delete-user').click()
    await see(user, 'Deleted its data: 1 expense(s)')
    await settle(lambda: Expense.select().count() == 0)
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
    await see(user, 'Choose two users.')
    first = user.find(marker='link-user1').elements.pop()
    second = user.find(marker='link-user2').elements.pop()
    await settle(lambda: 'alice' in first.options)
    first.set_value('alice')
    second.set_value('alice')
    user.find(marker='admin-link').click()
    await see(user, 'same account')
    second.set_value('bob')
    user.find(marker='admin-link').click()
    await see(user, 'Linked alice and bob')
    assert access.visible_owner_ids(alice) == [alice.id, bob.id]
    before = totals(alice)
    user.find(marker='admin-unlink').click()
    await see(user, 'Unlinked alice and bob')
    assert access.visible_owner_ids(alice) == [alice.id]
    assert totals(alice) == before
