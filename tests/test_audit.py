"""The audit log service: recording and reading events."""

from datetime import UTC

import pytest

from app.models import AuditEvent
from app.services import audit
from app.services.errors import Forbidden, Invalid
from app.services.timestamps import iso_utc
from tests.conftest import make_user


def test_record_and_list(database) -> None:
    admin = make_user('root', admin=True)
    alice = make_user('alice')
    assert [e.event for e in audit.list_events(admin)[0]] == ['user_created', 'user_created']
    AuditEvent.delete().execute()
    audit.record('login_ok', alice, ip='203.0.113.5')
    audit.record('login_failed', 'nobody', ip='198.51.100.7', detail='unknown user')
    audit.record('token_created', alice, ip='203.0.113.5', detail='token "phone"')
    events, total = audit.list_events(admin)
    assert total == 3
    assert [e.event for e in events] == ['token_created', 'login_failed', 'login_ok']
    assert events[1].username == 'nobody' and events[1].ip == '198.51.100.7'
    assert events[0].label == 'API token created'
    assert events[0].at.tzinfo == UTC and iso_utc(events[0].at).endswith('Z')
    only_alice, count = audit.list_events(admin, username='ALICE')
    assert count == 2 and {e.username for e in only_alice} == {'alice'}
    failures, count = audit.list_events(admin, event='login_failed')
    assert count == 1 and failures[0].detail == 'unknown user'
    page, total = audit.list_events(admin, limit=1, offset=1)
    assert total == 3 and [e.event for e in page] == ['login_failed']
    audit.record('login_failed', 'a_ice', ip='198.51.100.7')  # _ is no wildcard
    assert audit.list_events(admin, username='alice')[1] == 2


def test_only_admins_read_it(database) -> None:
    alice = make_user('alice')
    with pytest.raises(Forbidden):
        audit.list_events(alice)
    admin = make_user('root', admin=True)
    with pytest.raises(Invalid):
        audit.list_events(admin, limit=0)
    with pytest.raises(Invalid):
        audit.list_events(admin, offset=-1)


def test_long_values_are_cut_and_a_deleted_user_keeps_its_name(database) -> None:
    alice = make_user('alice')
    row = audit.record('x' * 100, alice, ip='1' * 100, detail='d' * 5000)
    assert len(row.event) == 40 and len(row.ip) == 64 and len(row.detail) == 2000
    alice.delete_instance()
    stored = AuditEvent.get_by_id(row.id)
    assert stored.user is None and stored.username == 'alice'


def test_recording_never_raises(database, caplog) -> None:
    caplog.set_level('INFO', logger='whatispend.audit')
    AuditEvent.drop_table()  # a broken audit table: the event is still logged and the caller carries on
    assert audit.record('backup_created', None, detail='nightly') is None
    assert 'audit backup_created' in caplog.text and 'could not store the audit event' in caplog.text


async def test_admins_read_the_audit_tab_and_others_do_not_see_it(user) -> None:
    from app.pages import settings_audit
    from tests.conftest import api_login

    admin = make_user('root', admin=True)
    make_user('alice')
    for n in range(settings_audit.PAGE_SIZE + 5):
        audit.record('login_failed', f'guess{n}', ip='203.0.113.9')
    audit.record('token_created', admin, ip='198.51.100.1', detail='token 1 "phone"')
    await api_login(user, 'alice')
    await user.open('/settings?tab=audit')
    await user.should_not_see(marker='audit-table')
    await user.should_not_see(marker='tab-audit')
    await api_login(user, 'root')
    await user.open('/settings?tab=audit')
    await user.should_see(f'1–{settings_audit.PAGE_SIZE} of')  # the tab loads after the others
    table = user.find(marker='audit-table').elements.pop()
    assert table.rows[0]['event'] == 'login_ok' and table.rows[0]['username'] == 'root'
    assert len(table.rows) == settings_audit.PAGE_SIZE
    user.find(marker='audit-older').click()
    await user.should_see(f'{settings_audit.PAGE_SIZE + 1}–')
    user.find(marker='audit-event').elements.pop().set_value('token_created')
    await user.should_see('1–1 of 1')
    assert table.rows[0]['detail'] == 'token 1 "phone"' and table.rows[0]['ip'] == '198.51.100.1'


async def test_a_route_far_from_the_request_still_records_the_client_address(database) -> None:
    """audit.record() without an ip, in a sync route (a worker thread), gets the address of the request."""
    import httpx
    from fastapi import FastAPI

    from app.web.client_ip import ClientIpMiddleware

    api = FastAPI()

    @api.post('/act')
    def act() -> dict:
        audit.record('user_changed', 'bob', detail='from a use case that knows no request')
        return {}

    transport = httpx.ASGITransport(ClientIpMiddleware(api), client=('203.0.113.77', 5))
    async with httpx.AsyncClient(transport=transport, base_url='http://test') as client:
        assert (await client.post('/act')).status_code == 200
    assert AuditEvent.get(AuditEvent.event == 'user_changed').ip == '203.0.113.77'
    assert audit.record('user_changed', 'bob').ip == ''  # outside any request: no address


def test_user_and_link_changes_are_recorded(database) -> None:
    from app.services import links, users

    admin = make_user('root', admin=True)
    alice, bob = make_user('alice'), make_user('bob')
    links.invite(alice, 'bob')
    links.accept(bob, 'alice')
    links.unlink(alice, 'bob')
    links.link_users(admin, 'alice', 'bob')
    users.set_admin(bob, True, actor=admin)
    users.reset_password(bob, 'another password 1', 'another password 1')
    users.delete_user(bob, actor=admin)
    events = [(e.event, e.username) for e in reversed(audit.list_events(admin)[0])]
    assert events == [
        ('user_created', 'root'),
        ('user_created', 'alice'),
        ('user_created', 'bob'),
        ('link_changed', 'alice'),
        ('link_created', 'bob'),
        ('link_removed', 'alice'),
        ('link_created', 'alice'),
        ('user_changed', 'bob'),
        ('password_changed', 'bob'),
        ('user_deleted', 'bob'),
    ]
