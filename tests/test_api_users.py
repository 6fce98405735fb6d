"""/sysapi/users...: listing, linking, invitations, unlinking and administration over HTTP."""

from __future__ import annotations

from nicegui.testing import User

from app.models import Expense, UserLink
from app.services import access, links, tokens, users
from tests.conftest import API_KEY, PASSWORD, api_login, make_user
from tests.sharing_data import household, spend, totals


def bearer(account) -> dict[str, str]:
    _, token = tokens.create_token(account, 'test')
    return {'Authorization': f'Bearer {token}'}


async def test_list_users_admin_sees_all_others_only_their_circle(user: User) -> None:
    root = make_user('root', admin=True)
    alice, bob = make_user('alice'), make_user('bob')
    make_user('carol')
    links.link_users(None, 'alice', 'bob')
    client = user.http_client

    everyone = (await client.get('/sysapi/users', headers=bearer(root))).json()['users']
    assert [u['username'] for u in everyone] == ['alice', 'bob', 'carol', 'root']
    assert set(everyone[0]) == {'id', 'username', 'is_admin', 'is_me', 'linked', 'created_at'}
    assert everyone[0]['created_at'].endswith('Z')
    circle = (await client.get('/sysapi/users', headers=bearer(alice))).json()['users']
    assert [(u['username'], u['is_me'], u['linked']) for u in circle] == [('alice', True, False), ('bob', False, True)]
    linked = (await client.get('/sysapi/users/linked', headers=bearer(bob))).json()['linked']
    assert [(x['username'], x['status']) for x in linked] == [('alice', 'active')]
    assert set(linked[0]) == {'id', 'user_id', 'username', 'status', 'invited_by_me', 'since'}
    assert linked[0]['user_id'] == alice.id and linked[0]['since'].endswith('Z')
    assert (await client.get('/sysapi/users')).status_code == 401
    assert alice.id and bob.id


async def test_admin_links_with_form_body_as_in_the_reference(user: User) -> None:
    make_user('root', admin=True)
    alice, bob = make_user('alice'), make_user('bob')
    await api_login(user, 'root')
    response = await user.http_client.post(f'/sysapi/users/link?key={API_KEY}', data={'user1': 'alice', 'user2': 'bob'})
    assert response.status_code == 200, response.text
    assert response.json()['status'] == 'active'
    assert access.visible_owner_ids(alice) == [alice.id, bob.id]
    again = await user.http_client.post(f'/sysapi/users/link?key={API_KEY}', json={'user1': 'bob', 'user2': 'alice'})
    assert 'already linked' in again.json()['message']

    for body, status in (
        ({'user1': 'alice', 'user2': 'ghost'}, 404),
        ({'user1': 'alice', 'user2': 'ALICE'}, 422),
        ({'user1': 'alice'}, 422),
        ({'user1': 'x' * 300, 'user2': 'bob'}, 422),
    ):
        bad = await user.http_client.post(f'/sysapi/users/link?key={API_KEY}', data=body)
        assert bad.status_code == status, (body, bad.text)
        assert bad.json()['error']

    b = household(bob)
    spend(alice, 1999, b['food'], method=b['card'])
    before = totals(alice)
    response = await user.http_client.post(
        f'/sysapi/users/unlink?key={API_KEY}', data={'user1': 'alice', 'user2': 'bob'}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body['expenses_repointed'], body['categories_copied'], body['payment_methods_copied']) == (1, 1, 1)
    assert totals(alice) == before and Expense.select().count() == 1
    assert access.visible_owner_ids(alice) == [alice.id]
    missing = await user.http_client.post(
        f'/sysapi/users/unlink?key={API_KEY}', data={'user1': 'alice', 'user2': 'bob'}
    )
    assert missing.status_code == 404


async def test_a_user_link_request_is_an_invitation(user: User) -> None:
    alice, bob = make_user('alice'), make_user('bob')
    make_user('carol')
    client = user.http_client
    as_alice, as_bob = bearer(alice), bearer(bob)

    others = await client.post('/sysapi/users/link', data={'user1': 'bob', 'user2': 'carol'}, headers=as_alice)
    assert others.status_code == 403
    response = await client.post('/sysapi/users/link', data={'user1': 'alice', 'user2': 'bob'}, headers=as_alice)
    assert response.status_code == 200 and response.json()['status'] == 'pending'
    assert access.visible_owner_ids(alice) == [alice.id]

    pending = (await client.get('/sysapi/users/invitations', headers=as_bob)).json()
    assert [i['username'] for i in pending['incoming']] == ['alice'] and pending['outgoing'] == []
    sent = (await client.get('/sysapi/users/invitations', headers=as_alice)).json()
    assert [i['username'] for i in sent['outgoing']] == ['bob']

    wrong = await client.post('/sysapi/users/invitations/accept', data={'username': 'bob'}, headers=as_alice)
    assert wrong.status_code == 404
    accepted = await client.post('/sysapi/users/invitations/accept', json={'username': 'alice'}, headers=as_bob)
    assert accepted.status_code == 200 and accepted.json()['status'] == 'active'
    assert access.visible_owner_ids(bob) == [bob.id, alice.id]

    unlink_others = await client.post('/sysapi/users/unlink', data={'user1': 'bob', 'user2': 'carol'}, headers=as_alice)
    assert unlink_others.status_code == 403
    gone = await client.post('/sysapi/users/unlink', data={'user1': 'bob', 'user2': 'alice'}, headers=as_alice)
    assert gone.status_code == 200
    assert UserLink.select().count() == 0


async def test_decline_and_cancel_over_the_api(user: User) -> None:
    alice, bob = make_user('alice'), make_user('bob')
    client = user.http_client
    await client.post('/sysapi/users/link', data={'user1': 'alice', 'user2': 'bob'}, headers=bearer(alice))
    declined = await client.post('/sysapi/users/invitations/decline', data={'username': 'alice'}, headers=bearer(bob))
    assert declined.status_code == 200 and UserLink.select().count() == 0
    await client.post('/sysapi/users/link', data={'user1': 'bob', 'user2': 'alice'}, headers=bearer(alice))
    not_mine = await client.post('/sysapi/users/invitations/cancel', data={'username': 'alice'}, headers=bearer(bob))
    assert not_mine.status_code == 404
    cancelled = await client.post('/sysapi/users/invitations/cancel', data={'username': 'bob'}, headers=bearer(alice))
    assert cancelled.status_code == 200 and UserLink.select().count() == 0


async def test_admin_routes_refuse_non_admins_and_work_for_admins(user: User) -> None:
    root = make_user('root', admin=True)
    alice = make_user('alice')
    client = user.http_client
    for path, body in (
        ('/sysapi/users/create', {'username': 'eve', 'password': PASSWORD}),
        ('/sysapi/users/delete', {'username': 'root'}),
        ('/sysapi/users/password', {'username': 'root', 'password': 'taken over!'}),
        ('/sysapi/users/admin', {'username': 'alice', 'is_admin': 'true'}),
    ):
        refused = await client.post(path, data=body, headers=bearer(alice))
        assert refused.status_code == 403, path
    assert users.find_user('eve') is None and not users.get_user(alice.id).is_admin

    admin = bearer(root)
    created = await client.post('/sysapi/users/create', json={'username': 'eve', 'password': PASSWORD}, headers=admin)
    assert created.status_code == 200 and created.json()['restored'] is False
    eve = users.get_user_by_username('eve')
    assert users.owned_counts(eve)[2] == 4  # the starting payment methods: cash, card, transfer, cheque
    taken = await client.post('/sysapi/users/create', json={'username': 'EVE', 'password': PASSWORD}, headers=admin)
    assert taken.status_code == 409
    reset = await client.post(
        '/sysapi/users/password', data={'username': 'eve', 'password': 'eve new pass'}, headers=admin
    )
    assert reset.status_code == 200 and users.authenticate('eve', 'eve new pass')
    short = await client.post('/sysapi/users/password', data={'username': 'eve', 'password': 'x'}, headers=admin)
    assert short.status_code == 422 and short.json()['field'] == 'password'
    demote_self = await client.post(
        '/sysapi/users/admin', data={'username': 'root', 'is_admin': 'false'}, headers=admin
    )
    assert demote_self.status_code == 409  # the only administrator
    deleted = await client.post('/sysapi/users/delete', data={'username': 'eve'}, headers=admin)
    assert deleted.status_code == 200 and deleted.json()['categories'] > 0 and not deleted.json()['data_deleted']
    restored = await client.post('/sysapi/users/create', data={'username': 'eve', 'password': PASSWORD}, headers=admin)
    assert restored.json()['restored'] is True
    purge = await client.post('/sysapi/users/delete', data={'username': 'eve', 'delete_data': 'true'}, headers=admin)
    assert purge.json()['data_deleted'] is True
    assert users.owned_counts(eve) == (0, 0, 0)
    self_delete = await client.post('/sysapi/users/delete', data={'username': 'root'}, headers=admin)
    assert self_delete.status_code == 422
